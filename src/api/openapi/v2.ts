/**
 * OpenAPI v2 (Swagger 2.0) for every served group-version in one document, for
 * clients that ask `/openapi/v2` with `Accept: application/json`. kubectl itself asks
 * for protobuf; `openapiV2Protobuf` answers that with an empty (valid) Document.
 */
import type { ResourceType, SchemaDefinitions } from '../types.js';
import { type Operation, type Param, type PathItem, PATCH_TYPES, RESPONSE_TYPES, WATCH_RESPONSE_TYPES, operationRefs, operationsFor } from './operations.js';
import { convertSchema, documentDefinitions } from './schemas.js';
import { servedGroupVersions, type DocumentInfo } from './v3.js';

type Json = Record<string, unknown>;
const PREFIX = '#/definitions/';

/** kube-openapi spells `@` as `.` here: Go's MIME parser rejects the `@`. */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** An empty protobuf body decodes as an empty `openapi_v2.Document`, which kubectl 1.27/1.28 accept. */
export function openapiV2Protobuf(): { contentType: string; body: Uint8Array } {
  return { contentType: OPENAPI_V2_PROTOBUF_CONTENT_TYPE, body: new Uint8Array(0) };
}

export function openapiV2Document(types: readonly ResourceType[], definitions: SchemaDefinitions, info: DocumentInfo = {}): Json {
  const paths: Json = {};
  const items: PathItem[] = [];
  for (const { group, version } of servedGroupVersions(types)) items.push(...operationsFor(types, group, version));
  for (const item of items) paths[item.path] = pathItem(item);
  const defs = documentDefinitions(types, definitions, [...operationRefs(items), ...types.map((t) => t.schemaRef)]);
  const out: Json = {};
  for (const [name, s] of Object.entries(defs)) out[name] = convertSchema(s, PREFIX, false);
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: info.serverVersion ?? 'unversioned' },
    paths,
    definitions: out,
    securityDefinitions: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}

function param(p: Param): Json {
  const out: Json = { uniqueItems: true, type: p.type, description: p.description, name: p.name, in: p.in };
  if (p.required) out.required = true;
  return out;
}

function operation(op: Operation): Json {
  const responses: Json = {};
  for (const [code, ref] of Object.entries(op.responses)) {
    responses[code] = { description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK', schema: { $ref: PREFIX + ref } };
  }
  responses['401'] = { description: 'Unauthorized' };
  const params = op.params.map(param);
  if (op.body) params.unshift({ name: 'body', in: 'body', required: op.method !== 'delete', schema: { $ref: PREFIX + op.body.ref } });
  return {
    description: op.description,
    consumes: op.body?.patch ? [...PATCH_TYPES[op.body.patch]] : ['*/*'],
    produces: op.watchable ? WATCH_RESPONSE_TYPES : RESPONSE_TYPES,
    schemes: ['https'],
    tags: [],
    operationId: op.operationId,
    parameters: params,
    responses,
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': op.gvk,
  };
}

function pathItem(item: PathItem): Json {
  const out: Json = {};
  for (const op of item.ops) out[op.method] = operation(op);
  out.parameters = item.params.map(param);
  return out;
}
