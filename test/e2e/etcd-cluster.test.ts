/**
 * Scale-out on etcd: two Skiff servers sharing one etcd behave as one cluster. A write
 * through either is read and watched (in revision order) through the other, optimistic
 * concurrency holds across them, bootstrapping and the namespace controller are safe when
 * both run at once, and kubectl works against the etcd backend.
 *
 * Both servers get the same credentials (CA, serving and admin certificates, tokens), so
 * one kubeconfig works against either, as it would behind a load balancer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterCredentials } from '../../src/pki/index.js';
import { etcdAvailable, startEtcd, type EtcdProcess } from '../../src/store/etcd/testing.js';
import { SYSTEM_NAMESPACES } from '../../src/apiserver/bootstrap.js';
import { apiClient, type ApiClient, type ApiResponse, type Json, type WatchEventLine } from '../support/api-client.js';
import { startServer, waitFor, type TestServer } from '../support/servers.js';

const skip = etcdAvailable() ? false : 'etcd is not installed (/usr/bin/etcd or $SKIFF_ETCD_BINARY); Debian: apt-get install etcd-server';
if (skip) console.error(`SKIPPED: ${skip}`);

function expectStatus(res: ApiResponse, code: number, what: string): Json {
  assert.equal(res.status, code, `${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const cm = (name: string, data: Record<string, string> = {}, extra: Json = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra }, data });

describe('two servers sharing one etcd', { skip }, () => {
  let etcd: EtcdProcess;
  let seed: string;
  let a: TestServer;
  let b: TestServer;
  let ca: ApiClient;
  let cb: ApiClient;

  before(async () => {
    etcd = await startEtcd();
    // One set of credentials for both, made before either starts so that both can start
    // at the same moment and race to bootstrap the cluster.
    seed = mkdtempSync(join(tmpdir(), 'skiff-e2e-seed-'));
    await ensureClusterCredentials({ dataDir: seed, ips: ['127.0.0.1'] });
    const endpoint = `etcd://${etcd.endpoint}`;
    const started = await Promise.allSettled([
      startServer({ datastoreEndpoint: endpoint, credentialsFrom: seed }),
      startServer({ datastoreEndpoint: endpoint, credentialsFrom: seed }),
    ]);
    for (const s of started) if (s.status === 'fulfilled') (a ? (b = s.value) : (a = s.value));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    ca = apiClient(a.kubeconfig);
    cb = apiClient(b.kubeconfig);
  });

  after(async () => {
    ca?.close();
    cb?.close();
    await Promise.allSettled([a?.destroy(), b?.destroy()]);
    await etcd?.stop();
    if (seed) rmSync(seed, { recursive: true, force: true });
  });

  it('both are healthy, on different ports, and accept each other\'s credentials', async () => {
    assert.notEqual(a.url, b.url);
    for (const c of [ca, cb]) assert.equal((await c.request('GET', '/readyz')).status, 200);
    // A's kubeconfig against B's URL: same CA, same admin certificate.
    const cross = apiClient(a.kubeconfig, { server: b.url });
    try {
      expectStatus(await cross.request('GET', '/api/v1/namespaces/default'), 200, 'A credentials on B');
    } finally {
      cross.close();
    }
  });

  it('has each system namespace exactly once, though both servers bootstrapped at once', async () => {
    const fromA = expectStatus(await ca.request('GET', '/api/v1/namespaces'), 200, 'list on A');
    const fromB = expectStatus(await cb.request('GET', '/api/v1/namespaces'), 200, 'list on B');
    for (const name of SYSTEM_NAMESPACES) {
      const inA = fromA.items.filter((n: Json) => n.metadata.name === name);
      const inB = fromB.items.filter((n: Json) => n.metadata.name === name);
      assert.equal(inA.length, 1, `${name} once on A`);
      assert.equal(inB.length, 1, `${name} once on B`);
      assert.equal(inA[0].metadata.uid, inB[0].metadata.uid, `${name}: one object`);
      assert.equal(inA[0].metadata.resourceVersion, inB[0].metadata.resourceVersion);
      assert.equal(inA[0].status.phase, 'Active');
    }
  });

  it('serves a write through A when read through B, in gets and lists', async () => {
    const created = expectStatus(await ca.request('POST', '/api/v1/namespaces/default/configmaps', cm('shared', { from: 'a' })), 201, 'create on A');
    const read = expectStatus(await cb.request('GET', '/api/v1/namespaces/default/configmaps/shared'), 200, 'get on B');
    assert.equal(read.metadata.uid, created.metadata.uid);
    assert.equal(read.metadata.resourceVersion, created.metadata.resourceVersion);
    assert.deepEqual(read.data, { from: 'a' });
    const list = expectStatus(await cb.request('GET', '/api/v1/namespaces/default/configmaps'), 200, 'list on B');
    assert.ok(list.items.some((i: Json) => i.metadata.uid === created.metadata.uid));
    assert.ok(Number(list.metadata.resourceVersion) >= Number(created.metadata.resourceVersion), 'list revision not older than the write');

    // And the other way round, with an update.
    const updated = expectStatus(await cb.request('PUT', '/api/v1/namespaces/default/configmaps/shared', { ...read, data: { from: 'b' } }), 200, 'update on B');
    const again = expectStatus(await ca.request('GET', '/api/v1/namespaces/default/configmaps/shared'), 200, 'get on A');
    assert.deepEqual(again.data, { from: 'b' });
    assert.equal(again.metadata.resourceVersion, updated.metadata.resourceVersion);
    expectStatus(await cb.request('DELETE', '/api/v1/namespaces/default/configmaps/shared'), 200, 'delete on B');
    expectStatus(await ca.request('GET', '/api/v1/namespaces/default/configmaps/shared'), 404, 'get on A after delete');
  });

  it('a watch on B sees writes made through A (and B) in revision order', async () => {
    expectStatus(await ca.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watched' } }), 201, 'namespace');
    const start = expectStatus(await cb.request('GET', '/api/v1/namespaces/watched/configmaps'), 200, 'list on B').metadata.resourceVersion;
    const onB: WatchEventLine[] = [];
    const onA: WatchEventLine[] = [];
    const wb = await cb.watch(`/api/v1/namespaces/watched/configmaps?resourceVersion=${start}`, (e) => onB.push(e));
    const wa = await ca.watch(`/api/v1/namespaces/watched/configmaps?resourceVersion=${start}`, (e) => onA.push(e));
    try {
      // Writes alternate between the servers; each returns the revision it committed at.
      const expected: Array<[string, string, string, string]> = [];
      const record = (type: string, body: Json) => expected.push([type, body.metadata.name, body.data?.n ?? '', body.metadata.resourceVersion]);
      let obj = expectStatus(await ca.request('POST', '/api/v1/namespaces/watched/configmaps', cm('seq', { n: '0' })), 201, 'create');
      record('ADDED', obj);
      for (let i = 1; i <= 6; i++) {
        const via = i % 2 ? cb : ca;
        obj = expectStatus(await via.request('PUT', '/api/v1/namespaces/watched/configmaps/seq', { ...obj, data: { n: String(i) } }), 200, `update ${i}`);
        record('MODIFIED', obj);
        const other = expectStatus(await (i % 2 ? ca : cb).request('POST', '/api/v1/namespaces/watched/configmaps', cm(`side-${i}`, { n: String(i) })), 201, `side ${i}`);
        record('ADDED', other);
      }
      const gone = expectStatus(await ca.request('DELETE', '/api/v1/namespaces/watched/configmaps/seq'), 200, 'delete');
      assert.equal(gone.kind, 'Status');
      expected.push(['DELETED', 'seq', '6', '']);

      await waitFor('all events on both watches', () => onB.length >= expected.length && onA.length >= expected.length, 15_000);
      const summary = (events: WatchEventLine[]) => events.map((e) => [e.type, e.object.metadata.name, e.object.data?.n ?? '', e.object.metadata.resourceVersion] as [string, string, string, string]);
      const fromB = summary(onB);
      // The delete's revision is only known from the event; it must come after everything else.
      expected[expected.length - 1][3] = fromB[fromB.length - 1][3];
      assert.deepEqual(fromB, expected);
      assert.deepEqual(summary(onA), expected);
      const revisions = fromB.map((e) => Number(e[3]));
      for (let i = 1; i < revisions.length; i++) assert.ok(revisions[i] > revisions[i - 1], `revisions increase: ${revisions.join(',')}`);
    } finally {
      wa.stop();
      wb.stop();
    }
  });

  it('optimistic concurrency holds across servers: of two updates at one resourceVersion exactly one wins', async () => {
    let current = expectStatus(await ca.request('POST', '/api/v1/namespaces/default/configmaps', cm('contended', { v: 'start' })), 201, 'create');
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([
        ca.request('PUT', '/api/v1/namespaces/default/configmaps/contended', { ...current, data: { v: `a${round}` } }),
        cb.request('PUT', '/api/v1/namespaces/default/configmaps/contended', { ...current, data: { v: `b${round}` } }),
      ]);
      const codes = results.map((r) => r.status).sort();
      assert.deepEqual(codes, [200, 409], `round ${round}: ${JSON.stringify(results.map((r) => r.body))}`);
      const winner = results.find((r) => r.status === 200)!.body;
      const loser = results.find((r) => r.status === 409)!.body;
      assert.equal(loser.kind, 'Status');
      assert.equal(loser.reason, 'Conflict');
      assert.equal(loser.message, 'Operation cannot be fulfilled on configmaps "contended": the object has been modified; please apply your changes to the latest version and try again');
      assert.deepEqual(loser.details, { name: 'contended', kind: 'configmaps' });
      // Both servers agree on the outcome.
      for (const c of [ca, cb]) {
        const now = expectStatus(await c.request('GET', '/api/v1/namespaces/default/configmaps/contended'), 200, 'read back');
        assert.deepEqual(now.data, winner.data);
        assert.equal(now.metadata.resourceVersion, winner.metadata.resourceVersion);
      }
      current = winner;
    }

    // Writes that do not pin a resourceVersion are retried on a fresh read instead of
    // failing: racing deletes of an object held by a finalizer both succeed (as upstream's
    // GuaranteedUpdate), and racing label patches both land.
    for (let round = 0; round < 5; round++) {
      const name = `held-${round}`;
      expectStatus(await ca.request('POST', '/api/v1/namespaces/default/configmaps', cm(name, {}, { finalizers: ['example.com/hold'] })), 201, 'create held');
      const deletes = await Promise.all([ca, cb, ca, cb].map((c) => c.request('DELETE', `/api/v1/namespaces/default/configmaps/${name}`)));
      for (const d of deletes) {
        expectStatus(d, 200, `round ${round}: racing delete`);
        assert.equal(d.body.kind, 'ConfigMap');
        assert.ok(d.body.metadata.deletionTimestamp);
      }
      const patches = await Promise.all([ca, cb, ca, cb].map((c, i) => c.request('PATCH', `/api/v1/namespaces/default/configmaps/${name}`, { metadata: { labels: { [`by-${i}`]: 'yes' } } }, { contentType: 'application/merge-patch+json' })));
      for (const p of patches) expectStatus(p, 200, `round ${round}: racing patch`);
      const labels = expectStatus(await cb.request('GET', `/api/v1/namespaces/default/configmaps/${name}`), 200, 'read').metadata.labels;
      assert.deepEqual(Object.keys(labels).sort(), ['by-0', 'by-1', 'by-2', 'by-3']);
      expectStatus(await ca.request('PATCH', `/api/v1/namespaces/default/configmaps/${name}`, { metadata: { finalizers: null } }, { contentType: 'application/merge-patch+json' }), 200, 'release');
      expectStatus(await cb.request('GET', `/api/v1/namespaces/default/configmaps/${name}`), 404, 'gone after release');
    }

    // Racing creates of one name: one is created, the other already exists.
    const creates = await Promise.all([
      ca.request('POST', '/api/v1/namespaces/default/configmaps', cm('raced', { by: 'a' })),
      cb.request('POST', '/api/v1/namespaces/default/configmaps', cm('raced', { by: 'b' })),
    ]);
    assert.deepEqual(creates.map((r) => r.status).sort(), [201, 409]);
    const exists = creates.find((r) => r.status === 409)!.body;
    assert.equal(exists.reason, 'AlreadyExists');
    assert.equal(exists.message, 'configmaps "raced" already exists');
  });

  it('deletes namespaces cleanly with the namespace controller running in both servers', async () => {
    const names = ['doomed-1', 'doomed-2', 'doomed-3'];
    for (const [i, ns] of names.entries()) {
      const via = i % 2 ? cb : ca;
      expectStatus(await via.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), 201, `create ${ns}`);
      for (let j = 0; j < 4; j++) expectStatus(await via.request('POST', `/api/v1/namespaces/${ns}/configmaps`, cm(`cm-${j}`, { j: String(j) })), 201, 'configmap');
      expectStatus(await via.request('POST', `/api/v1/namespaces/${ns}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { k: 'v' } }), 201, 'secret');
      expectStatus(await via.request('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
        spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
      }), 201, 'deployment');
    }
    // One namespace holds an object with a finalizer of ours: it must stay Terminating
    // (in both servers' view) until we release it.
    expectStatus(await ca.request('POST', '/api/v1/namespaces/doomed-1/configmaps', cm('held', {}, { finalizers: ['example.com/hold'] })), 201, 'held configmap');

    // All deleted at once, through both servers.
    const deletions = await Promise.all(names.map((ns, i) => (i % 2 ? ca : cb).request('DELETE', `/api/v1/namespaces/${ns}`)));
    for (const d of deletions) {
      expectStatus(d, 200, 'delete namespace');
      assert.equal(d.body.kind, 'Namespace');
      assert.equal(d.body.status.phase, 'Terminating');
    }

    const gone = async (c: ApiClient, ns: string) => (await c.request('GET', `/api/v1/namespaces/${ns}`)).status === 404;
    await waitFor('doomed-2 and doomed-3 to be gone on both servers', async () => {
      for (const ns of ['doomed-2', 'doomed-3']) for (const c of [ca, cb]) if (!(await gone(c, ns))) return false;
      return true;
    }, 30_000, 100);

    // doomed-1: everything but the held object is gone; the namespace waits.
    const held = await waitFor('doomed-1 to be emptied down to the held object', async () => {
      const left = expectStatus(await cb.request('GET', '/api/v1/namespaces/doomed-1/configmaps'), 200, 'list');
      const deps = expectStatus(await ca.request('GET', '/apis/apps/v1/namespaces/doomed-1/deployments'), 200, 'list');
      return left.items.length === 1 && deps.items.length === 0 ? left.items[0] : undefined;
    }, 30_000, 100);
    assert.equal(held.metadata.name, 'held');
    assert.ok(held.metadata.deletionTimestamp, 'the held object is marked for deletion');
    for (const c of [ca, cb]) {
      const ns = expectStatus(await c.request('GET', '/api/v1/namespaces/doomed-1'), 200, 'terminating namespace');
      assert.equal(ns.status.phase, 'Terminating');
    }
    expectStatus(await cb.request('PATCH', '/api/v1/namespaces/doomed-1/configmaps/held', { metadata: { finalizers: null } }, { contentType: 'application/merge-patch+json' }), 200, 'release');
    await waitFor('doomed-1 to be gone on both servers', async () => (await gone(ca, 'doomed-1')) && (await gone(cb, 'doomed-1')), 30_000, 100);

    // Nothing is left behind under any of them, and the names can be used again.
    for (const ns of names) {
      for (const path of [`/api/v1/namespaces/${ns}/configmaps`, `/api/v1/namespaces/${ns}/secrets`, `/apis/apps/v1/namespaces/${ns}/deployments`]) {
        assert.deepEqual(expectStatus(await ca.request('GET', path), 200, path).items, [], path);
      }
    }
    expectStatus(await cb.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed-1' } }), 201, 'recreate');
    const fresh = expectStatus(await ca.request('GET', '/api/v1/namespaces/doomed-1'), 200, 'recreated');
    assert.equal(fresh.status.phase, 'Active');
  });

  it('kubectl applies, gets and deletes against a server on etcd', async () => {
    const manifest = `apiVersion: v1
kind: Namespace
metadata:
  name: smoke
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: smoke
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: smoke
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;
    const applied = await a.kubectl(['apply', '-f', '-'], { input: manifest });
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.stdout, 'namespace/smoke created\nconfigmap/settings created\ndeployment.apps/web created\n');

    // Read back through the other server.
    const got = await b.kubectl(['get', 'deployment', 'web', '-n', 'smoke', '-o', 'json']);
    assert.equal(got.code, 0, got.stderr);
    const dep = JSON.parse(got.stdout);
    assert.equal(dep.spec.replicas, 2);
    assert.ok(dep.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    const table = await b.kubectl(['get', 'configmaps', '-n', 'smoke']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^NAME\s+DATA\s+AGE\n/);
    assert.match(table.stdout, /\nsettings\s+1\s+\S+\n/);

    const reapplied = await a.kubectl(['apply', '-f', '-'], { input: manifest.replace('mode: fast', 'mode: slow') });
    assert.equal(reapplied.code, 0, reapplied.stderr);
    assert.equal(reapplied.stdout, 'namespace/smoke unchanged\nconfigmap/settings configured\ndeployment.apps/web unchanged\n');

    // Contents first: deleting the namespace first would race its controller for them.
    const deleted = await a.kubectl(['delete', 'deployment/web', 'configmap/settings', '-n', 'smoke']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, 'deployment.apps "web" deleted\nconfigmap "settings" deleted\n');
    // kubectl waits until the namespace is really gone (the controller finalizes it).
    const nsDeleted = await b.kubectl(['delete', 'namespace', 'smoke', '--timeout=30s'], { timeoutMs: 45_000 });
    assert.equal(nsDeleted.code, 0, nsDeleted.stderr);
    assert.equal(nsDeleted.stdout, 'namespace "smoke" deleted\n');
    const after = await b.kubectl(['get', 'namespace', 'smoke']);
    assert.notEqual(after.code, 0);
    assert.match(after.stderr, /Error from server \(NotFound\): namespaces "smoke" not found/);
  });
});
