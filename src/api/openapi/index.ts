/**
 * OpenAPI documents generated from the catalogue: v3 index and per-group-version
 * documents, a v2 JSON document, the empty v2 protobuf answer kubectl 1.27/1.28 need,
 * and a per-catalogue-version cache of the serialized forms.
 */
export { openapiV3Document, openapiV3Index, gvKey, servedGroupVersions, type DocumentInfo } from './v3.js';
export { openapiV2Document, openapiV2Protobuf, OPENAPI_V2_PROTOBUF_CONTENT_TYPE } from './v2.js';
export { OpenAPICache, contentHash, type CatalogueSnapshot, type SerializedDocument } from './cache.js';
export { convertSchema, documentDefinitions, listRef } from './schemas.js';
export { gvStem, operationsFor } from './operations.js';
