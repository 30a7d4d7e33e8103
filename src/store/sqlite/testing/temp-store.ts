/** Test helpers: a throw-away SQLite store in a temporary directory. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../index.js';

/**
 * A fresh directory, on tmpfs when there is one: fsync there is free, so the suites stay
 * fast while running exactly the durable code path (fdatasync of the WAL). `onDisk` forces a
 * real disk, for tests about file sizes or timing.
 */
export function makeTempDir(options: { onDisk?: boolean } = {}): { dir: string; remove(): void } {
  const base = !options.onDisk && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'skiff-sqlite-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function openTempStore(
  options: Omit<SqliteStoreOptions, 'path'> & { onDisk?: boolean } = {},
): Promise<{ store: SqliteStore; path: string; cleanup(): Promise<void> }> {
  const { dir, remove } = makeTempDir(options);
  const path = join(dir, 'state.db');
  const store = await openSqliteStore({ ...options, path });
  return {
    store,
    path,
    async cleanup() {
      await store.close();
      remove();
    },
  };
}
