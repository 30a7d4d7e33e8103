/**
 * Discovery: aggregated (`apidiscovery.k8s.io` v2 / v2beta1, chosen by Accept) and the
 * legacy documents, all generated from the catalogue and cached per catalogue version.
 */
import { DISCOVERY_CONTENT_TYPE, aggregatedDiscovery, apiResourceList, legacyApiGroup, legacyApiGroupList, legacyApiVersions, negotiateAggregated } from '../../api/discovery/index.js';
import type { ApiContext, RequestScope } from '../context.js';
import { notFoundResource } from './resource.js';

function cached(api: ApiContext, key: string, build: () => unknown): string | undefined {
  const version = api.catalogue.version;
  const hit = api.discoveryCache.get(key);
  if (hit && hit.version === version) return hit.text;
  const doc = build();
  if (doc === undefined) return undefined;
  const text = JSON.stringify(doc);
  api.discoveryCache.set(key, { version, text });
  return text;
}

function reply(scope: RequestScope, contentType: string, text: string): void {
  scope.res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', Vary: 'Accept' });
  scope.res.end(scope.req.method === 'HEAD' ? undefined : text);
}

export function serveDiscovery(api: ApiContext, scope: RequestScope, path: string): void {
  const types = api.catalogue.all();
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 1) {
    const core = parts[0] === 'api';
    const aggregated = negotiateAggregated(scope.req.headers.accept);
    if (aggregated) {
      const text = cached(api, `${path}:${aggregated}`, () => aggregatedDiscovery(types, { core, version: aggregated }))!;
      return reply(scope, DISCOVERY_CONTENT_TYPE[aggregated], text);
    }
    const text = cached(api, path, () => (core ? legacyApiVersions({ serverAddress: scope.req.socket.localAddress ? `${scope.req.socket.localAddress}:${scope.req.socket.localPort}` : undefined }) : legacyApiGroupList(types)))!;
    return reply(scope, 'application/json', text);
  }
  let text: string | undefined;
  if (parts[0] === 'api' && parts.length === 2) text = cached(api, path, () => apiResourceList(types, '', parts[1]));
  else if (parts[0] === 'apis' && parts.length === 2) text = cached(api, path, () => legacyApiGroup(types, parts[1]));
  else if (parts[0] === 'apis' && parts.length === 3) text = cached(api, path, () => apiResourceList(types, parts[1], parts[2]));
  if (text === undefined) throw notFoundResource();
  return reply(scope, 'application/json', text);
}
