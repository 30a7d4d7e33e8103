/** Requests from the Store to its writer, and what the writer reports back. */
import type { KeyValue, WatchEvent } from '../types.js';

export type WriteRequest =
  | { id: number; op: 'create'; key: string; value: string }
  | { id: number; op: 'update'; key: string; value: string; expectedRevision: number }
  | { id: number; op: 'delete'; key: string; expectedRevision?: number }
  | { id: number; op: 'compact'; revision: number };

export type WriteFailure =
  | { kind: 'exists'; key: string }
  | { kind: 'not-found'; key: string }
  | { kind: 'mismatch'; key: string; current: KeyValue }
  | { kind: 'future'; requested: number; current: number }
  | { kind: 'internal'; message: string };

export type WriteResult =
  | { id: number; ok: true; kv?: KeyValue; revision: number }
  | { id: number; ok: false; failure: WriteFailure };

/** What one commit (or compaction step) produced, in commit order. */
export interface WriterOutput {
  results: WriteResult[];
  /** Events of the committed writes, in revision order. */
  events: WatchEvent[];
  /** The newest revision after this output. */
  revision: number;
  /** Total transactions committed so far by this writer (for tests and metrics). */
  transactions: number;
  /** False after a failed sync: `revision` may not be durable and must not become visible. */
  durable: boolean;
}
