/**
 * The Store on etcd v3: every operation is one etcd RPC (a range or a transaction), so
 * etcd itself provides the revision, the compare-and-swap and the watch history.
 *
 * Speaks etcd's KV and Watch services directly (grpc.ts, messages.ts): response headers
 * (revisions), `count` and `more` stay visible, and watches report compaction precisely
 * (see watch.ts).
 */
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
import type { GrpcChannel } from './grpc.js';
import type { KeySpace } from './keys.js';
import {
  decodeRangeResponse,
  decodeTxnResponse,
  encodeCompactionRequest,
  encodeRangeRequest,
  encodeTxnRequest,
  type RangeRequest,
  type RangeResponse,
  type RawKeyValue,
  type TxnRequest,
  type TxnResponse,
} from './messages.js';
import { startWatch, toKeyValue } from './watch.js';

/** Ranged for its response header only; never written (etcd refuses the empty key). */
const PROBE_KEY = '\0';

export interface EtcdStoreLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface EtcdStoreOptions {
  channel: GrpcChannel;
  keys: KeySpace;
  logger?: EtcdStoreLogger;
}

export class EtcdStore implements Store {
  private readonly channel: GrpcChannel;
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
    this.channel = options.channel;
    this.keys = options.keys;
    this.logger = options.logger;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.call('get', () => this.rangeRpc({ key: this.keys.encode(key) }));
    const kv = res.kvs[0];
    return kv ? toKeyValue(this.keys, kv) : undefined;
  }

  async range(options: RangeOptions): Promise<RangeResult> {
    const { key, rangeEnd } = this.keys.range(options.prefix, options.startAfter);
    const req: RangeRequest = { key, rangeEnd };
    if (options.limit) req.limit = options.limit;
    if (options.revision) req.revision = options.revision;
    const res = await this.readAt('range', options.revision, () => this.rangeRpc(req));
    const items = res.kvs.map((kv) => toKeyValue(this.keys, kv));
    return {
      items,
      // etcd's header always names the latest revision, even for a read in the past.
      revision: options.revision || res.revision,
      more: res.more,
      // etcd counts every key in [key, rangeEnd), i.e. those after startAfter: exactly
      // this page plus what is left for the following ones.
      remaining: Math.max(0, res.count - items.length),
    };
  }

  async create(key: string, value: string): Promise<KeyValue> {
    const k = this.keys.encode(key);
    const res = await this.call('create', () =>
      this.txnRpc({
        compare: [{ key: k, target: 'create', result: 'equal', revision: 0 }],
        success: [{ put: { key: k, value: Buffer.from(value, 'utf8') } }],
        failure: [],
      }),
    );
    if (!res.succeeded) throw new KeyExistsError(key);
    const revision = res.revision;
    return { key, value, createRevision: revision, modRevision: revision };
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    const k = this.keys.encode(key);
    const res = await this.call('update', () =>
      this.txnRpc({
        compare: [
          // mod_revision of a missing key is 0: without the existence check an update
          // "at revision 0" would quietly create the key.
          { key: k, target: 'create', result: 'greater', revision: 0 },
          { key: k, target: 'mod', result: 'equal', revision: expectedRevision },
        ],
        success: [{ put: { key: k, value: Buffer.from(value, 'utf8'), prevKv: true } }],
        failure: [{ range: { key: k } }],
      }),
    );
    const first = res.responses[0];
    if (!res.succeeded) throw this.conflict(key, first && 'range' in first ? first.range.kvs[0] : undefined);
    const revision = res.revision;
    const prev = first && 'put' in first ? first.put.prevKv : undefined;
    return { key, value, createRevision: prev ? prev.createRevision : revision, modRevision: revision };
  }

  async delete(key: string, expectedRevision?: number): Promise<{ kv: KeyValue; revision: number }> {
    const k = this.keys.encode(key);
    const compare: TxnRequest['compare'] = [{ key: k, target: 'create', result: 'greater', revision: 0 }];
    if (expectedRevision !== undefined) compare.push({ key: k, target: 'mod', result: 'equal', revision: expectedRevision });
    const res = await this.call('delete', () =>
      this.txnRpc({
        compare,
        success: [{ deleteRange: { key: k, prevKv: true } }],
        failure: [{ range: { key: k } }],
      }),
    );
    const first = res.responses[0];
    if (!res.succeeded) throw this.conflict(key, first && 'range' in first ? first.range.kvs[0] : undefined);
    const prev = first && 'deleteRange' in first ? first.deleteRange.prevKvs[0] : undefined;
    // Cannot happen: the compare proved the key exists inside the same transaction.
    if (!prev) throw new KeyNotFoundError(key);
    return { kv: toKeyValue(this.keys, prev), revision: res.revision };
  }

  watch(options: WatchOptions, handlers: WatchHandlers): Watch {
    const active = this.watches;
    const watch = startWatch({
      channel: this.channel,
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
    const res = await this.call('currentRevision', () => this.rangeRpc({ key: this.keys.encode(PROBE_KEY), countOnly: true }));
    return res.revision;
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
      await this.call('compact', () => this.channel.unary('/etcdserverpb.KV/Compact', encodeCompactionRequest(revision, true)));
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
    this.channel.close();
  }

  private learnCompacted(revision: number): void {
    if (revision > this.compactedAtLeast) this.compactedAtLeast = revision;
  }

  private async readable(revision: number): Promise<boolean> {
    try {
      await this.rangeRpc({ key: this.keys.encode(PROBE_KEY), countOnly: true, revision });
      return true;
    } catch (err) {
      if (isCompactedError(err)) return false;
      throw backendError('compactedRevision', err);
    }
  }

  private async rangeRpc(request: RangeRequest): Promise<RangeResponse> {
    return decodeRangeResponse(await this.channel.unary('/etcdserverpb.KV/Range', encodeRangeRequest(request)));
  }

  private async txnRpc(request: TxnRequest): Promise<TxnResponse> {
    return decodeTxnResponse(await this.channel.unary('/etcdserverpb.KV/Txn', encodeTxnRequest(request)));
  }

  private conflict(key: string, current: RawKeyValue | undefined): Error {
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
