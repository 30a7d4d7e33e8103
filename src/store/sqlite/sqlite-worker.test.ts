/**
 * The writer on its worker thread (the production default). Each store start costs a
 * thread (and, under tsx, a loader), so the cases share stores where they can.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyExistsError, RevisionMismatchError, type WatchEvent } from '../types.js';
import { openSqliteStore, type SqliteStore } from './index.js';
import { makeTempDir } from './testing/temp-store.js';

describe('sqlite store with a worker-thread writer', () => {
  const temp = makeTempDir();
  const path = join(temp.dir, 'state.db');
  let store: SqliteStore;
  before(async () => {
    store = await openSqliteStore({ path, writer: 'worker' });
  });
  after(async () => {
    await store.close();
    temp.remove();
  });

  it('reads its own writes as soon as they resolve', async () => {
    for (let i = 0; i < 50; i++) {
      const kv = await store.create(`/ryw/${i}`, String(i));
      assert.deepEqual(await store.get(kv.key), kv);
      assert.ok((await store.currentRevision()) >= kv.modRevision);
    }
  });

  it('group-commits a burst of concurrent writes', async () => {
    const before = store.stats().transactions;
    const results = await Promise.allSettled([
      ...Array.from({ length: 200 }, (_, i) => store.create(`/gc/${i}`, String(i))),
      store.create('/ryw/0', 'duplicate'),
    ]);
    const spent = store.stats().transactions - before;
    assert.ok(spent >= 1 && spent <= 3, `200 writes took ${spent} transactions`);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 200);
    const last = results[200];
    assert.ok(last.status === 'rejected' && last.reason instanceof KeyExistsError);
  });

  it('resolves racing updates and feeds watchers from the commit path', async () => {
    const events: WatchEvent[] = [];
    const base = await store.create('/race/k', 'start');
    let wake = () => {};
    const watch = store.watch({ prefix: '/race/', fromRevision: base.modRevision }, {
      onEvents: (batch) => {
        events.push(...batch);
        wake();
      },
      onError: (err) => assert.fail(err),
    });
    try {
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.update('/race/k', `w${i}`, base.modRevision)));
      const winners = results.filter((r) => r.status === 'fulfilled');
      assert.equal(winners.length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof RevisionMismatchError);
      const del = await store.delete('/race/k');
      await new Promise<void>((resolve) => {
        wake = () => events.length >= 2 && resolve();
        wake();
      });
      assert.deepEqual(events.map((e) => [e.type, e.revision]), [
        ['put', (winners[0] as PromiseFulfilledResult<{ modRevision: number }>).value.modRevision],
        ['delete', del.revision],
      ]);
      assert.equal(events[1].prevKv?.value, events[0].kv.value);
    } finally {
      watch.stop();
    }
  });

  it('finds everything again after a restart', async () => {
    const revision = await store.currentRevision();
    const count = (await store.range({ prefix: '/gc/' })).items.length;
    await store.close();
    store = await openSqliteStore({ path, writer: 'worker' });
    assert.equal(await store.currentRevision(), revision);
    assert.equal((await store.range({ prefix: '/gc/' })).items.length, count);
    const next = await store.create('/after/restart', 'x');
    assert.equal(next.modRevision, revision + 1);
  });

  it('reports an unusable file with a clear error', async () => {
    const { dir, remove } = makeTempDir();
    try {
      const bad = join(dir, 'state.db');
      writeFileSync(bad, 'not sqlite at all '.repeat(100));
      await assert.rejects(openSqliteStore({ path: bad, writer: 'worker' }), /cannot open SQLite store at .*not a database/);
    } finally {
      remove();
    }
  });
});
