/**
 * OpenAPI: `/openapi/v3` (index with content hashes) and its per-group-version
 * documents (immutable when fetched with the current hash, 301 to it otherwise), and
 * `/openapi/v2` as JSON or as the empty protobuf document kubectl 1.27/1.28 accept.
 */
import { OPENAPI_V2_PROTOBUF_CONTENT_TYPE, openapiV2Protobuf, type CatalogueSnapshot } from '../../api/openapi/index.js';
import type { ApiContext, RequestScope } from '../context.js';
import { notFoundResource } from './resource.js';

function snapshot(api: ApiContext): CatalogueSnapshot {
  return { types: api.catalogue.all(), definitions: api.catalogue.definitions, version: api.catalogue.version };
}

function reply(scope: RequestScope, contentType: string, body: string | Uint8Array, headers: Record<string, string> = {}): void {
  const etag = headers.ETag;
  if (etag && scope.req.headers['if-none-match'] === etag) {
    scope.res.writeHead(304, headers);
    scope.res.end();
    return;
  }
  scope.res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), Vary: 'Accept', ...headers });
  scope.res.end(scope.req.method === 'HEAD' ? undefined : body);
}

export function serveOpenApi(api: ApiContext, scope: RequestScope, path: string): void {
  const snap = snapshot(api);
  if (path === '/openapi/v2') {
    const accept = scope.req.headers.accept ?? '';
    if (accept.includes('protobuf')) {
      const pb = openapiV2Protobuf();
      return reply(scope, OPENAPI_V2_PROTOBUF_CONTENT_TYPE, pb.body);
    }
    const doc = api.openapi.v2Document(snap);
    return reply(scope, 'application/json', doc.body, { ETag: `"${doc.hash}"` });
  }
  if (path === '/openapi/v3') {
    const index = api.openapi.v3Index(snap);
    return reply(scope, 'application/json', index.body, { ETag: `"${index.hash}"` });
  }
  const key = path.slice('/openapi/v3/'.length);
  const doc = api.openapi.v3Document(snap, key);
  if (!doc) throw notFoundResource();
  const hash = scope.url.searchParams.get('hash');
  if (hash && hash !== doc.hash) {
    scope.res.writeHead(301, { Location: `/openapi/v3/${key}?hash=${doc.hash}` });
    scope.res.end();
    return;
  }
  const headers: Record<string, string> = { ETag: `"${doc.hash}"` };
  if (hash) {
    headers['Cache-Control'] = 'public, immutable';
    headers.Expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
  }
  return reply(scope, 'application/json', doc.body, headers);
}
