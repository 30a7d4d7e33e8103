import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../store/sqlite/index.js';
import type { Store } from '../../store/types.js';
import { decodeObject, encodeObject } from '../registry/codec.js';
import { WatchHub, type HubEvent } from './hub.js';

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-hub-'));
  const store = await openSqliteStore({ path: join(dir, 'state.db') });
  try {
    await fn(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Collects events until `count` arrived, or fails after a deadline. */
function collector(count: number): { events: HubEvent[]; done: Promise<void>; onEvents(e: HubEvent[]): void; onError(err: Error): void } {
  const events: HubEvent[] = [];
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const done = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  const timer = setTimeout(() => reject(new Error(`only ${events.length} of ${count} events arrived`)), 5000);
  return {
    events, done,
    onEvents(e) {
      events.push(...e);
      if (events.length >= count) { clearTimeout(timer); resolve(); }
    },
    onError(err) { clearTimeout(timer); reject(err); },
  };
}

const cm = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', labels: { app: 'x' } }, data });

test('hub events decode and print exactly what the stored documents say', async () => {
  await withStore(async (store) => {
    const hub = new WatchHub({ store });
    await hub.start();
    const live = collector(3);
    const sub = hub.subscribe({ prefix: '/registry/configmaps/ns/', fromRevision: hub.currentRevision() }, live);
    try {
      const key = '/registry/configmaps/ns/a';
      const created = await store.create(key, encodeObject(cm('a', { k: 'v' })));
      const updated = await store.update(key, encodeObject(cm('a', { k: 'w', 'quote"': '\\' })), created.modRevision);
      const deleted = await store.delete(key, updated.modRevision);
      await live.done;
      const [c, u, d] = live.events;
      assert.deepEqual([c.kind, u.kind, d.kind], ['create', 'update', 'delete']);
      assert.deepEqual(c.object, decodeObject(created));
      assert.equal(c.previous, undefined);
      assert.deepEqual(u.object, decodeObject(updated));
      assert.deepEqual(u.previous, decodeObject(created));
      // A delete carries the last state with the delete's revision.
      assert.deepEqual(d.object, decodeObject(deleted.kv, deleted.revision));
      assert.equal(d.object.metadata?.resourceVersion, String(deleted.revision));
      for (const [e, type] of [[c, 'ADDED'], [u, 'MODIFIED'], [d, 'DELETED']] as const) {
        assert.equal(e.line!(type), JSON.stringify({ type, object: e.object }) + '\n');
        // Printed once, shared.
        assert.equal(e.line!(type), e.line!(type));
      }

      // A late subscriber gets the same events from the ring, printed the same way.
      const late = collector(3);
      const sub2 = hub.subscribe({ prefix: '/registry/configmaps/ns/', fromRevision: created.modRevision - 1 }, late);
      await late.done;
      sub2.stop();
      assert.deepEqual(late.events.map((e) => e.line!(e.kind === 'create' ? 'ADDED' : e.kind === 'update' ? 'MODIFIED' : 'DELETED')), [c.line!('ADDED'), u.line!('MODIFIED'), d.line!('DELETED')]);
      assert.deepEqual(late.events.map((e) => e.object), [c.object, u.object, d.object]);
    } finally {
      sub.stop();
      hub.stop();
    }
  });
});

test('events outside a subscriber\'s prefix are not decoded for it', async () => {
  await withStore(async (store) => {
    const hub = new WatchHub({ store });
    await hub.start();
    const mine = collector(1);
    const sub = hub.subscribe({ prefix: '/registry/configmaps/mine/', fromRevision: hub.currentRevision() }, mine);
    try {
      // Not valid JSON: decoding it would throw, so the hub must leave it alone.
      await store.create('/registry/configmaps/other/x', '{not json');
      await store.create('/registry/configmaps/mine/y', encodeObject(cm('y', {})));
      await mine.done;
      assert.equal(mine.events.length, 1);
      assert.equal(mine.events[0].object.metadata?.name, 'y');
    } finally {
      sub.stop();
      hub.stop();
    }
  });
});
