/**
 * The typed client: one `ResourceClient` per resource (group/version/plural), with the
 * verbs the API serves. Every non-2xx answer becomes an ApiError carrying the server's
 * Status, so callers branch on `isNotFound`, `isConflict`, `isGone`.
 *
 *   const pods = new Client(transport).resource<Pod>({ group: '', version: 'v1', plural: 'pods', namespaced: true });
 *   const pod = await pods.get('web-0', 'default');
 */
import type { KObject } from '../api/types.js';
import { ApiError } from './errors.js';
import type { Transport, TransportRequest, WatchHandle, WatchHandlers } from './transport.js';

export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export class Client {
  constructor(readonly transport: Transport) {}

  resource<T extends KObject = KObject>(ref: ResourceRef): ResourceClient<T> {
    return new ResourceClient<T>(this.transport, ref);
  }

  close(): void {
    this.transport.close();
  }
}

export class ResourceClient<T extends KObject = KObject> {
  constructor(
    private readonly transport: Transport,
    readonly ref: ResourceRef,
  ) {}

  /** `/api/v1/namespaces/ns/pods/name/status` and its shorter forms. */
  path(namespace?: string, name?: string, subresource?: string): string {
    const { group, version, plural, namespaced } = this.ref;
    let p = group ? `/apis/${group}/${version}` : `/api/${version}`;
    if (namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${plural}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
    return p;
  }

  get(name: string, namespace?: string): Promise<T> {
    return this.call({ method: 'GET', path: this.path(namespace, name) });
  }

  list(namespace?: string, options: ListOptions = {}): Promise<ObjectList<T>> {
    return this.call({ method: 'GET', path: this.path(namespace), query: { ...options } });
  }

  /** Every page of a list (`limit` per request), at the first page's resourceVersion. */
  async listAll(namespace?: string, options: Omit<ListOptions, 'continue'> = {}): Promise<ObjectList<T>> {
    const first = await this.list(namespace, options);
    const items = [...first.items];
    let next = first.metadata.continue;
    while (next) {
      const page = await this.list(namespace, { ...options, resourceVersion: undefined, resourceVersionMatch: undefined, continue: next });
      items.push(...page.items);
      next = page.metadata.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
  }

  create(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.call({ method: 'POST', path: this.path(obj.metadata?.namespace), query: writeQuery(options), body: obj });
  }

  update(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.call({ method: 'PUT', path: this.path(obj.metadata?.namespace, obj.metadata?.name), query: writeQuery(options), body: obj });
  }

  updateStatus(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.call({ method: 'PUT', path: this.path(obj.metadata?.namespace, obj.metadata?.name, 'status'), query: writeQuery(options), body: obj });
  }

  patch(name: string, namespace: string | undefined, type: PatchType, patch: unknown, options: WriteOptions & { subresource?: string; force?: boolean } = {}): Promise<T> {
    return this.call({
      method: 'PATCH', path: this.path(namespace, name, options.subresource),
      query: { ...writeQuery(options), force: options.force || undefined },
      body: patch, contentType: PATCH_CONTENT_TYPES[type],
    });
  }

  /** Resolves with what the server answered: the object (marked for deletion, or as it was) or a Status. */
  delete(name: string, namespace?: string, options: DeleteOptions = {}): Promise<KObject> {
    const body = Object.keys(options).length ? { apiVersion: 'v1', kind: 'DeleteOptions', ...options } : undefined;
    return this.call({ method: 'DELETE', path: this.path(namespace, name), body });
  }

  watch(namespace: string | undefined, options: WatchOptions, handlers: WatchHandlers): Promise<WatchHandle> {
    return this.transport.watch({ path: this.path(namespace), query: { ...options } }, handlers);
  }

  private async call<R>(req: TransportRequest): Promise<R> {
    const res = await this.transport.request(req);
    if (res.status < 200 || res.status >= 300) throw ApiError.fromStatus(res.status, res.body);
    return res.body as R;
  }
}

function writeQuery(o: WriteOptions): TransportRequest['query'] {
  return { fieldManager: o.fieldManager, dryRun: o.dryRun ? 'All' : undefined };
}
