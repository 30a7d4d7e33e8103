/**
 * The embedded SQLite backend of the Store: a revision log in one table (kine's design),
 * WAL, group commit, writes acknowledged only once the WAL is fsync'd (so an acknowledged
 * write survives kill -9 and power loss), watch fed from the commit path.
 *
 *   const store = await openSqliteStore({ path: '/var/lib/skiff/state.db', logger });
 */
import { accessSync, constants, mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { lockDatabase } from './lock.js';
import { Reader } from './reader.js';
import { openWriterDatabase, readCurrentRevision } from './schema.js';
import { SqliteStoreImpl, type SqliteStore } from './store.js';
import { WalSync } from './wal-sync.js';
import { WatchHub } from './watch-hub.js';
import { WriterLoop, type Durability } from './writer-loop.js';

export type { SqliteStore, SqliteStoreStats } from './store.js';

type LogFn = (fields: Record<string, unknown>, message: string) => void;

/** The slice of a pino logger the store uses. */
export interface SqliteStoreLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export interface SqliteStoreOptions {
  /** Database file; created when missing, and its directory too (mode 0700). */
  path: string;
  logger?: SqliteStoreLogger;
  /** How commits are made durable; the default fdatasyncs the WAL. Tests substitute one to hold a sync. */
  durability?: Durability;
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const path = resolve(options.path);
  checkPath(path);
  const logger = options.logger;
  const problem = (err: unknown) => new Error(`cannot open SQLite store at ${path}: ${err instanceof Error ? err.message : String(err)}`);
  let lock;
  try {
    lock = lockDatabase(path);
  } catch (err) {
    throw problem(err);
  }
  let db;
  try {
    db = openWriterDatabase(path);
  } catch (err) {
    lock.release();
    throw problem(err);
  }
  // One connection serves reads and writes: both run on this thread, never at once.
  const revision = readCurrentRevision(db);
  const reader = new Reader(db);
  const wal = new WalSync(`${path}-wal`);
  const hub = new WatchHub({
    revision,
    readHistory: (o) => reader.history(o),
    onHandlerError: (err) => logger?.warn({ err: String(err), path }, 'watch handler threw; watch ended'),
  });
  const store: SqliteStoreImpl = new SqliteStoreImpl({ path, revision, reader, hub, onClosed: () => { wal.close(); lock.release(); } });
  store.attachWriter(new WriterLoop({
    db,
    durability: options.durability ?? wal,
    emit: (output) => store.handleOutput(output),
    log: (level, message, fields) => logger?.[level]({ ...fields, path }, message),
    fatal: (err) => {
      logger?.error({ err: err.message, path }, 'sqlite store failed');
      store.handleFatal(err);
    },
  }));
  logger?.info({ path, revision }, 'sqlite store opened');
  return store;
}

/** Fails early with a message a person can act on (the CLI prints it as is). */
function checkPath(path: string): void {
  const problem = (why: string) => new Error(`cannot open SQLite store at ${path}: ${why}`);
  const stat = statIfExists(path, problem);
  if (stat?.isDirectory()) throw problem('it is a directory, not a database file');
  const dir = dirname(path);
  let dirStat = statIfExists(dir, problem);
  if (!dirStat) {
    // Like k3s creating <data-dir>/db: a fresh data directory should just work.
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw problem(`cannot create directory ${dir}: ${(err as Error).message}`);
    }
    dirStat = statSync(dir);
  }
  if (!dirStat.isDirectory()) throw problem(`${dir} is not a directory`);
  // SQLite creates its -wal and -shm files beside the database.
  if (!canAccess(dir, constants.W_OK | constants.X_OK)) {
    throw problem(`directory ${dir} is not writable (SQLite keeps its -wal and -shm files there)`);
  }
  if (stat && !canAccess(path, constants.R_OK | constants.W_OK)) throw problem('permission denied (the file must be readable and writable)');
}

function statIfExists(path: string, problem: (why: string) => Error): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw problem((err as Error).message);
  }
}

function canAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}
