/**
 * The Store contract: node:test cases every backend must pass (kine's "borrowed
 * conformance" idea — one suite, every implementation).
 *
 * Backend-neutral on purpose: no test assumes revisions start at 1 or step by exactly
 * one, only that they increase and are shared by all keys. Every case opens its own
 * store through `open` and cleans it up afterwards.
 *
 *   storeContractTests('sqlite', async () => { const store = await openX(); return { store, cleanup } });
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompactedError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionMismatchError,
  type KeyValue,
  type Store,
  type WatchEvent,
  type WatchOptions,
} from './types.js';

export interface OpenedStore {
  store: Store;
  cleanup(): Promise<void>;
}

const CASE_TIMEOUT_MS = 20_000;
/** Upper bound for an expected event to arrive; a bound to fail on, never a sleep. */
const WAIT_MS = 5_000;

interface Collector {
  events: WatchEvent[];
  /** Resolves once at least `count` events arrived; rejects after WAIT_MS. */
  until(count: number): Promise<WatchEvent[]>;
  /** Resolves with the error passed to onError; rejects after WAIT_MS. */
  error(): Promise<Error>;
  stop(): void;
  calls: number;
}

function collect(store: Store, options: WatchOptions): Collector {
  const events: WatchEvent[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let calls = 0;
  const notify = () => wake?.();
  const watch = store.watch(options, {
    onEvents(batch) {
      calls++;
      events.push(...batch);
      notify();
    },
    onError(err) {
      failure = err;
      notify();
    },
  });
  function waitFor<T>(ready: () => T | undefined, what: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = ready();
        if (value === undefined) return false;
        clearTimeout(timer);
        wake = undefined;
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        wake = undefined;
        reject(new Error(`timed out waiting for ${what()}`));
      }, WAIT_MS);
      wake = () => void check();
      check();
    });
  }
  return {
    events,
    get calls() {
      return calls;
    },
    until(count) {
      return waitFor(
        () => {
          if (failure) throw failure;
          return events.length >= count ? events.slice() : undefined;
        },
        () => `${count} events, got ${events.length}: ${JSON.stringify(events.map(summary))}`,
      );
    },
    error() {
      return waitFor(
        () => failure,
        () => `onError, got events ${JSON.stringify(events.map(summary))}`,
      );
    },
    stop: () => watch.stop(),
  };
}

function summary(e: WatchEvent): string {
  return `${e.type} ${e.kv.key}@${e.revision}`;
}

function assertIncreasing(revisions: number[]): void {
  for (let i = 1; i < revisions.length; i++) {
    assert.ok(revisions[i] > revisions[i - 1], `revisions not increasing: ${revisions.join(',')}`);
  }
}

function values(items: KeyValue[]): Record<string, string> {
  return Object.fromEntries(items.map((kv) => [kv.key, kv.value]));
}

export function storeContractTests(name: string, open: () => Promise<OpenedStore>): void {
  /** Runs `body` on a fresh store and always cleans it up. */
  function withStore(body: (store: Store) => Promise<void>): () => Promise<void> {
    return async () => {
      const { store, cleanup } = await open();
      try {
        await body(store);
      } finally {
        await cleanup();
      }
    };
  }
  const opts = { timeout: CASE_TIMEOUT_MS };

  describe(`Store contract: ${name}`, () => {
    describe('create and get', () => {
      it('creates a key and reads it back', opts, withStore(async (store) => {
        const kv = await store.create('/c/one', 'v1');
        assert.equal(kv.key, '/c/one');
        assert.equal(kv.value, 'v1');
        assert.equal(kv.createRevision, kv.modRevision);
        assert.deepEqual(await store.get('/c/one'), kv);
        assert.equal(await store.currentRevision(), kv.modRevision);
      }));

      it('returns undefined for a missing key', opts, withStore(async (store) => {
        assert.equal(await store.get('/c/missing'), undefined);
      }));

      it('rejects creating a live key with KeyExistsError', opts, withStore(async (store) => {
        await store.create('/c/dup', 'a');
        await assert.rejects(store.create('/c/dup', 'b'), (err: unknown) => {
          assert.ok(err instanceof KeyExistsError);
          assert.equal(err.key, '/c/dup');
          return true;
        });
        assert.equal((await store.get('/c/dup'))?.value, 'a');
      }));

      it('keeps values byte for byte (unicode, empty, large)', opts, withStore(async (store) => {
        const big = JSON.stringify({ data: 'x'.repeat(200_000) });
        for (const [key, value] of [['/c/u', 'héllo ☃ 😀 \u0000 end'], ['/c/e', ''], ['/c/big', big]]) {
          await store.create(key, value);
          assert.equal((await store.get(key))?.value, value);
        }
      }));

      it('re-creates a deleted key with a new createRevision', opts, withStore(async (store) => {
        const first = await store.create('/c/again', 'one');
        await store.delete('/c/again');
        assert.equal(await store.get('/c/again'), undefined);
        const second = await store.create('/c/again', 'two');
        assert.ok(second.createRevision > first.createRevision);
        assert.equal(second.createRevision, second.modRevision);
        assert.equal((await store.get('/c/again'))?.value, 'two');
      }));
    });

    describe('revisions', () => {
      it('are monotonic and shared across keys', opts, withStore(async (store) => {
        const start = await store.currentRevision();
        const a = await store.create('/r/a', '1');
        const b = await store.create('/r/b', '1');
        const a2 = await store.update('/r/a', '2', a.modRevision);
        const del = await store.delete('/r/b');
        assert.ok(a.modRevision > start);
        assertIncreasing([a.modRevision, b.modRevision, a2.modRevision, del.revision]);
        assert.equal(await store.currentRevision(), del.revision);
      }));

      it('does not advance on a failed write', opts, withStore(async (store) => {
        const a = await store.create('/r/a', '1');
        await assert.rejects(store.create('/r/a', '1'), KeyExistsError);
        await assert.rejects(store.update('/r/a', '2', a.modRevision + 100), RevisionMismatchError);
        await assert.rejects(store.delete('/r/none'), KeyNotFoundError);
        assert.equal(await store.currentRevision(), a.modRevision);
      }));
    });

    describe('update', () => {
      it('replaces the value at the expected revision', opts, withStore(async (store) => {
        const a = await store.create('/u/a', 'v1');
        const b = await store.update('/u/a', 'v2', a.modRevision);
        assert.equal(b.value, 'v2');
        assert.equal(b.createRevision, a.createRevision);
        assert.ok(b.modRevision > a.modRevision);
        assert.deepEqual(await store.get('/u/a'), b);
      }));

      it('rejects a stale revision with RevisionMismatchError carrying the current state', opts, withStore(async (store) => {
        const a = await store.create('/u/a', 'v1');
        const b = await store.update('/u/a', 'v2', a.modRevision);
        await assert.rejects(store.update('/u/a', 'v3', a.modRevision), (err: unknown) => {
          assert.ok(err instanceof RevisionMismatchError);
          assert.equal(err.key, '/u/a');
          assert.deepEqual(err.current, b);
          return true;
        });
        assert.deepEqual(await store.get('/u/a'), b);
      }));

      it('rejects a missing key with KeyNotFoundError', opts, withStore(async (store) => {
        await assert.rejects(store.update('/u/none', 'v', 1), (err: unknown) => {
          assert.ok(err instanceof KeyNotFoundError);
          assert.equal(err.key, '/u/none');
          return true;
        });
        const a = await store.create('/u/gone', 'v');
        await store.delete('/u/gone');
        await assert.rejects(store.update('/u/gone', 'v2', a.modRevision), KeyNotFoundError);
      }));

      it('lets exactly one of many concurrent updates at the same revision win', opts, withStore(async (store) => {
        const a = await store.create('/u/race', 'start');
        const results = await Promise.allSettled(
          Array.from({ length: 25 }, (_, i) => store.update('/u/race', `writer-${i}`, a.modRevision)),
        );
        const won = results.filter((r): r is PromiseFulfilledResult<KeyValue> => r.status === 'fulfilled');
        assert.equal(won.length, 1, 'exactly one writer wins');
        const winner = won[0].value;
        for (const r of results) {
          if (r.status === 'fulfilled') continue;
          assert.ok(r.reason instanceof RevisionMismatchError, `unexpected ${r.reason}`);
          assert.deepEqual(r.reason.current, winner);
        }
        assert.deepEqual(await store.get('/u/race'), winner);
      }));

      it('lets exactly one of many concurrent creates of one key win', opts, withStore(async (store) => {
        const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.create('/u/new', `c-${i}`)));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results) {
          if (r.status === 'rejected') assert.ok(r.reason instanceof KeyExistsError, `unexpected ${r.reason}`);
        }
      }));

      it('keeps independent concurrent writes independent (one failing does not fail others)', opts, withStore(async (store) => {
        const a = await store.create('/u/x', '0');
        const ops = [
          store.update('/u/x', 'bad', a.modRevision + 1000),
          ...Array.from({ length: 10 }, (_, i) => store.create(`/u/k${i}`, String(i))),
          store.create('/u/x', 'dup'),
        ];
        const results = await Promise.allSettled(ops);
        assert.equal(results[0].status, 'rejected');
        assert.equal(results[results.length - 1].status, 'rejected');
        assert.equal(results.slice(1, -1).filter((r) => r.status === 'fulfilled').length, 10);
        assert.equal((await store.range({ prefix: '/u/k' })).items.length, 10);
      }));
    });

    describe('delete', () => {
      it('deletes without an expected revision and returns the last state', opts, withStore(async (store) => {
        const a = await store.create('/d/a', 'v1');
        const b = await store.update('/d/a', 'v2', a.modRevision);
        const res = await store.delete('/d/a');
        assert.deepEqual(res.kv, b);
        assert.ok(res.revision > b.modRevision);
        assert.equal(await store.get('/d/a'), undefined);
        assert.equal(await store.currentRevision(), res.revision);
      }));

      it('deletes at the expected revision and rejects a stale one', opts, withStore(async (store) => {
        const a = await store.create('/d/a', 'v1');
        const b = await store.update('/d/a', 'v2', a.modRevision);
        await assert.rejects(store.delete('/d/a', a.modRevision), (err: unknown) => {
          assert.ok(err instanceof RevisionMismatchError);
          assert.deepEqual(err.current, b);
          return true;
        });
        const res = await store.delete('/d/a', b.modRevision);
        assert.deepEqual(res.kv, b);
      }));

      it('rejects deleting a missing key with KeyNotFoundError', opts, withStore(async (store) => {
        await assert.rejects(store.delete('/d/none'), KeyNotFoundError);
        await store.create('/d/once', 'v');
        await store.delete('/d/once');
        await assert.rejects(store.delete('/d/once'), KeyNotFoundError);
      }));
    });

    describe('range', () => {
      it('isolates prefixes (/a/ does not match /ab/)', opts, withStore(async (store) => {
        await store.create('/a/1', 'a1');
        await store.create('/a/2', 'a2');
        await store.create('/ab/1', 'ab1');
        await store.create('/a', 'bare');
        const res = await store.range({ prefix: '/a/' });
        assert.deepEqual(res.items.map((kv) => kv.key), ['/a/1', '/a/2']);
        assert.equal(res.more, false);
        assert.equal(res.revision, await store.currentRevision());
      }));

      it('returns keys in ascending key order with full metadata', opts, withStore(async (store) => {
        for (const k of ['/s/c', '/s/a', '/s/b']) await store.create(k, k);
        const b = await store.get('/s/b');
        const res = await store.range({ prefix: '/s/' });
        assert.deepEqual(res.items.map((kv) => kv.key), ['/s/a', '/s/b', '/s/c']);
        assert.deepEqual(res.items[1], b);
      }));

      it('omits deleted keys', opts, withStore(async (store) => {
        await store.create('/s/a', '1');
        await store.create('/s/b', '2');
        await store.delete('/s/a');
        assert.deepEqual((await store.range({ prefix: '/s/' })).items.map((kv) => kv.key), ['/s/b']);
      }));

      it('pages with limit and startAfter, reporting more and remaining', opts, withStore(async (store) => {
        for (let i = 0; i < 7; i++) await store.create(`/p/${i}`, String(i));
        const first = await store.range({ prefix: '/p/', limit: 3 });
        assert.deepEqual(first.items.map((kv) => kv.key), ['/p/0', '/p/1', '/p/2']);
        assert.equal(first.more, true);
        if (first.remaining !== undefined) assert.equal(first.remaining, 4);
        const last = await store.range({ prefix: '/p/', limit: 4, startAfter: '/p/2', revision: first.revision });
        assert.deepEqual(last.items.map((kv) => kv.key), ['/p/3', '/p/4', '/p/5', '/p/6']);
        assert.equal(last.more, false);
        if (last.remaining !== undefined) assert.equal(last.remaining, 0);
        const all = await store.range({ prefix: '/p/', limit: 0 });
        assert.equal(all.items.length, 7);
        assert.equal(all.more, false);
      }));

      it('pages through a consistent snapshot while writes continue', opts, withStore(async (store) => {
        const before: Record<string, string> = {};
        for (let i = 0; i < 12; i++) {
          const key = `/p/${String(i).padStart(2, '0')}`;
          await store.create(key, `v${i}`);
          before[key] = `v${i}`;
        }
        const seen: KeyValue[] = [];
        let page = await store.range({ prefix: '/p/', limit: 4 });
        const at = page.revision;
        seen.push(...page.items);
        let round = 0;
        while (page.more) {
          // Concurrent churn between pages: updates, deletes and new keys in the range.
          const churn = [
            store.create(`/p/${String(round).padStart(2, '0')}x`, 'new'),
            store.get(`/p/${String(11 - round).padStart(2, '0')}`).then((kv) => kv && store.update(kv.key, 'changed', kv.modRevision)),
            store.delete(`/p/${String(6 + round).padStart(2, '0')}`).catch(() => undefined),
          ];
          const next = store.range({ prefix: '/p/', limit: 4, startAfter: seen[seen.length - 1].key, revision: at });
          await Promise.all(churn);
          page = await next;
          assert.equal(page.revision, at);
          seen.push(...page.items);
          round++;
        }
        assert.deepEqual(values(seen), before);
        assert.ok((await store.currentRevision()) > at);
      }));

      it('reads the state at an old revision', opts, withStore(async (store) => {
        const a = await store.create('/o/a', 'a1');
        const b = await store.create('/o/b', 'b1');
        const snapshot = b.modRevision;
        await store.update('/o/a', 'a2', a.modRevision);
        await store.delete('/o/b');
        await store.create('/o/c', 'c1');
        const old = await store.range({ prefix: '/o/', revision: snapshot });
        assert.equal(old.revision, snapshot);
        assert.deepEqual(old.items, [a, b]);
        const older = await store.range({ prefix: '/o/', revision: a.modRevision });
        assert.deepEqual(older.items, [a]);
        const now = await store.range({ prefix: '/o/' });
        assert.deepEqual(values(now.items), { '/o/a': 'a2', '/o/c': 'c1' });
      }));

      it('rejects a future revision with FutureRevisionError', opts, withStore(async (store) => {
        await store.create('/f/a', '1');
        const current = await store.currentRevision();
        await assert.rejects(store.range({ prefix: '/f/', revision: current + 1000 }), FutureRevisionError);
      }));
    });

    describe('watch', () => {
      it('replays everything from revision 0, then live events', opts, withStore(async (store) => {
        const a = await store.create('/w/a', '1');
        const b = await store.create('/w/b', '1');
        const w = collect(store, { prefix: '/w/', fromRevision: 0 });
        try {
          await w.until(2);
          const c = await store.create('/w/c', '1');
          const events = await w.until(3);
          assert.deepEqual(events.map((e) => [e.type, e.kv.key, e.revision]), [
            ['put', '/w/a', a.modRevision],
            ['put', '/w/b', b.modRevision],
            ['put', '/w/c', c.modRevision],
          ]);
          assert.deepEqual(events[2].kv, c);
          assert.equal(events[2].prevKv, undefined);
        } finally {
          w.stop();
        }
      }));

      it('from the current revision delivers only new events', opts, withStore(async (store) => {
        await store.create('/w/old', '1');
        const now = await store.currentRevision();
        const w = collect(store, { prefix: '/w/', fromRevision: now });
        try {
          const n = await store.create('/w/new', '1');
          const events = await w.until(1);
          assert.deepEqual(events.map(summary), [`put /w/new@${n.modRevision}`]);
        } finally {
          w.stop();
        }
      }));

      it('from a past revision replays the events after it', opts, withStore(async (store) => {
        const a = await store.create('/w/a', '1');
        const a2 = await store.update('/w/a', '2', a.modRevision);
        const del = await store.delete('/w/a');
        const w = collect(store, { prefix: '/w/', fromRevision: a.modRevision });
        try {
          const b = await store.create('/w/b', '1');
          const events = await w.until(3);
          assert.deepEqual(events.map(summary), [
            `put /w/a@${a2.modRevision}`,
            `delete /w/a@${del.revision}`,
            `put /w/b@${b.modRevision}`,
          ]);
        } finally {
          w.stop();
        }
      }));

      it('carries prevKv for updates and deletes; a delete carries the last value', opts, withStore(async (store) => {
        const w = collect(store, { prefix: '/w/', fromRevision: await store.currentRevision() });
        try {
          const a = await store.create('/w/a', 'one');
          const a2 = await store.update('/w/a', 'two', a.modRevision);
          const del = await store.delete('/w/a');
          const [created, updated, deleted] = await w.until(3);
          assert.equal(created.type, 'put');
          assert.deepEqual(created.kv, a);
          assert.equal(created.prevKv, undefined);
          assert.equal(updated.type, 'put');
          assert.deepEqual(updated.kv, a2);
          assert.deepEqual(updated.prevKv, a);
          assert.equal(updated.revision, a2.modRevision);
          assert.equal(deleted.type, 'delete');
          assert.equal(deleted.kv.key, '/w/a');
          assert.equal(deleted.kv.value, 'two');
          assert.equal(deleted.kv.modRevision, del.revision);
          assert.equal(deleted.revision, del.revision);
          assert.deepEqual(deleted.prevKv, a2);
        } finally {
          w.stop();
        }
      }));

      it('only delivers keys under its prefix', opts, withStore(async (store) => {
        const w = collect(store, { prefix: '/w/a/', fromRevision: await store.currentRevision() });
        try {
          await store.create('/w/ab/x', '1');
          await store.create('/w/b/x', '1');
          const mine = await store.create('/w/a/x', '1');
          const events = await w.until(1);
          assert.deepEqual(events.map(summary), [`put /w/a/x@${mine.modRevision}`]);
        } finally {
          w.stop();
        }
      }));

      it('delivers concurrent writes in revision order without gaps or duplicates', opts, withStore(async (store) => {
        const from = await store.currentRevision();
        const early = collect(store, { prefix: '/w/', fromRevision: from });
        const writes: Promise<KeyValue>[] = [];
        let late: Collector | undefined;
        try {
          for (let i = 0; i < 60; i++) {
            writes.push(store.create(`/w/${i}`, String(i)));
            // A watch started mid-stream must hand off from replay to live cleanly.
            if (i === 30) late = collect(store, { prefix: '/w/', fromRevision: from });
          }
          const written = (await Promise.all(writes)).map((kv) => kv.modRevision).sort((x, y) => x - y);
          for (const w of [early, late!]) {
            const events = await w.until(60);
            const revs = events.map((e) => e.revision);
            assertIncreasing(revs);
            assert.deepEqual(revs, written);
          }
          // And it keeps going afterwards.
          const tail = await store.create('/w/tail', 't');
          for (const w of [early, late!]) {
            const events = await w.until(61);
            assert.equal(events.length, 61);
            assert.equal(events[60].revision, tail.modRevision);
          }
        } finally {
          early.stop();
          late?.stop();
        }
      }));

      it('delivers nothing after stop()', opts, withStore(async (store) => {
        const from = await store.currentRevision();
        const stopped = collect(store, { prefix: '/w/', fromRevision: from });
        const witness = collect(store, { prefix: '/w/', fromRevision: from });
        try {
          await store.create('/w/1', '1');
          await stopped.until(1);
          stopped.stop();
          stopped.stop(); // idempotent
          const second = await store.create('/w/2', '2');
          const seen = await witness.until(2);
          assert.equal(seen[1].revision, second.modRevision);
          assert.equal(stopped.events.length, 1);
        } finally {
          witness.stop();
        }
      }));

      it('stop() right after watch() delivers nothing, even replayed history', opts, withStore(async (store) => {
        await store.create('/w/1', '1');
        const w = collect(store, { prefix: '/w/', fromRevision: 0 });
        w.stop();
        const witness = collect(store, { prefix: '/w/', fromRevision: 0 });
        try {
          await store.create('/w/2', '2');
          await witness.until(2);
          assert.equal(w.events.length, 0);
        } finally {
          witness.stop();
        }
      }));
    });

    describe('compaction', () => {
      it('keeps the latest state and makes older history fail with CompactedError', opts, withStore(async (store) => {
        let a = await store.create('/k/a', '0');
        const first = a.modRevision;
        for (let i = 1; i <= 5; i++) a = await store.update('/k/a', String(i), a.modRevision);
        const b = await store.create('/k/b', 'b');
        await store.create('/k/gone', 'x');
        const del = await store.delete('/k/gone');
        const at = del.revision;
        const after = await store.update('/k/b', 'b2', b.modRevision);

        await store.compact(at);
        assert.ok((await store.compactedRevision()) >= at);

        assert.deepEqual(values((await store.range({ prefix: '/k/' })).items), { '/k/a': '5', '/k/b': 'b2' });
        assert.deepEqual(await store.get('/k/a'), a);
        const atCompaction = await store.range({ prefix: '/k/', revision: at });
        assert.deepEqual(atCompaction.items, [a, b]);

        await assert.rejects(store.range({ prefix: '/k/', revision: first }), (err: unknown) => {
          assert.ok(err instanceof CompactedError);
          return true;
        });

        const old = collect(store, { prefix: '/k/', fromRevision: first });
        const err = await old.error();
        assert.ok(err instanceof CompactedError, `expected CompactedError, got ${err}`);
        assert.equal(old.events.length, 0);

        const fresh = collect(store, { prefix: '/k/', fromRevision: at });
        try {
          const events = await fresh.until(1);
          assert.deepEqual(events.map(summary), [`put /k/b@${after.modRevision}`]);
          assert.deepEqual(events[0].prevKv, b);
        } finally {
          fresh.stop();
        }

        // Writes keep working and keep their revision order after a compaction.
        const next = await store.update('/k/a', '6', a.modRevision);
        assert.ok(next.modRevision > after.modRevision);
      }));

      it('reports CompactedError asynchronously, never from watch() itself', opts, withStore(async (store) => {
        const a = await store.create('/k/a', '0');
        const a2 = await store.update('/k/a', '1', a.modRevision);
        const a3 = await store.update('/k/a', '2', a2.modRevision);
        await store.compact(a3.modRevision);
        let sync = true;
        let calledSync = false;
        const errored = new Promise<Error>((resolve) => {
          store.watch({ prefix: '/k/', fromRevision: a.modRevision }, {
            onEvents: () => assert.fail('no events expected'),
            onError: (e) => {
              calledSync = sync;
              resolve(e);
            },
          });
        });
        sync = false;
        assert.ok((await errored) instanceof CompactedError);
        assert.equal(calledSync, false);
      }));
    });
  });
}
