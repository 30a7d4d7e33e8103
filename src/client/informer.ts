/**
 * An informer (client-go's reflector + indexer + shared handlers): lists a resource,
 * then watches from the list's resourceVersion and keeps an in-memory copy of every
 * object current. Controllers read the copy and react to its changes instead of polling.
 *
 * - A watch that ends (server timeout, dropped connection) is reopened from the last
 *   resourceVersion seen, bookmarks included.
 * - `410 Gone` (the resourceVersion was compacted away) means events were missed: the
 *   informer lists again and reconciles its copy, reporting what changed meanwhile as
 *   adds, updates and deletes.
 * - A handler added late first gets an `add` for every object already known.
 * - Failures back off exponentially (capped) and are reported to `onError`.
 * - Indexes (`addIndex`, `byIndex`) find objects by a derived value — pods by node, by
 *   owner — without scanning the cache; objects are also indexed by namespace.
 */
import type { KObject } from '../api/types.js';
import type { ResourceClient } from './client.js';
import { ApiError, isGone } from './errors.js';
import type { WatchEventLine, WatchHandle } from './transport.js';

export interface InformerHandlers<T> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

export interface InformerOptions {
  /** Only this namespace; all namespaces when absent. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per list request. */
  pageSize?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Server-side watch timeout range; each watch picks a random value in it (client-go does the same). */
  watchTimeoutSeconds?: [number, number];
  onError?(err: unknown): void;
}

/** `namespace/name`, or `name` for cluster-scoped objects: the cache key (client-go's MetaNamespaceKeyFunc). */
export function objectKey(obj: KObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name}` : (obj.metadata?.name ?? '');
}

/** Values an object is filed under in one index (client-go's IndexFunc). */
export type IndexFunc<T> = (obj: T) => string[];

const NAMESPACE_INDEX = '__namespace';

export class Informer<T extends KObject = KObject> {
  private readonly cache = new Map<string, T>();
  private readonly indexes = new Map<string, { fn: IndexFunc<T>; entries: Map<string, Map<string, T>> }>();
  private readonly handlers = new Set<InformerHandlers<T>>();
  private resourceVersion = '';
  private synced = false;
  private readonly syncWaiters: Array<() => void> = [];
  private stopped = false;
  private started = false;
  private watch: WatchHandle | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly resource: ResourceClient<T>,
    private readonly options: InformerOptions = {},
  ) {
    this.addIndex(NAMESPACE_INDEX, (obj) => [obj.metadata?.namespace ?? '']);
  }

  /** Files every object (present and future) under the values `fn` returns. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexes.has(name)) throw new Error(`index ${name} already exists`);
    this.indexes.set(name, { fn, entries: new Map() });
    for (const [key, obj] of this.cache) this.indexOne(name, key, obj);
  }

  /** Objects filed under `value` in index `name`. */
  byIndex(name: string, value: string): T[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`no index ${name}`);
    const entries = index.entries.get(value);
    return entries ? [...entries.values()] : [];
  }

  start(): this {
    if (!this.started) {
      this.started = true;
      void this.run();
    }
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    this.wake?.();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves after the first list has filled the cache. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  get(name: string, namespace?: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Objects in the cache, of one namespace when given. */
  list(namespace?: string): T[] {
    return namespace === undefined ? [...this.cache.values()] : this.byIndex(NAMESPACE_INDEX, namespace);
  }

  /** How many objects the cache holds. */
  size(): number {
    return this.cache.size;
  }

  /** The resourceVersion the cache is current to. */
  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  addHandler(handlers: InformerHandlers<T>): { remove(): void } {
    this.handlers.add(handlers);
    if (this.synced) for (const obj of this.cache.values()) this.notify(() => handlers.add?.(obj));
    return { remove: () => this.handlers.delete(handlers) };
  }

  private async run(): Promise<void> {
    let needList = true;
    let failures = 0;
    let gones = 0;
    const backOff = () => this.pause(Math.min((this.options.retryBaseMs ?? 200) * 2 ** failures++, this.options.retryMaxMs ?? 30_000));
    while (!this.stopped) {
      try {
        if (needList) {
          // A relist that is at once too old again (twice running) waits first: never a tight loop.
          if (gones > 1) await backOff();
          await this.relist();
          needList = false;
        }
        const started = Date.now();
        const { outcome, events } = await this.watchOnce();
        if (outcome === 'gone') {
          needList = true;
          gones++;
          continue;
        }
        // client-go's reflector: a watch that ends within a second having delivered nothing is
        // an error, so a server that keeps ending watches at once gets back-off, not a spin.
        if (events === 0 && Date.now() - started < 1_000 && !this.stopped) {
          throw new Error('very short watch: Unexpected watch close - watch lasted less than a second and no items received');
        }
        failures = 0;
        gones = 0;
      } catch (err) {
        if (this.stopped) return;
        if (isGone(err)) {
          needList = true;
          gones++;
          continue;
        }
        this.options.onError?.(err);
        await backOff();
      }
    }
  }

  /** Lists everything and turns the difference from the cache into handler calls. */
  private async relist(): Promise<void> {
    const list = await this.resource.listAll(this.options.namespace, {
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
      limit: this.options.pageSize ?? 500,
    });
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = objectKey(obj);
      seen.add(key);
      this.upsert(key, obj);
    }
    for (const [key, old] of this.cache) {
      if (seen.has(key)) continue;
      this.remove(key, old);
      this.emitDelete(old);
    }
    this.resourceVersion = list.metadata.resourceVersion ?? '';
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  /** One watch from the current resourceVersion; resolves when it ends ('gone' when it must relist) with the events it delivered. */
  private watchOnce(): Promise<{ outcome: 'ended' | 'gone'; events: number }> {
    const [low, high] = this.options.watchTimeoutSeconds ?? [300, 600];
    return new Promise((resolve, reject) => {
      let settled = false;
      let events = 0;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.wake = undefined;
        fn();
      };
      // stop() ends the wait at once.
      this.wake = () => settle(() => resolve({ outcome: 'ended', events }));
      const onEvent = (event: WatchEventLine) => {
        if (settled) return;
        events++;
        if (event.type === 'ERROR') {
          const err = ApiError.fromStatus(Number(event.object.code) || 500, event.object);
          this.watch?.stop();
          settle(() => (isGone(err) ? resolve({ outcome: 'gone', events }) : reject(err)));
          return;
        }
        const obj = event.object as unknown as T;
        const rv = obj.metadata?.resourceVersion;
        if (event.type === 'BOOKMARK') {
          if (rv) this.resourceVersion = rv;
          return;
        }
        const key = objectKey(obj);
        if (event.type === 'DELETED') {
          const old = this.cache.get(key);
          if (old) this.remove(key, old);
          this.emitDelete(old ?? obj);
        } else {
          this.upsert(key, obj);
        }
        if (rv) this.resourceVersion = rv;
      };
      this.resource
        .watch(this.options.namespace, {
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
          timeoutSeconds: Math.floor(low + Math.random() * (high - low)),
        }, {
          onEvent,
          onEnd: (err) => settle(() => (err ? reject(err) : resolve({ outcome: 'ended', events }))),
        })
        .then((handle) => {
          this.watch = handle;
          if (settled) handle.stop();
        }, (err: unknown) => settle(() => reject(err)));
    });
  }

  private upsert(key: string, obj: T): void {
    const old = this.cache.get(key);
    if (old) this.unindex(key, old);
    this.cache.set(key, obj);
    for (const name of this.indexes.keys()) this.indexOne(name, key, obj);
    if (!old) {
      for (const h of this.handlers) this.notify(() => h.add?.(obj));
    } else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) {
      for (const h of this.handlers) this.notify(() => h.update?.(old, obj));
    }
  }

  private remove(key: string, obj: T): void {
    this.cache.delete(key);
    this.unindex(key, obj);
  }

  private indexOne(name: string, key: string, obj: T): void {
    const index = this.indexes.get(name)!;
    for (const value of index.fn(obj)) {
      let entries = index.entries.get(value);
      if (!entries) index.entries.set(value, (entries = new Map()));
      entries.set(key, obj);
    }
  }

  private unindex(key: string, obj: T): void {
    for (const index of this.indexes.values()) {
      for (const value of index.fn(obj)) {
        const entries = index.entries.get(value);
        if (!entries) continue;
        entries.delete(key);
        if (entries.size === 0) index.entries.delete(value);
      }
    }
  }

  private emitDelete(obj: T): void {
    for (const h of this.handlers) this.notify(() => h.delete?.(obj));
  }

  /**
   * A throwing handler must not break the informer or the other handlers; its error goes
   * to onError, or is at least printed as a process warning — never silently dropped.
   */
  private notify(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (this.options.onError) this.options.onError(err);
      else process.emitWarning(err instanceof Error ? err : new Error(String(err)), { code: 'SKIFF_INFORMER_HANDLER' });
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      timer.unref?.();
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
