/**
 * The on-disk layout: one row per revision (kine's idea, see k3s-io/kine pkg/drivers/generic).
 *
 * - `id` is the revision. AUTOINCREMENT so an id is never reused, even when compaction
 *   deletes the newest row (a tombstone).
 * - `prev_revision` is the id of the key's previous row (0 for a brand-new key). The unique
 *   index on (name, prev_revision) makes two writes based on the same state collide, so even
 *   a second writer on the same file could not make both win.
 * - A delete is a tombstone row (`deleted = 1`) carrying the last value, so a delete event
 *   can be replayed from the log alone.
 * - The latest state of a key is its highest-id row, unless that row is a tombstone.
 */
import Database from 'better-sqlite3';

export type Db = Database.Database;

const SCHEMA_VERSION = 1;

export const META_COMPACT_REVISION = 'compact_revision';
const META_SCHEMA_VERSION = 'schema_version';

/** Keeps the WAL file from staying huge after a checkpoint resets it. */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;

/**
 * Opens the connection that owns all writes (and serves the reads): sets the pragmas and
 * creates the schema. `auto_vacuum` only takes effect before the first table exists, so it
 * is set first.
 */
export function openWriterDatabase(path: string): Db {
  const db = new Database(path);
  try {
    // Another process opening the file (a second server by mistake, the sqlite3 shell)
    // waits for our locks rather than failing at once, and we for its.
    db.pragma('busy_timeout = 5000');
    db.pragma('auto_vacuum = INCREMENTAL');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') throw new Error(`cannot switch to WAL journal mode (got ${mode})`);
    // NORMAL: COMMIT does not fsync the WAL; the writer does that itself, off the event
    // loop, before it acknowledges the batch (wal-sync.ts) — FULL's durability.
    db.pragma('synchronous = NORMAL');
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    // One IMMEDIATE transaction: of two processes migrating at once, the second sees the first's work.
    db.transaction(() => {
      db.exec(`
        CREATE TABLE IF NOT EXISTS kv (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          created INTEGER NOT NULL,
          deleted INTEGER NOT NULL,
          create_revision INTEGER NOT NULL,
          prev_revision INTEGER NOT NULL,
          value TEXT NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS kv_name_prev_revision ON kv (name, prev_revision);
        CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);
        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      `);
      const version = db.prepare('SELECT value FROM meta WHERE name = ?').pluck().get(META_SCHEMA_VERSION) as number | undefined;
      if (version === undefined) {
        db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)').run(META_SCHEMA_VERSION, SCHEMA_VERSION);
      } else if (version > SCHEMA_VERSION) {
        throw new Error(`database schema version ${version} is newer than this program supports (${SCHEMA_VERSION})`);
      }
    }).immediate();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The newest revision ever assigned (also after its row was compacted away). */
export function readCurrentRevision(db: Db): number {
  const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'kv'").pluck().get() as number | undefined;
  return seq ?? 0;
}

export function readCompactRevision(db: Db): number {
  const value = db.prepare('SELECT value FROM meta WHERE name = ?').pluck().get(META_COMPACT_REVISION) as number | undefined;
  return value ?? 0;
}
