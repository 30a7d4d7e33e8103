import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeContractTests } from '../contract.js';
import { CompactedError, FutureRevisionError, StoreError, type Store, type WatchEvent } from '../types.js';
import { openEtcdStore, parseEtcdEndpoint } from './index.js';
import { KeySpace, prefixEnd } from './keys.js';
import { etcdAvailable, startEtcd, type EtcdProcess } from './testing.js';

describe('parseEtcdEndpoint', () => {
  it('parses one or several host:port pairs', () => {
    assert.deepEqual(parseEtcdEndpoint('etcd://127.0.0.1:2379'), { endpoints: ['127.0.0.1:2379'] });
    assert.deepEqual(parseEtcdEndpoint('etcd://a:1,b:2, c:3'), { endpoints: ['a:1', 'b:2', 'c:3'] });
  });

  it('defaults the port and accepts bracketed IPv6', () => {
    assert.deepEqual(parseEtcdEndpoint('etcd://db'), { endpoints: ['db:2379'] });
    assert.deepEqual(parseEtcdEndpoint('etcd://[::1]:3000,[fe80::1]'), { endpoints: ['[::1]:3000', '[fe80::1]:2379'] });
  });

  it('takes a key prefix from the path', () => {
    assert.deepEqual(parseEtcdEndpoint('etcd://a:1/skiff-a'), { endpoints: ['a:1'], prefix: '/skiff-a/' });
    assert.deepEqual(parseEtcdEndpoint('etcd://a:1/'), { endpoints: ['a:1'] });
  });

  it('rejects TLS, other schemes and malformed hosts', () => {
    assert.throws(() => parseEtcdEndpoint('etcds://a:1'), /TLS to etcd is not supported yet/);
    assert.throws(() => parseEtcdEndpoint('https://a:1'), /TLS/);
    assert.throws(() => parseEtcdEndpoint('sqlite:///var/db'), /unsupported scheme/);
    assert.throws(() => parseEtcdEndpoint('a:2379'), /expected etcd:\/\//);
    assert.throws(() => parseEtcdEndpoint('etcd://'), /names no host/);
    assert.throws(() => parseEtcdEndpoint('etcd://a:99999'), /invalid port/);
    assert.throws(() => parseEtcdEndpoint('etcd://a:x'), /invalid port/);
    assert.throws(() => parseEtcdEndpoint('etcd://::1:2379'), /IPv6/);
    assert.throws(() => parseEtcdEndpoint('etcd://user@a:1'), /invalid host/);
  });
});

describe('etcd key space', () => {
  it('computes etcd prefix range ends', () => {
    assert.deepEqual(prefixEnd(Buffer.from('/a/')), Buffer.from('/a0'));
    assert.deepEqual(prefixEnd(Buffer.from([0x61, 0xff, 0xff])), Buffer.from([0x62]));
    assert.deepEqual(prefixEnd(Buffer.from([0xff])), Buffer.from([0]));
  });

  it('ranges inside its prefix and resumes strictly after startAfter', () => {
    const keys = new KeySpace('/t1');
    assert.deepEqual(keys.range('/a/'), { key: Buffer.from('/t1/a/'), rangeEnd: Buffer.from('/t1/a0') });
    assert.deepEqual(keys.range('/a/', '/a/x'), { key: Buffer.from('/t1/a/x\0'), rangeEnd: Buffer.from('/t1/a0') });
    assert.equal(keys.decode(Buffer.from('/t1/a/x')), '/a/x');
    assert.throws(() => keys.decode(Buffer.from('/t2/a')), /outside the store prefix/);
    assert.throws(() => keys.range('/a/', '/b/'), /does not start with prefix/);
    // No prefix at all: the whole keyspace.
    assert.deepEqual(new KeySpace('').range(''), { key: Buffer.from([0]), rangeEnd: Buffer.from([0]) });
  });
});

if (!etcdAvailable()) {
  const message = 'etcd binary not found (install Debian etcd-server or set SKIFF_ETCD_BINARY): SKIPPING the etcd Store tests';
  console.warn(`\n${'!'.repeat(message.length)}\n${message}\n${'!'.repeat(message.length)}\n`);
  it('etcd Store tests', { skip: message }, () => {});
} else {
  let etcd: EtcdProcess | undefined;
  let opened = 0;
  before(async () => {
    etcd = await startEtcd();
  });
  after(async () => {
    await etcd?.stop();
  });

  /** A store in its own key namespace of the shared etcd. */
  async function openIsolated(): Promise<Store> {
    assert.ok(etcd, 'etcd not started');
    return openEtcdStore({ endpoints: [etcd.endpoint], prefix: `/test-${process.pid}-${++opened}/` });
  }

  storeContractTests('etcd', async () => {
    const store = await openIsolated();
    return { store, cleanup: () => store.close() };
  });

  describe('etcd backend', () => {
    it('keeps stores with different prefixes apart (range and watch)', async () => {
      const [a, b] = [await openIsolated(), await openIsolated()];
      try {
        const events: WatchEvent[] = [];
        const from = await a.currentRevision();
        let seen!: () => void;
        const arrived = new Promise<void>((resolve) => (seen = resolve));
        const w = a.watch({ prefix: '/', fromRevision: from }, {
          onEvents: (batch) => {
            events.push(...batch);
            seen();
          },
          onError: (err) => assert.fail(err),
        });
        await b.create('/x/1', 'b');
        const mine = await a.create('/x/1', 'a');
        await arrived;
        w.stop();
        assert.deepEqual(events.map((e) => [e.kv.key, e.kv.value, e.revision]), [['/x/1', 'a', mine.modRevision]]);
        assert.deepEqual((await a.range({ prefix: '/' })).items.map((kv) => kv.value), ['a']);
        assert.deepEqual((await b.range({ prefix: '/' })).items.map((kv) => kv.value), ['b']);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('reports the current revision in FutureRevisionError', async () => {
      const store = await openIsolated();
      try {
        const current = await store.currentRevision();
        await assert.rejects(store.range({ prefix: '/', revision: current + 10 }), (err: unknown) => {
          assert.ok(err instanceof FutureRevisionError);
          assert.equal(err.requested, current + 10);
          assert.equal(err.current, current);
          return true;
        });
      } finally {
        await store.close();
      }
    });

    it('close() stops open watches quietly; watch() after close fails', async () => {
      const closing = await openIsolated();
      const prefix = `/test-${process.pid}-shared/`;
      const closingSame = await openEtcdStore({ endpoints: [etcd!.endpoint], prefix });
      const writer = await openEtcdStore({ endpoints: [etcd!.endpoint], prefix });
      await closing.close();
      const calls: string[] = [];
      try {
        const from = await writer.currentRevision();
        closingSame.watch({ prefix: '/', fromRevision: from }, {
          onEvents: () => calls.push('events'),
          onError: (err) => calls.push(`error ${err.message}`),
        });
        await closingSame.close();
        // A witness on the same keys proves the write was delivered to watchers.
        let delivered!: () => void;
        const witnessed = new Promise<void>((resolve) => (delivered = resolve));
        const witness = writer.watch({ prefix: '/', fromRevision: from }, { onEvents: () => delivered(), onError: (err) => assert.fail(err) });
        await writer.create('/after-close', '1');
        await witnessed;
        witness.stop();
        assert.deepEqual(calls, []);
        const err = await new Promise<Error>((resolve) => {
          closing.watch({ prefix: '/', fromRevision: 0 }, { onEvents: () => assert.fail('no events'), onError: resolve });
        });
        assert.match(err.message, /closed/);
      } finally {
        await writer.close();
      }
    });

    // Compacts the shared etcd, so it runs after every case that reads old history.
    it('learns a compaction made by another client, and names it in CompactedError', async () => {
      const [a, b] = [await openIsolated(), await openIsolated()];
      try {
        const first = await a.create('/k', '1');
        const second = await a.update('/k', '2', first.modRevision);
        await a.update('/k', '3', second.modRevision);
        await a.compact(second.modRevision);
        await a.compact(first.modRevision); // older than the compaction: a no-op
        assert.equal(await b.compactedRevision(), second.modRevision);
        assert.equal(await a.compactedRevision(), second.modRevision);
        await assert.rejects(b.range({ prefix: '/', revision: first.modRevision }), (err: unknown) => {
          assert.ok(err instanceof CompactedError);
          assert.equal(err.requested, first.modRevision);
          assert.equal(err.compacted, second.modRevision);
          return true;
        });
        await assert.rejects(a.compact((await a.currentRevision()) + 5), FutureRevisionError);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  describe('etcd process life cycle', () => {
    it('keeps data across a restart on the same data dir', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'skiff-etcd-restart-'));
      try {
        const first = await startEtcd({ dataDir });
        let created;
        try {
          const store = await openEtcdStore({ endpoints: [first.endpoint], prefix: '/r/' });
          created = await store.create('/kept', 'yes');
          await store.close();
        } finally {
          await first.kill9();
        }
        const second = await startEtcd({ dataDir });
        try {
          const store = await openEtcdStore({ endpoints: [second.endpoint], prefix: '/r/' });
          assert.deepEqual(await store.get('/kept'), created);
          assert.equal(await store.currentRevision(), created.modRevision);
          await store.close();
        } finally {
          await second.stop();
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });

    it('ends a watch with onError when etcd goes away', async () => {
      const own = await startEtcd();
      const store = await openEtcdStore({ endpoints: [own.endpoint] });
      try {
        const from = await store.currentRevision();
        let events = 0;
        const failed = new Promise<Error>((resolve) => {
          store.watch({ prefix: '/', fromRevision: from }, { onEvents: () => void events++, onError: resolve });
        });
        await store.create('/before', '1');
        await own.kill9();
        const err = await failed;
        assert.ok(err instanceof StoreError);
        assert.ok(!(err instanceof CompactedError));
      } finally {
        await store.close();
        await own.stop();
      }
    });

    it('fails to open quickly when nothing listens', async () => {
      const own = await startEtcd();
      const endpoint = own.endpoint;
      await own.stop();
      await assert.rejects(openEtcdStore({ endpoints: [endpoint], connectTimeoutMs: 3000 }), (err: unknown) => {
        assert.ok(err instanceof StoreError);
        assert.match(err.message, new RegExp(`cannot connect to etcd at ${endpoint}`));
        return true;
      });
    });
  });
}
