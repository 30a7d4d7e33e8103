/**
 * Group commit, measured: creates/s through the SQLite Store with N writes in flight,
 * next to plain better-sqlite3 inserts that each commit (and fsync) alone.
 *
 *   node --import tsx bench/store-sqlite.ts [--creates 5000] [--concurrency 50] [--dir /tmp]
 *
 * Use a directory on a real disk: on tmpfs fsync is free and the comparison means nothing.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openSqliteStore } from '../src/store/sqlite/index.js';

const { values: args } = parseArgs({
  options: {
    creates: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '50' },
    baseline: { type: 'string', default: '1000' },
    dir: { type: 'string', default: tmpdir() },
  },
});
const creates = Number(args.creates);
const concurrency = Number(args.concurrency);
const baselineInserts = Number(args.baseline);
const value = JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', data: { payload: 'x'.repeat(400) } });

async function benchStore(dir: string): Promise<void> {
  const store = await openSqliteStore({ path: join(dir, 'store.db') });
  const start = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < creates) {
        const i = next++;
        await store.create(`/registry/configmaps/default/cm-${i}`, value);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const { transactions } = store.stats();
  await store.close();
  console.log(
    `store: ${creates} creates, ${concurrency} in flight: ${(creates / seconds).toFixed(0)} creates/s` +
      ` (${transactions} transactions, ${(creates / transactions).toFixed(1)} writes each)`,
  );
}

function benchBaseline(dir: string): void {
  const db = new Database(join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE kv (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, value TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO kv (name, value) VALUES (?, ?)');
  const start = process.hrtime.bigint();
  for (let i = 0; i < baselineInserts; i++) insert.run(`/registry/configmaps/default/cm-${i}`, value);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  console.log(`plain better-sqlite3, one insert per transaction, synchronous=FULL: ${(baselineInserts / seconds).toFixed(0)} inserts/s (${baselineInserts} inserts)`);
}

const dir = mkdtempSync(join(args.dir, 'skiff-bench-'));
try {
  benchBaseline(dir);
  await benchStore(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
