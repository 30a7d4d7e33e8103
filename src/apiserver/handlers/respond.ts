/**
 * Writing objects and lists in the form the client negotiated (JSON, YAML, Table,
 * PartialObjectMetadata), with Warning headers.
 */
import type { KObject, ResourceType } from '../../api/types.js';
import { negotiate, warningHeader } from '../http.js';
import { apiVersion, type ApiContext, type RequestScope } from '../context.js';
import type { EncodedListResult, ListOptions } from '../registry/storage.js';
import { loadedYaml } from '../yaml.js';

function includeObjectOf(scope: RequestScope): 'None' | 'Metadata' | 'Object' {
  const v = scope.url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function partial(obj: KObject): KObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** Bodies larger than this are encoded once up front rather than measured and then encoded. */
const LARGE_BODY = 64 * 1024;

function writeText(scope: RequestScope, code: number, text: string, contentType: string): void {
  const { res } = scope;
  if (scope.warnings.length) res.setHeader('Warning', [...new Set(scope.warnings)].map(warningHeader));
  const body = text.length > LARGE_BODY ? Buffer.from(text, 'utf8') : text;
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length, 'Cache-Control': 'no-cache, private' });
  res.end(scope.req.method === 'HEAD' ? undefined : body);
}

export function send(scope: RequestScope, code: number, body: unknown, contentType = 'application/json'): void {
  writeText(scope, code, contentType === 'application/yaml' ? loadedYaml().stringify(body) : JSON.stringify(body), contentType);
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

function listMetadata(list: Omit<ListBody, 'items'>): Record<string, unknown> {
  const metadata: Record<string, unknown> = { resourceVersion: list.resourceVersion };
  if (list.continue) metadata.continue = list.continue;
  if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
  return metadata;
}

export function sendList(api: ApiContext, scope: RequestScope, rt: ResourceType, list: ListBody): void {
  const n = negotiate(scope.req.headers.accept);
  const metadata = listMetadata(list);
  if (n.form === 'table') {
    send(scope, 200, api.toTable(list.items, rt.printer, { includeObject: includeObjectOf(scope), now: api.clock(), resourceVersion: list.resourceVersion, continue: list.continue, remainingItemCount: list.remainingItemCount }));
  } else if (n.form === 'partial') {
    send(scope, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: list.items.map(partial) });
  } else {
    send(scope, 200, { kind: rt.listKind ?? `${rt.kind}List`, apiVersion: apiVersion(rt), metadata, items: list.items }, n.contentType);
  }
}

/** A JSON list whose items are JSON text already: the very bytes `sendList` writes for the decoded items. */
export function sendEncodedList(scope: RequestScope, rt: ResourceType, list: EncodedListResult): void {
  const head = JSON.stringify({ kind: rt.listKind ?? `${rt.kind}List`, apiVersion: apiVersion(rt), metadata: listMetadata(list) });
  writeText(scope, 200, `${head.slice(0, -1)},"items":[${list.items.join(',')}]}`, 'application/json');
}

/**
 * GET of a collection. Plain JSON (what controllers and client libraries ask for) is
 * written from the stored text; tables, metadata-only and YAML need the objects.
 */
export async function serveList(api: ApiContext, scope: RequestScope, rt: ResourceType, namespace: string, options: ListOptions): Promise<void> {
  let form: string | undefined;
  try {
    form = negotiate(scope.req.headers.accept).form;
  } catch {
    // Not acceptable: sendList reports it, after the same checks as before.
  }
  if (form === 'json') {
    sendEncodedList(scope, rt, await api.service.storage.listEncoded(rt, namespace, options));
    return;
  }
  sendList(api, scope, rt, await api.service.storage.list(rt, namespace, options));
}
