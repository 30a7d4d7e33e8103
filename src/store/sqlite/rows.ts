/** Row shapes shared by the reader and the writer, and their mapping to the Store types. */
import type { KeyValue, WatchEvent } from '../types.js';

export interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string;
}

export const ROW_COLUMNS = 'id, name, created, deleted, create_revision, prev_revision, value';

export function toKeyValue(row: Row): KeyValue {
  return { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id };
}

/** The event a row stands for, given the key's previous row (if still stored). */
export function toEvent(row: Row, prev: Row | undefined): WatchEvent {
  const kv = toKeyValue(row);
  const event: WatchEvent = { type: row.deleted ? 'delete' : 'put', kv, revision: row.id };
  // A create (first row, or the first after a tombstone) has no previous state.
  if (prev && !prev.deleted && !row.created) event.prevKv = toKeyValue(prev);
  return event;
}

/**
 * Exclusive upper bound for keys starting with `prefix`, in SQLite's BINARY (UTF-8 byte)
 * order. U+10FFFF encodes as the largest UTF-8 sequence, so every key `prefix + rest`
 * sorts below it unless `rest` itself starts with two U+10FFFF (not a valid name anywhere).
 */
export function prefixEnd(prefix: string): string {
  return prefix + '\u{10FFFF}\u{10FFFF}';
}
