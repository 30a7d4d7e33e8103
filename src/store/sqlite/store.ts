/**
 * The Store on a SQLite revision log: reads on their own connection, writes through the
 * single writer (group-committed), watch events straight from the commit path.
 *
 * Reads see only what the writer has reported durable (`visible`): a row committed but
 * still being synced is in the file already, and must not be read before its write is
 * acknowledged — a crash could still take it away.
 */
import {
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
import type { WriteFailure, WriteRequest, WriteResult, WriterOutput } from './protocol.js';
import type { Reader } from './reader.js';
import type { WatchHub } from './watch-hub.js';

export interface SqliteStoreStats {
  /** Transactions committed by the writer (a batch of writes is one). */
  transactions: number;
  /** Successful writes. */
  writes: number;
  /** Watches currently open. */
  watches: number;
}

export interface SqliteStore extends Store {
  readonly path: string;
  stats(): SqliteStoreStats;
}

/** The writer as the store uses it (WriterLoop). */
export interface Writer {
  push(requests: WriteRequest[]): void;
  close(): Promise<void>;
}

type Request = WriteRequest extends infer R ? (R extends WriteRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(result: WriteResult & { ok: true }): void;
  reject(err: Error): void;
}

export class SqliteStoreImpl implements SqliteStore {
  readonly path: string;
  private readonly reader: Reader;
  private readonly hub: WatchHub;
  private writer!: Writer;
  /** Newest revision known durable; reads are capped here. */
  private visible: number;
  private readonly pending = new Map<number, Pending>();
  private outbox: WriteRequest[] = [];
  private nextId = 1;
  private transactions = 0;
  private writes = 0;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  /** Releases what the store holds besides the database (WAL handle, lock). */
  private readonly onClosed: () => void;

  constructor(options: { path: string; revision: number; reader: Reader; hub: WatchHub; onClosed(): void }) {
    this.path = options.path;
    this.visible = options.revision;
    this.reader = options.reader;
    this.hub = options.hub;
    this.onClosed = options.onClosed;
  }

  /** Wired after construction because the writer's callbacks point back here. */
  attachWriter(writer: Writer): void {
    this.writer = writer;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    return this.reader.get(key, this.visible);
  }

  async range(options: RangeOptions): Promise<RangeResult> {
    this.checkOpen();
    return this.reader.range(options, this.visible);
  }

  async create(key: string, value: string): Promise<KeyValue> {
    return (await this.submit({ op: 'create', key, value })).kv!;
  }

  async update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    return (await this.submit({ op: 'update', key, value, expectedRevision })).kv!;
  }

  async delete(key: string, expectedRevision?: number): Promise<{ kv: KeyValue; revision: number }> {
    const result = await this.submit({ op: 'delete', key, expectedRevision });
    return { kv: result.kv!, revision: result.revision };
  }

  watch(options: WatchOptions, handlers: WatchHandlers): Watch {
    if (this.failure || this.closing) {
      const err = this.failure ?? new StoreError('store is closed');
      setImmediate(() => handlers.onError(err));
      return { stop() {} };
    }
    return this.hub.watch(options, handlers);
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.visible;
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.reader.compactedRevision();
  }

  async compact(revision: number): Promise<void> {
    await this.submit({ op: 'compact', revision });
  }

  stats(): SqliteStoreStats {
    return { transactions: this.transactions, writes: this.writes, watches: this.hub.size };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.flush();
      await this.writer.close();
      this.hub.stopAll();
      this.onClosed();
      this.rejectAll(new StoreError('store is closed'));
    })();
    return this.closing;
  }

  /** Everything the writer committed, in commit order. */
  handleOutput(output: WriterOutput): void {
    this.transactions = output.transactions;
    if (output.durable) {
      this.visible = output.revision;
      // Watchers first: when a write's promise resolves, its event is already published,
      // so a watch started right after sees it through replay, not twice.
      this.hub.publish(output.events, output.revision);
    }
    for (const result of output.results) {
      const pending = this.pending.get(result.id);
      if (!pending) continue;
      this.pending.delete(result.id);
      if (result.ok) {
        this.writes++;
        pending.resolve(result);
      } else {
        pending.reject(toError(result.failure));
      }
    }
  }

  /** The writer is gone: fail everything in flight and every watch. */
  handleFatal(err: Error): void {
    this.failure = new StoreError(`sqlite writer failed: ${err.message}`);
    this.rejectAll(this.failure);
    this.hub.failAll(this.failure);
  }

  private submit(request: Request): Promise<WriteResult & { ok: true }> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new StoreError('store is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (!this.outbox.length) queueMicrotask(() => this.flush());
      this.outbox.push({ ...request, id } as WriteRequest);
    });
  }

  /** Hands the writes of this tick over together; the writer batches across ticks too. */
  private flush(): void {
    if (!this.outbox.length) return;
    const requests = this.outbox;
    this.outbox = [];
    this.writer.push(requests);
  }

  private rejectAll(err: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(err);
  }

  private checkOpen(): void {
    if (this.failure) throw this.failure;
    if (this.closing) throw new StoreError('store is closed');
  }
}

function toError(failure: WriteFailure): Error {
  switch (failure.kind) {
    case 'exists':
      return new KeyExistsError(failure.key);
    case 'not-found':
      return new KeyNotFoundError(failure.key);
    case 'mismatch':
      return new RevisionMismatchError(failure.key, failure.current);
    case 'future':
      return new FutureRevisionError(failure.requested, failure.current);
    case 'internal':
      return new StoreError(failure.message);
  }
}
