/**
 * Reads on their own connection. WAL gives every statement (or explicit read transaction)
 * a snapshot of everything committed so far; the store caps reads at the newest revision
 * known durable (`visible`), so a write acknowledged by the writer is visible to the very
 * next read here, and one not yet acknowledged is not.
 */
import { CompactedError, FutureRevisionError, type KeyValue, type RangeOptions, type RangeResult, type WatchEvent } from '../types.js';
import { ROW_COLUMNS, prefixEnd, toEvent, toKeyValue, type Row } from './rows.js';
import { readCompactRevision, type Db } from './schema.js';

/** Latest row per key at a revision, for keys in [prefix, end) after a lower bound. */
function latestRows(lowerOp: '>' | '>='): string {
  return `
    SELECT MAX(id) AS id FROM kv
    WHERE name ${lowerOp} @lower AND name < @upper AND id <= @revision
    GROUP BY name`;
}

function rangeStatements(db: Db, lowerOp: '>' | '>=') {
  return {
    // The latest row of a key is the one with no newer row up to the revision. This walks
    // the (name, id) index in key order: nothing to sort, and LIMIT stops the walk early.
    // Raw rows: a LIST of thousands of keys should not build an object per row twice.
    items: db.prepare(`
      SELECT kv.id, kv.name, kv.create_revision, kv.value FROM kv
      WHERE kv.name ${lowerOp} @lower AND kv.name < @upper AND kv.id <= @revision AND kv.deleted = 0
        AND NOT EXISTS (SELECT 1 FROM kv AS newer WHERE newer.name = kv.name AND newer.id > kv.id AND newer.id <= @revision)
      ORDER BY kv.name
      LIMIT @limit`).raw(),
    count: db
      .prepare(`
      SELECT COUNT(*) FROM kv JOIN (${latestRows(lowerOp)}) AS latest ON kv.id = latest.id
      WHERE kv.deleted = 0`)
      .pluck(),
  };
}

export interface HistoryPage {
  events: WatchEvent[];
  /** True when `limit` rows were returned and more may follow. */
  full: boolean;
}

export class Reader {
  private readonly db: Db;
  private readonly statements;
  private readonly fromStart;
  private readonly afterKey;

  constructor(db: Db) {
    this.db = db;
    this.statements = {
      latest: db.prepare(`SELECT ${ROW_COLUMNS} FROM kv WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1`),
      byId: db.prepare(`SELECT ${ROW_COLUMNS} FROM kv WHERE id = ?`),
      history: db.prepare(`
        SELECT ${ROW_COLUMNS} FROM kv
        WHERE id > @after AND id <= @until AND name >= @prefix AND name < @upper
        ORDER BY id LIMIT @limit`),
    };
    this.fromStart = rangeStatements(db, '>=');
    this.afterKey = rangeStatements(db, '>');
  }

  get(key: string, visible: number): KeyValue | undefined {
    const row = this.statements.latest.get(key, visible) as Row | undefined;
    return row && !row.deleted ? toKeyValue(row) : undefined;
  }

  compactedRevision(): number {
    return readCompactRevision(this.db);
  }

  range(options: RangeOptions, visible: number): RangeResult {
    // One read transaction: the items, the count and the compaction mark share a snapshot.
    return this.db.transaction(() => {
      const revision = options.revision || visible;
      this.checkRevision(revision, visible);
      const startAfter = options.startAfter !== undefined && options.startAfter >= options.prefix ? options.startAfter : undefined;
      const statements = startAfter === undefined ? this.fromStart : this.afterKey;
      const params = { lower: startAfter ?? options.prefix, upper: prefixEnd(options.prefix), revision };
      const limit = options.limit && options.limit > 0 ? options.limit : 0;
      const rows = statements.items.all({ ...params, limit: limit ? limit + 1 : -1 }) as Array<[number, string, number, string]>;
      const more = limit > 0 && rows.length > limit;
      const items: KeyValue[] = (more ? rows.slice(0, limit) : rows).map(([id, name, createRevision, value]) => ({ key: name, value, createRevision, modRevision: id }));
      const remaining = more ? (statements.count.get(params) as number) - items.length : 0;
      return { items, revision, more, remaining };
    })();
  }

  /**
   * Events after `after` up to `until` under `prefix`, oldest first. Throws CompactedError
   * when that history is (being) compacted: the mark is written before any row is deleted,
   * and both are read here in one snapshot.
   */
  history(options: { prefix: string; after: number; until: number; limit: number }): HistoryPage {
    return this.db.transaction(() => {
      const compacted = readCompactRevision(this.db);
      if (options.after < compacted) throw new CompactedError(options.after, compacted);
      if (options.after >= options.until) return { events: [], full: false };
      const rows = this.statements.history.all({
        after: options.after,
        until: options.until,
        prefix: options.prefix,
        upper: prefixEnd(options.prefix),
        limit: options.limit,
      }) as Row[];
      const events = rows.map((row) => {
        const prev = row.created ? undefined : (this.statements.byId.get(row.prev_revision) as Row | undefined);
        return toEvent(row, prev);
      });
      return { events, full: rows.length === options.limit };
    })();
  }

  private checkRevision(revision: number, current: number): void {
    if (revision > current) throw new FutureRevisionError(revision, current);
    const compacted = readCompactRevision(this.db);
    if (revision < compacted) throw new CompactedError(revision, compacted);
  }
}
