/**
 * OpenAPI v3: the index `/openapi/v3` and one document per group-version
 * (`/openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`).
 */
import type { ResourceType, SchemaDefinitions } from '../types.js';
import { groupVersions } from '../discovery/discovery.js';
import { type Operation, type Param, type PathItem, PATCH_TYPES, RESPONSE_TYPES, WATCH_RESPONSE_TYPES, gvPrefix, operationRefs, operationsFor } from './operations.js';
import { convertSchema, documentDefinitions } from './schemas.js';

type Json = Record<string, unknown>;
const PREFIX = '#/components/schemas/';

/** Index key of a group-version: `api/v1`, `apis/apps/v1` (no leading slash). */
export function gvKey(group: string, version: string): string {
  return gvPrefix(group, version).slice(1);
}

/** Every served group-version's key, in discovery order. */
export function servedGroupVersions(types: readonly ResourceType[]): Array<{ group: string; version: string; key: string }> {
  return groupVersions(types).flatMap((g) => g.versions.map((version) => ({ group: g.group, version, key: gvKey(g.group, version) })));
}

/** `OpenAPIV3Discovery`; `docsHashes` maps each key to its document's hash. */
export function openapiV3Index(types: readonly ResourceType[], docsHashes: Record<string, string>): Json {
  const paths: Json = {};
  for (const { key } of servedGroupVersions(types)) {
    const hash = docsHashes[key];
    paths[key] = { serverRelativeURL: hash ? `/openapi/v3/${key}?hash=${hash}` : `/openapi/v3/${key}` };
  }
  return { paths };
}

export interface DocumentInfo {
  /** `info.version`, e.g. the server's gitVersion. */
  serverVersion?: string;
}

export function openapiV3Document(
  types: readonly ResourceType[],
  definitions: SchemaDefinitions,
  group: string,
  version: string,
  info: DocumentInfo = {},
): Json {
  const items = operationsFor(types, group, version);
  const paths: Json = {};
  for (const item of items) paths[item.path] = pathItem(item);
  const gvTypes = types.filter((t) => t.group === group && t.version === version);
  const defs = documentDefinitions(gvTypes, definitions, [...operationRefs(items), ...gvTypes.map((t) => t.schemaRef)]);
  const schemas: Json = {};
  for (const [name, s] of Object.entries(defs)) schemas[name] = convertSchema(s, PREFIX, true);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: info.serverVersion ?? 'unversioned' },
    paths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
  };
}

function param(p: Param): Json {
  const out: Json = { name: p.name, in: p.in, description: p.description, schema: { type: p.type, uniqueItems: true } };
  if (p.required) out.required = true;
  return out;
}

function content(types: readonly string[], ref: string): Json {
  const c: Json = {};
  for (const t of types) c[t] = { schema: { $ref: PREFIX + ref } };
  return c;
}

function operation(op: Operation): Json {
  const responses: Json = {};
  for (const [code, ref] of Object.entries(op.responses)) {
    responses[code] = { description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK', content: content(op.watchable ? WATCH_RESPONSE_TYPES : RESPONSE_TYPES, ref) };
  }
  responses['401'] = { description: 'Unauthorized' };
  const out: Json = { tags: [], description: op.description, operationId: op.operationId };
  if (op.params.length) out.parameters = op.params.map(param);
  if (op.body) {
    out.requestBody = {
      content: op.body.patch ? content(PATCH_TYPES[op.body.patch], op.body.ref) : { '*/*': { schema: { $ref: PREFIX + op.body.ref } } },
      required: op.method !== 'delete',
    };
  }
  out.responses = responses;
  out['x-kubernetes-action'] = op.action;
  out['x-kubernetes-group-version-kind'] = op.gvk;
  return out;
}

function pathItem(item: PathItem): Json {
  const out: Json = {};
  for (const op of item.ops) out[op.method] = operation(op);
  out.parameters = item.params.map(param);
  return out;
}
