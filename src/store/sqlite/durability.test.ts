/**
 * Writes are acknowledged only once durable: the WAL sync runs off the event loop, and
 * until it completes nothing of the batch is visible — no resolved promise, no read, no
 * watch event. A failed sync fails the store rather than guess.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { StoreError, type WatchEvent } from '../types.js';
import { openSqliteStore } from './index.js';
import { makeTempDir } from './testing/temp-store.js';
import type { Durability } from './writer-loop.js';

/** A durability step the test releases by hand. */
function heldSync(): Durability & { held: number; release(err?: Error): void } {
  const waiting: Array<(err: Error | null) => void> = [];
  return {
    get held() { return waiting.length; },
    sync: (done) => { waiting.push(done); },
    syncNow: () => {},
    release(err) { waiting.shift()!(err ?? null); },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await tick();
  assert.ok(condition(), 'condition not reached');
}

describe('sqlite durability', () => {
  it('acknowledges, shows and publishes a write only after its sync', async () => {
    const temp = makeTempDir();
    const durability = heldSync();
    const store = await openSqliteStore({ path: join(temp.dir, 'state.db'), durability });
    try {
      const start = await store.currentRevision();
      const events: WatchEvent[] = [];
      const watch = store.watch({ prefix: '/d/', fromRevision: start }, { onEvents: (e) => events.push(...e), onError: (err) => assert.fail(err) });
      let acknowledged = false;
      const created = store.create('/d/a', 'one').then((kv) => { acknowledged = true; return kv; });
      await until(() => durability.held === 1);
      await tick();
      assert.equal(acknowledged, false);
      assert.equal(await store.get('/d/a'), undefined, 'a committed but unsynced row was readable');
      assert.equal((await store.range({ prefix: '/d/' })).items.length, 0);
      assert.equal(await store.currentRevision(), start);
      assert.equal(events.length, 0);

      // Writes arriving while the sync runs wait, then commit together.
      const transactions = store.stats().transactions;
      const more = Array.from({ length: 10 }, (_, i) => store.create(`/d/more-${i}`, String(i)));
      await tick();
      durability.release();
      const kv = await created;
      assert.equal((await store.get('/d/a'))?.value, 'one');
      assert.equal(await store.currentRevision(), kv.modRevision);
      await until(() => durability.held === 1);
      assert.equal(store.stats().transactions, transactions + 1, 'the ten waiting writes were one transaction');
      durability.release();
      await Promise.all(more);
      await until(() => events.length === 11);
      watch.stop();
    } finally {
      await store.close();
      temp.remove();
    }
  });

  it('fails the write and the store when a sync fails', async () => {
    const temp = makeTempDir();
    const durability = heldSync();
    const store = await openSqliteStore({ path: join(temp.dir, 'state.db'), durability });
    try {
      const write = store.create('/f/a', 'x');
      const queued = (async () => { await until(() => durability.held === 1); return store.create('/f/b', 'y'); })();
      await until(() => durability.held === 1);
      durability.release(new Error('EIO: i/o error'));
      await assert.rejects(write, (err: Error) => err instanceof StoreError && /syncing the SQLite write-ahead log failed: EIO/.test(err.message));
      await assert.rejects(queued, StoreError);
      await assert.rejects(store.create('/f/c', 'z'), /sqlite .*failed/);
      await assert.rejects(store.get('/f/a'), StoreError);
    } finally {
      await store.close();
      temp.remove();
    }
  });
});
