/**
 * One process per database. Two processes writing the same revision log would both
 * assign revisions and fail each other's writes, so the second is refused at open.
 *
 * The lock is an exclusive SQLite transaction held on a side file, `<db>.lock`, for the
 * store's lifetime: SQLite takes it with the OS's file locks, which the kernel releases
 * when the process ends however it ends (kill -9 included), so a stale lock cannot
 * survive a crash. The database itself stays readable by others (the sqlite3 shell,
 * the benchmark's store-alone floor).
 */
import Database from 'better-sqlite3';

export interface DatabaseLock {
  release(): void;
}

export function lockDatabase(path: string): DatabaseLock {
  const db = new Database(`${path}.lock`, { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new Error('it is in use by another process (is another skiff server running with the same data dir?)');
    }
    throw err;
  }
  return { release: () => db.close() };
}
