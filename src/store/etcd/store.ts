/**
 * The Store on etcd v3: every operation is one etcd RPC (a range or a transaction), so
 * etcd itself provides the revision, the compare-and-swap and the watch history.
 *
 * We use the etcd3 package for its connection pool and generated gRPC clients only, and
 * speak the raw KV/Watch messages: that keeps response headers (revisions), `count` and
 * `more` visible, and lets watches report compaction precisely (see watch.ts).
 */
import type { Etcd3, IKeyValue, IRangeRequest, KVClient } from 'etcd3';
import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionMismatchError,
  StoreError,
  type KeyValue,
  type RangeOptions,
  type RangeResult,
  type Store,
  type Watch,
  type WatchHandlers,
  type WatchOptions,
} from '../types.js';
import { backendError, isCompactedError, isFutureRevisionError } from './errors.js';
import type { KeySpace } from './keys.js';
import { startWatch, toKeyValue } from './watch.js';

/** Ranged for its response header only; never written (etcd refuses the empty key). */
const PROBE_KEY = '\0';

export interface EtcdStoreLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface EtcdStoreOptions {
  client: Etcd3;
  keys: KeySpace;
  logger?: EtcdStoreLogger;
}

export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly kv: KVClient;
  private readonly keys: KeySpace;
  private readonly logger: EtcdStoreLogger | undefined;
  /**
   * A lower bound of etcd's compacted revision: etcd never exposes it directly, so we
   * remember what our own compactions and compacted watches told us, and search upwards
   * from here when asked (another server may have compacted since).
   */
  private compactedAtLeast = 0;
  private closed = false;
  private readonly watches = new Set<Watch>();

  constructor(options: EtcdStoreOptions) {
    this.client = options.client;
    this.kv = options.client.kv;
    this.keys = options.keys;
    this.logger = options.logger;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.call('get', () => this.kv.range({ key: this.keys.encode(key) }));
    const kv = res.kvs[0];
    return kv ? toKeyValue(this.keys, kv) : undefined;
  }

  async range(options: RangeOptions): Promise<RangeResult> {
    const { key, rangeEnd } = this.keys.range(options.prefix, options.startAfter);
    const req: IRangeRequest = { key, range_end: rangeEnd };
    if (options.limit) req.limit = options.limit;
    if (options.revision) req.revision = options.revision;
    const res = await this.readAt('range', options.revision, () => this.kv.range(req));
    const items = res.kvs.map((kv) => toKeyValue(this.keys, kv));
    return {
      items,
      // etcd's header always names the latest revision, even for a read in the past.
      revision: options.revision || Number(res.header.revision),
      more: res.more,
      // etcd counts every key in [key, rangeEnd), i.e. those after startAfter: exactly
      // this page plus what is left for the following ones.
      remaining: Math.max(0, Number(res.count) - items.length),
    };
  }

  async create(key: string, value: string): Promise<KeyValue> {
    const k = this.keys.encode(key);
    const res = await this.call('create', () =>
      this.kv.txn({
        compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: k, value: Buffer.from(value, 'utf8') } }],
        failure: [],
      }),
    );
    if (!res.succeeded) throw new KeyExistsError(key);
    const revision = Number(res.header.revision);
    return { key, value, createRevision: revision, modRevision: revision };
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    const k = this.keys.encode(key);
    const res = await this.call('update', () =>
      this.kv.txn({
        compare: [
          // mod_revision of a missing key is 0: without the existence check an update
          // "at revision 0" would quietly create the key.
          { key: k, target: 'Create', result: 'Greater', create_revision: 0 },
          { key: k, target: 'Mod', result: 'Equal', mod_revision: expectedRevision },
        ],
        success: [{ request_put: { key: k, value: Buffer.from(value, 'utf8'), prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    if (!res.succeeded) throw this.conflict(key, res.responses[0]?.response_range?.kvs[0]);
    const revision = Number(res.header.revision);
    const prev = res.responses[0]?.response_put?.prev_kv;
    return { key, value, createRevision: prev ? Number(prev.create_revision) : revision, modRevision: revision };
  }

  async delete(key: string, expectedRevision?: number): Promise<{ kv: KeyValue; revision: number }> {
    const k = this.keys.encode(key);
    const compare =
      expectedRevision === undefined
        ? [{ key: k, target: 'Create' as const, result: 'Greater' as const, create_revision: 0 }]
        : [
            { key: k, target: 'Create' as const, result: 'Greater' as const, create_revision: 0 },
            { key: k, target: 'Mod' as const, result: 'Equal' as const, mod_revision: expectedRevision },
          ];
    const res = await this.call('delete', () =>
      this.kv.txn({
        compare,
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    if (!res.succeeded) throw this.conflict(key, res.responses[0]?.response_range?.kvs[0]);
    const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
    // Cannot happen: the compare proved the key exists inside the same transaction.
    if (!prev) throw new KeyNotFoundError(key);
    return { kv: toKeyValue(this.keys, prev), revision: Number(res.header.revision) };
  }

  watch(options: WatchOptions, handlers: WatchHandlers): Watch {
    const active = this.watches;
    const watch = startWatch({
      client: this.client.watchClient,
      keys: this.keys,
      watch: options,
      handlers: {
        onEvents: (events) => handlers.onEvents(events),
        onError: (err) => {
          active.delete(watch);
          handlers.onError(err);
        },
      },
      onCompacted: (revision) => this.learnCompacted(revision),
    });
    if (this.closed) {
      watch.stop();
      queueMicrotask(() => handlers.onError(new StoreError('etcd store is closed')));
      return watch;
    }
    active.add(watch);
    return {
      stop() {
        active.delete(watch);
        watch.stop();
      },
    };
  }

  async currentRevision(): Promise<number> {
    // A linearizable count of one (absent) key: the header carries the latest revision.
    const res = await this.call('currentRevision', () => this.kv.range({ key: this.keys.encode(PROBE_KEY), count_only: true }));
    return Number(res.header.revision);
  }

  async compactedRevision(): Promise<number> {
    // etcd keeps revision C readable after compact(C) and refuses anything older, so the
    // compacted revision is the oldest readable one. Usually still our lower bound (one
    // probe); otherwise binary-search up to the current revision, which is always readable.
    let low = Math.max(1, this.compactedAtLeast);
    if (await this.readable(low)) return this.compactedAtLeast;
    let high = await this.currentRevision();
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await this.readable(mid)) high = mid;
      else low = mid;
    }
    this.learnCompacted(high);
    return high;
  }

  async compact(revision: number): Promise<void> {
    try {
      // physical: return only once the old revisions are really gone, so a read right
      // after compact() sees the compaction.
      await this.call('compact', () => this.kv.compact({ revision, physical: true }));
    } catch (err) {
      // Compacting to an already compacted revision is a no-op, not a failure.
      if (err instanceof CompactedError) return;
      if (err instanceof FutureRevisionError) throw new FutureRevisionError(revision, await this.currentRevision());
      throw err;
    }
    this.learnCompacted(revision);
    this.logger?.debug({ revision }, 'compacted etcd history');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Stopped rather than failed: closing the store is its owner's decision, and the
    // closing client would otherwise report every open watch as a lost backend.
    for (const watch of this.watches) watch.stop();
    this.watches.clear();
    this.client.close();
  }

  private learnCompacted(revision: number): void {
    if (revision > this.compactedAtLeast) this.compactedAtLeast = revision;
  }

  private async readable(revision: number): Promise<boolean> {
    try {
      await this.kv.range({ key: this.keys.encode(PROBE_KEY), count_only: true, revision });
      return true;
    } catch (err) {
      if (isCompactedError(err)) return false;
      throw backendError('compactedRevision', err);
    }
  }

  private conflict(key: string, current: IKeyValue | undefined): Error {
    return current ? new RevisionMismatchError(key, toKeyValue(this.keys, current)) : new KeyNotFoundError(key);
  }

  /** A read at `revision`: etcd's revision errors become the Store's. */
  private async readAt<T>(operation: string, revision: number | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.call(operation, fn);
    } catch (err) {
      if (revision !== undefined && err instanceof FutureRevisionError) {
        throw new FutureRevisionError(revision, await this.currentRevision());
      }
      if (revision !== undefined && err instanceof CompactedError) {
        throw new CompactedError(revision, await this.compactedRevision());
      }
      throw err;
    }
  }

  /** Runs one RPC, translating etcd's errors (the revisions are filled in by callers). */
  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isCompactedError(err)) throw new CompactedError(0, this.compactedAtLeast);
      if (isFutureRevisionError(err)) throw new FutureRevisionError(0, 0);
      this.logger?.warn({ operation, err }, 'etcd request failed');
      throw backendError(operation, err);
    }
  }
}
