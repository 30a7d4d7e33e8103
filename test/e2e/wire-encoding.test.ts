/**
 * The fast paths of LIST and watch (items printed from the stored text, one watch line
 * shared by every watcher) must say exactly what the object paths say: every listed item
 * equals a GET of it, page by page and with selectors; every watch event carries the
 * object a GET returned after that change, with and without selectors.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiClient, type ApiClient, type ApiResponse, type Json, type WatchEventLine } from '../support/api-client.js';
import { startServer, waitFor, type TestServer } from '../support/servers.js';

function ok(res: ApiResponse, code: number, what: string): Json {
  assert.equal(res.status, code, `${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const NS = 'wire';
const path = `/api/v1/namespaces/${NS}/configmaps`;

describe('LIST and watch on the stored-text paths', () => {
  let server: TestServer;
  let api: ApiClient;

  before(async () => {
    server = await startServer();
    api = apiClient(server.kubeconfig);
    ok(await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }), 201, 'namespace');
    for (let i = 0; i < 23; i++) {
      ok(await api.request('POST', path, {
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: `cm-${String(i).padStart(2, '0')}`, labels: { parity: i % 2 ? 'odd' : 'even' }, annotations: { note: 'quote " brace } bracket ] ü 🚢' } },
        data: { i: String(i), json: '{"metadata":{"resourceVersion":"1"}} \\"' },
      }), 201, `create ${i}`);
    }
    // Different revisions per item: update one.
    const cm = ok(await api.request('GET', `${path}/cm-04`), 200, 'get');
    ok(await api.request('PUT', `${path}/cm-04`, { ...cm, data: { changed: 'yes' } }), 200, 'update');
  });

  after(async () => {
    api?.close();
    await server?.destroy();
  });

  it('every listed item is what a GET of it returns, across pages and selectors', async () => {
    for (const query of ['', '?limit=5', '?labelSelector=parity%3Dodd', '?labelSelector=parity%3Deven&limit=4', '?fieldSelector=metadata.name%21%3Dcm-07&limit=9']) {
      const seen: string[] = [];
      let next: string | undefined = `${path}${query}`;
      for (let page = 0; next && page < 20; page++) {
        const list = ok(await api.request('GET', next), 200, `list ${next}`);
        assert.equal(list.kind, 'ConfigMapList');
        assert.equal(list.apiVersion, 'v1');
        assert.match(list.metadata.resourceVersion, /^\d+$/);
        for (const item of list.items) {
          assert.deepEqual(item, ok(await api.request('GET', `${path}/${item.metadata.name}`), 200, 'get'), `item ${item.metadata.name} via ${next}`);
          seen.push(item.metadata.name);
        }
        next = list.metadata.continue ? `${path}${query}${query ? '&' : '?'}continue=${encodeURIComponent(list.metadata.continue)}` : undefined;
      }
      const expected = Array.from({ length: 23 }, (_, i) => `cm-${String(i).padStart(2, '0')}`)
        .filter((_, i) => (query.includes('odd') ? i % 2 === 1 : query.includes('even') ? i % 2 === 0 : true))
        .filter((name) => !(query.includes('fieldSelector') && name === 'cm-07'));
      assert.deepEqual(seen, expected, query);
    }
  });

  it('watch events carry the objects GET returns, with and without selectors', async () => {
    const start = ok(await api.request('GET', `${path}?limit=1`), 200, 'list').metadata.resourceVersion;
    const all: WatchEventLine[] = [];
    const odd: WatchEventLine[] = [];
    const initial: WatchEventLine[] = [];
    const w1 = await api.watch(`${path}?resourceVersion=${start}`, (e) => all.push(e));
    const w2 = await api.watch(`${path}?resourceVersion=${start}&labelSelector=parity%3Dodd`, (e) => odd.push(e));
    // No resourceVersion: the current state first, as ADDED events.
    const w3 = await api.watch(`${path}?labelSelector=parity%3Dodd`, (e) => initial.push(e));
    try {
      await waitFor('the initial ADDED events', () => initial.length >= 11);
      for (const e of initial) {
        assert.equal(e.type, 'ADDED');
        assert.deepEqual(e.object, ok(await api.request('GET', `${path}/${e.object.metadata.name}`), 200, 'get'));
      }

      const created = ok(await api.request('POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fresh', labels: { parity: 'odd' } }, data: { a: '"b"' } }), 201, 'create');
      const current = ok(await api.request('GET', `${path}/cm-01`), 200, 'get');
      // cm-01 leaves the odd selection: DELETED there (with the new state), MODIFIED for all.
      const moved = ok(await api.request('PUT', `${path}/cm-01`, { ...current, metadata: { ...current.metadata, labels: { parity: 'even' } } }), 200, 'relabel');
      const gone = ok(await api.request('DELETE', `${path}/cm-03`), 200, 'delete');
      await waitFor('all events', () => all.length >= 3 && odd.length >= 3);

      assert.deepEqual(all.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'fresh'], ['MODIFIED', 'cm-01'], ['DELETED', 'cm-03']]);
      assert.deepEqual(odd.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'fresh'], ['DELETED', 'cm-01'], ['DELETED', 'cm-03']]);
      assert.deepEqual(all[0].object, created);
      assert.deepEqual(all[1].object, moved);
      assert.deepEqual(odd[1].object, moved);
      assert.deepEqual(odd[0].object, all[0].object);
      // A deleted object carries the delete's revision, beyond its last write's.
      assert.equal(all[2].object.metadata.name, 'cm-03');
      assert.equal(all[2].object.metadata.uid, gone.metadata?.uid ?? gone.details?.uid);
      assert.ok(Number(all[2].object.metadata.resourceVersion) > Number(moved.metadata.resourceVersion));
    } finally {
      w1.stop();
      w2.stop();
      w3.stop();
    }
  });
});
