/**
 * Writing objects and lists in the form the client negotiated (JSON, YAML, Table,
 * PartialObjectMetadata), with Warning headers.
 */
import { stringify as toYaml } from 'yaml';
import type { KObject, ResourceType } from '../../api/types.js';
import { negotiate, warningHeader } from '../http.js';
import { apiVersion, type ApiContext, type RequestScope } from '../context.js';

function includeObjectOf(scope: RequestScope): 'None' | 'Metadata' | 'Object' {
  const v = scope.url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function partial(obj: KObject): KObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function send(scope: RequestScope, code: number, body: unknown, contentType = 'application/json'): void {
  const { res } = scope;
  if (scope.warnings.length) res.setHeader('Warning', [...new Set(scope.warnings)].map(warningHeader));
  const text = contentType === 'application/yaml' ? toYaml(body) : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(scope.req.method === 'HEAD' ? undefined : text);
}

export function sendObject(api: ApiContext, scope: RequestScope, rt: ResourceType, code: number, obj: KObject): void {
  const n = negotiate(scope.req.headers.accept);
  if (n.form === 'table') {
    send(scope, code, api.toTable([obj], rt.printer, { includeObject: includeObjectOf(scope), now: api.clock(), resourceVersion: obj.metadata?.resourceVersion }));
  } else if (n.form === 'partial') {
    send(scope, code, partial(obj));
  } else {
    send(scope, code, obj, n.contentType);
  }
}

export interface ListBody {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export function sendList(api: ApiContext, scope: RequestScope, rt: ResourceType, list: ListBody): void {
  const n = negotiate(scope.req.headers.accept);
  const metadata: Record<string, unknown> = { resourceVersion: list.resourceVersion };
  if (list.continue) metadata.continue = list.continue;
  if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
  if (n.form === 'table') {
    send(scope, 200, api.toTable(list.items, rt.printer, { includeObject: includeObjectOf(scope), now: api.clock(), resourceVersion: list.resourceVersion, continue: list.continue, remainingItemCount: list.remainingItemCount }));
  } else if (n.form === 'partial') {
    send(scope, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: list.items.map(partial) });
  } else {
    send(scope, 200, { kind: rt.listKind ?? `${rt.kind}List`, apiVersion: apiVersion(rt), metadata, items: list.items }, n.contentType);
  }
}
