import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactedError, type KeyValue } from '../types.js';
import { openSqliteStore } from './index.js';
import { makeTempDir, openTempStore } from './testing/temp-store.js';

function fileSize(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(path + suffix).size;
    } catch {
      // no WAL file right now
    }
  }
  return total;
}

describe('sqlite store', () => {
  it('keeps data, revisions and the compaction mark across a restart', async () => {
    const { dir, remove } = makeTempDir();
    const path = join(dir, 'state.db');
    try {
      const first = await openSqliteStore({ path });
      const a = await first.create('/r/a', 'a1');
      const a2 = await first.update('/r/a', 'a2', a.modRevision);
      await first.create('/r/b', 'b1');
      const del = await first.delete('/r/b');
      await first.compact(a2.modRevision);
      await first.close();

      const second = await openSqliteStore({ path });
      try {
        assert.equal(await second.currentRevision(), del.revision);
        assert.equal(await second.compactedRevision(), a2.modRevision);
        assert.deepEqual(await second.get('/r/a'), a2);
        assert.equal(await second.get('/r/b'), undefined);
        await assert.rejects(second.range({ prefix: '/r/', revision: a.modRevision }), CompactedError);
        // Revisions continue after the last one ever assigned, even if that row is gone.
        const c = await second.create('/r/c', 'c1');
        assert.equal(c.modRevision, del.revision + 1);
      } finally {
        await second.close();
      }
    } finally {
      remove();
    }
  });

  it('never reuses a revision whose tombstone was compacted away', async () => {
    const { store, cleanup } = await openTempStore();
    try {
      await store.create('/t/a', '1');
      const del = await store.delete('/t/a');
      await store.compact(del.revision);
      const again = await store.create('/t/a', '2');
      assert.equal(again.modRevision, del.revision + 1);
    } finally {
      await cleanup();
    }
  });

  it('commits a burst of concurrent writes in one transaction (group commit)', async () => {
    const { store, cleanup } = await openTempStore();
    try {
      const before = store.stats().transactions;
      const created = await Promise.all(Array.from({ length: 200 }, (_, i) => store.create(`/g/${i}`, String(i))));
      assert.equal(store.stats().transactions - before, 1);
      assert.equal(new Set(created.map((kv) => kv.modRevision)).size, 200);
      assert.equal((await store.range({ prefix: '/g/' })).items.length, 200);
    } finally {
      await cleanup();
    }
  });

  it('frees space after compacting many updates of one key', async () => {
    const { store, path, cleanup } = await openTempStore();
    try {
      const value = 'x'.repeat(4000);
      const churn = async (kv: KeyValue, n: number) => {
        for (let i = 0; i < n; i++) kv = await store.update('/big/k', `${i}${value}`, kv.modRevision);
        return kv;
      };
      let kv = await churn(await store.create('/big/k', value), 600);
      const grown = fileSize(path);
      assert.ok(grown > 600 * 4000, `expected the history to take space, got ${grown}`);
      await store.compact(kv.modRevision);
      const shrunk = fileSize(path);
      assert.ok(shrunk < grown / 10, `expected the file to shrink: ${grown} -> ${shrunk}`);

      kv = await churn(kv, 600);
      await store.compact(kv.modRevision);
      const again = fileSize(path);
      assert.ok(again < grown / 10, `expected the file to stay small: ${grown} -> ${again}`);
      assert.equal((await store.get('/big/k'))?.value, `599${value}`);
    } finally {
      await cleanup();
    }
  });

  it('keeps writes flowing and correct while a large compaction runs', async () => {
    const { store, cleanup } = await openTempStore();
    try {
      let kv = await store.create('/cw/k', '0');
      for (let i = 1; i <= 2500; i++) kv = await store.update('/cw/k', String(i), kv.modRevision);
      const compaction = store.compact(kv.modRevision);
      const writes = await Promise.all(Array.from({ length: 20 }, (_, i) => store.create(`/cw/n${i}`, String(i))));
      await compaction;
      assert.ok(writes.every((w) => w.modRevision > kv.modRevision));
      assert.deepEqual(await store.get('/cw/k'), kv);
      assert.equal((await store.range({ prefix: '/cw/' })).items.length, 21);
    } finally {
      await cleanup();
    }
  });

  describe('opening', () => {
    it('creates a missing directory', async () => {
      const { dir, remove } = makeTempDir();
      try {
        const store = await openSqliteStore({ path: join(dir, 'data', 'db', 'state.db') });
        await store.create('/x', 'y');
        await store.close();
        assert.ok(statSync(join(dir, 'data', 'db', 'state.db')).isFile());
      } finally {
        remove();
      }
    });

    it('explains a directory that cannot be created', async () => {
      const { dir, remove } = makeTempDir();
      try {
        writeFileSync(join(dir, 'file'), 'x');
        await assert.rejects(openSqliteStore({ path: join(dir, 'file', 'db', 'state.db') }), /cannot open SQLite store at .*cannot create directory/);
      } finally {
        remove();
      }
    });

    it('explains a path that is a directory', async () => {
      const { dir, remove } = makeTempDir();
      try {
        mkdirSync(join(dir, 'db'));
        await assert.rejects(openSqliteStore({ path: join(dir, 'db') }), /cannot open SQLite store at .*is a directory/);
      } finally {
        remove();
      }
    });

    it('explains a file that is not a database', async () => {
      const { dir, remove } = makeTempDir();
      try {
        const path = join(dir, 'state.db');
        writeFileSync(path, 'this is not a database, just some text that is long enough '.repeat(20));
        await assert.rejects(openSqliteStore({ path }), /cannot open SQLite store at .*not a database/);
      } finally {
        remove();
      }
    });

    it('refuses a second process on the same database until the first is gone, kill -9 included', async () => {
      const { dir, remove } = makeTempDir();
      const path = join(dir, 'state.db');
      const tsx = import.meta.resolve('tsx/esm/api');
      const self = new URL('./index.ts', import.meta.url).href;
      // A second process that opens the store and reports what happened (with -e, its first argument is argv[1]).
      const script = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(self)}); })
        .then((m) => m.openSqliteStore({ path: ${JSON.stringify(path)} }))
        .then(async (s) => { process.stdout.write('opened'); if (process.argv[1] === 'hold') { globalThis.held = s; setInterval(() => {}, 1000); } else { await s.close(); } }, (e) => process.stdout.write(e.message));`;
      const other = (mode: string) => spawnSync(process.execPath, ['--input-type=module', '-e', script, mode], { encoding: 'utf8', timeout: 30_000 }).stdout;
      try {
        const store = await openSqliteStore({ path });
        assert.match(other('try'), /cannot open SQLite store at .*in use by another process/);
        await store.close();
        assert.equal(other('try'), 'opened');
        // A holder killed with SIGKILL leaves no stale lock behind.
        const holder = spawn(process.execPath, ['--input-type=module', '-e', script, 'hold'], { stdio: ['ignore', 'pipe', 'inherit'] });
        assert.equal(await new Promise<string>((resolve) => holder.stdout.once('data', (d) => resolve(String(d)))), 'opened');
        await assert.rejects(openSqliteStore({ path }), /in use by another process/);
        holder.kill('SIGKILL');
        await new Promise((resolve) => holder.once('exit', resolve));
        const again = await openSqliteStore({ path });
        await again.close();
      } finally {
        remove();
      }
    });
  });
});
