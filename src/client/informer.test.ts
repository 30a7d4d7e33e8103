/**
 * Informer recovery, driven by a scripted transport: a 410 in the stream or at the
 * watch's start makes it list again and report the difference; a watch that just ends
 * is reopened from the last resourceVersion seen (bookmarks count).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/types.js';
import { Client } from './client.js';
import { ApiError } from './errors.js';
import { Informer } from './informer.js';
import type { Transport, TransportRequest, TransportResponse, WatchHandle, WatchHandlers } from './transport.js';

interface OpenWatch {
  query: TransportRequest['query'];
  handlers: WatchHandlers;
  stopped: boolean;
}

/** Answers lists from a script and hands each opened watch to the test. */
class ScriptedTransport implements Transport {
  readonly lists: Array<{ rv: string; items: KObject[] }> = [];
  readonly watches: OpenWatch[] = [];
  refuseNextWatch: ApiError | undefined;
  private waiters: Array<() => void> = [];

  async request(req: TransportRequest): Promise<TransportResponse> {
    assert.equal(req.method, 'GET');
    const next = this.lists.shift();
    if (!next) throw new Error('unexpected list');
    return { status: 200, body: { metadata: { resourceVersion: next.rv }, items: next.items }, warnings: [] };
  }

  async watch(req: Omit<TransportRequest, 'method' | 'body' | 'contentType'>, handlers: WatchHandlers): Promise<WatchHandle> {
    if (this.refuseNextWatch) {
      const err = this.refuseNextWatch;
      this.refuseNextWatch = undefined;
      throw err;
    }
    const w: OpenWatch = { query: req.query, handlers, stopped: false };
    this.watches.push(w);
    for (const wake of this.waiters.splice(0)) wake();
    return { stop: () => { w.stopped = true; } };
  }

  /** Resolves with the n-th watch (1-based) once it is open. */
  async nthWatch(n: number): Promise<OpenWatch> {
    while (this.watches.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.watches[n - 1]!;
  }

  close(): void {}
}

const obj = (name: string, rv: string): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', resourceVersion: rv } });

function record(informer: Informer): string[] {
  const seen: string[] = [];
  informer.addHandler({
    add: (o) => seen.push(`add ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
    update: (_old, o) => seen.push(`update ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
    delete: (o) => seen.push(`delete ${o.metadata?.name}`),
  });
  return seen;
}

function setUp(errors: unknown[] = []) {
  const transport = new ScriptedTransport();
  const resource = new Client(transport).resource({ group: '', version: 'v1', plural: 'configmaps', namespaced: true });
  const informer = new Informer(resource, { retryBaseMs: 1, onError: (err) => errors.push(err) });
  return { transport, informer };
}

describe('informer recovery', () => {
  it('lists again after a 410 in the stream and reports what changed meanwhile', async () => {
    const { transport, informer } = setUp();
    const seen = record(informer);
    transport.lists.push({ rv: '10', items: [obj('a', '5'), obj('b', '6')] });
    transport.lists.push({ rv: '13', items: [obj('a', '12'), obj('c', '13')] });
    informer.start();
    const first = await transport.nthWatch(1);
    assert.equal(first.query?.resourceVersion, '10');
    assert.equal(first.query?.allowWatchBookmarks, true);
    first.handlers.onEvent({ type: 'MODIFIED', object: obj('a', '11') as unknown as Record<string, unknown> });
    first.handlers.onEvent({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 11 (12)' } });
    const second = await transport.nthWatch(2);
    assert.ok(first.stopped);
    assert.equal(second.query?.resourceVersion, '13');
    assert.deepEqual(seen, ['add a@5', 'add b@6', 'update a@11', 'update a@12', 'add c@13', 'delete b']);
    assert.deepEqual(informer.list().map((o) => o.metadata?.name).sort(), ['a', 'c']);
    informer.stop();
  });

  it('lists again when the watch itself is refused with 410', async () => {
    const { transport, informer } = setUp();
    const seen = record(informer);
    transport.lists.push({ rv: '10', items: [obj('a', '5')] });
    transport.lists.push({ rv: '20', items: [] });
    transport.refuseNextWatch = new ApiError(410, 'Expired', 'too old resource version');
    informer.start();
    const watch = await transport.nthWatch(1);
    assert.equal(watch.query?.resourceVersion, '20');
    assert.deepEqual(seen, ['add a@5', 'delete a']);
    informer.stop();
  });

  it('reopens an ended watch from the last resourceVersion, bookmarks included, without listing', async () => {
    const errors: unknown[] = [];
    const { transport, informer } = setUp(errors);
    const seen = record(informer);
    transport.lists.push({ rv: '10', items: [] });
    informer.start();
    const first = await transport.nthWatch(1);
    first.handlers.onEvent({ type: 'ADDED', object: obj('a', '11') as unknown as Record<string, unknown> });
    first.handlers.onEvent({ type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '15' } } });
    first.handlers.onEnd();
    const second = await transport.nthWatch(2);
    assert.equal(second.query?.resourceVersion, '15');
    second.handlers.onEnd(new Error('connection reset'));
    const third = await transport.nthWatch(3);
    assert.equal(third.query?.resourceVersion, '15');
    assert.deepEqual(seen, ['add a@11']);
    assert.equal(errors.length, 1);
    assert.equal(transport.lists.length, 0);
    informer.stop();
  });

  it('backs off from watches that end at once with nothing, instead of spinning (client-go\'s very short watch)', async () => {
    const errors: unknown[] = [];
    const transport = new ScriptedTransport();
    const resource = new Client(transport).resource({ group: '', version: 'v1', plural: 'configmaps', namespaced: true });
    const informer = new Informer(resource, { retryBaseMs: 50, onError: (err) => errors.push(err) });
    transport.lists.push({ rv: '10', items: [] });
    informer.start();
    const ender = setInterval(() => { for (const w of transport.watches) if (!w.stopped) { w.stopped = true; w.handlers.onEnd(); } }, 0);
    await new Promise((r) => setTimeout(r, 400));
    clearInterval(ender);
    informer.stop();
    // 50, 100, 200 ms of back-off fit in 400 ms: a handful of watches, not thousands.
    assert.ok(transport.watches.length <= 5, `${transport.watches.length} watches opened in 400 ms`);
    assert.match(String(errors[0]), /very short watch: Unexpected watch close - watch lasted less than a second and no items received/);
  });

  it('keeps going when a handler throws', async () => {
    const errors: unknown[] = [];
    const { transport, informer } = setUp(errors);
    informer.addHandler({ add: () => { throw new Error('handler bug'); } });
    const seen = record(informer);
    transport.lists.push({ rv: '1', items: [obj('a', '1')] });
    informer.start();
    await informer.waitForSync();
    assert.deepEqual(seen, ['add a@1']);
    assert.match(String(errors[0]), /handler bug/);
    informer.stop();
  });
});
