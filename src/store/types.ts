/**
 * The Store seam: the smallest interface that etcd v3 and a SQL table can both honour.
 *
 * Semantics follow etcd v3 (see etcd's api/etcdserverpb/rpc.proto):
 * - one cluster-wide revision, incremented by every successful write;
 * - `create` fails if the key exists; `update`/`delete` succeed only at the expected
 *   mod-revision, so racing writers collide instead of both winning;
 * - `range` reads at one consistent revision, paging with `startKey`/`limit`;
 * - `watch` replays every event after `fromRevision` in revision order, or fails with
 *   `CompactedError` when that history is gone (the API maps it to 410 Gone).
 *
 * Revisions are numbers inside the store and the API server; clients only ever see them
 * as opaque resourceVersion strings.
 */

export interface KeyValue {
  key: string;
  /** The stored document (JSON text for API objects). */
  value: string;
  /** Revision at which this key was (last) created. */
  createRevision: number;
  /** Revision of the last write to this key. */
  modRevision: number;
}

export interface RangeOptions {
  /** All keys starting with this prefix. */
  prefix: string;
  /** Resume strictly after this key (for continue tokens). Must start with `prefix`. */
  startAfter?: string;
  /** At most this many items; 0 or undefined means no limit. */
  limit?: number;
  /** Read as of this revision (must not be compacted); default: the current revision. */
  revision?: number;
}

export interface RangeResult {
  items: KeyValue[];
  /** The revision the read was served at. */
  revision: number;
  /** True when more keys matched beyond `limit`. */
  more: boolean;
  /** How many matching keys remain after the returned ones (when cheaply known). */
  remaining?: number;
}

export type WatchEventType = 'put' | 'delete';

export interface WatchEvent {
  type: WatchEventType;
  /** For a put: the new state. For a delete: key plus the revision of the delete, value = last state. */
  kv: KeyValue;
  /** The state before this event (absent for a create). */
  prevKv?: KeyValue;
  /** Revision of this event (== kv.modRevision for puts; the delete's revision for deletes). */
  revision: number;
}

export interface WatchOptions {
  prefix: string;
  /** Deliver events with revision > fromRevision. */
  fromRevision: number;
}

export interface Watch {
  /** Stops delivery; idempotent. */
  stop(): void;
}

export interface WatchHandlers {
  /** Events of one revision batch, in revision order. Never called after stop(). */
  onEvents(events: WatchEvent[]): void;
  /** The watch ended abnormally (e.g. compacted history, lost backend). No more events. */
  onError(err: Error): void;
}

export interface Store {
  /** Latest state of one key, or undefined. */
  get(key: string): Promise<KeyValue | undefined>;
  range(options: RangeOptions): Promise<RangeResult>;
  /** Throws KeyExistsError if the key is live. Resolves once durable. */
  create(key: string, value: string): Promise<KeyValue>;
  /**
   * Replaces the value if the key's modRevision equals `expectedRevision`.
   * Throws KeyNotFoundError, or RevisionMismatchError carrying the current state.
   */
  update(key: string, value: string, expectedRevision: number): Promise<KeyValue>;
  /**
   * Deletes the key (at `expectedRevision` when given). Resolves with the deleted
   * state and the revision of the delete. Throws like `update`.
   */
  delete(key: string, expectedRevision?: number): Promise<{ kv: KeyValue; revision: number }>;
  /** Starts a watch; history older than the compacted revision fails via onError(CompactedError). */
  watch(options: WatchOptions, handlers: WatchHandlers): Watch;
  /** The newest revision. */
  currentRevision(): Promise<number>;
  /**
   * The last compaction point C: reads at C and watches from C-1 still work; history
   * below C is gone. Compaction is store-wide (on etcd, shared by every key prefix).
   */
  compactedRevision(): Promise<number>;
  /** Forgets history older than `revision` (the latest state of each key is kept). */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

export class StoreError extends Error {}

export class KeyExistsError extends StoreError {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
    this.name = 'KeyExistsError';
  }
}

export class KeyNotFoundError extends StoreError {
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
    this.name = 'KeyNotFoundError';
  }
}

export class RevisionMismatchError extends StoreError {
  constructor(readonly key: string, readonly current: KeyValue) {
    super(`revision mismatch for ${key}: now at ${current.modRevision}`);
    this.name = 'RevisionMismatchError';
  }
}

export class CompactedError extends StoreError {
  constructor(readonly requested: number, readonly compacted: number) {
    super(`required revision ${requested} has been compacted (compacted revision ${compacted})`);
    this.name = 'CompactedError';
  }
}

/** A revision newer than the store has (e.g. a bogus resourceVersion). */
export class FutureRevisionError extends StoreError {
  constructor(readonly requested: number, readonly current: number) {
    super(`required revision ${requested} is in the future (current ${current})`);
    this.name = 'FutureRevisionError';
  }
}
