/**
 * The client against a real API server (in this process, over HTTPS): every verb, the
 * Status of a refusal as an ApiError, paged lists, and an informer following creates,
 * updates and deletes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KObject } from '../api/types.js';
import type { Cluster } from '../cli/cluster.js';
import { startInProcessCluster, type InProcessCluster } from '../testing/in-process.js';
import { Client, type ResourceClient } from './client.js';
import { ApiError, isAlreadyExists, isConflict, isNotFound } from './errors.js';
import { HttpsTransport } from './https.js';
import { Informer } from './informer.js';
import { loadKubeconfig } from './kubeconfig.js';
import { renderKubeconfig } from '../pki/kubeconfig.js';
import { writeFileSync } from 'node:fs';

describe('client over HTTPS', () => {
  let env: InProcessCluster;
  let dir: string;
  let cluster: Cluster;
  let client: Client;
  let configMaps: ResourceClient;
  const cm = (name: string, data: Record<string, string> = {}): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

  before(async () => {
    env = await startInProcessCluster('client');
    ({ dir, cluster, client } = env);
    configMaps = client.resource({ group: '', version: 'v1', plural: 'configmaps', namespaced: true });
  });
  after(async () => {
    await env.stop();
  });

  it('creates, reads, updates, patches and deletes', async () => {
    const created = await configMaps.create(cm('one', { a: '1' }), { fieldManager: 'test' });
    assert.equal(created.metadata?.namespace, 'default');
    assert.ok(created.metadata?.resourceVersion);
    const got = await configMaps.get('one', 'default');
    assert.deepEqual(got.data, { a: '1' });
    const updated = await configMaps.update({ ...got, data: { a: '2' } });
    assert.deepEqual(updated.data, { a: '2' });
    await assert.rejects(configMaps.update({ ...got, data: { a: '3' } }), isConflict);
    const patched = await configMaps.patch('one', 'default', 'merge', { data: { b: 'x' } });
    assert.deepEqual(patched.data, { a: '2', b: 'x' });
    const applied = await configMaps.patch('one', 'default', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' }, data: { c: 'y' } }, { fieldManager: 'applier', force: true });
    assert.equal((applied.data as Record<string, string>).c, 'y');
    await configMaps.delete('one', 'default');
    await assert.rejects(configMaps.get('one', 'default'), isNotFound);
  });

  it('turns refusals into ApiErrors with the server Status', async () => {
    await configMaps.create(cm('dup'));
    await assert.rejects(configMaps.create(cm('dup')), (err: unknown) => isAlreadyExists(err) && (err as ApiError).details?.name === 'dup');
    await assert.rejects(configMaps.create({ ...cm('Bad_Name') }), (err: unknown) => err instanceof ApiError && err.status === 422 && err.reason === 'Invalid');
    const nope = client.resource({ group: 'nope.example.com', version: 'v1', plural: 'things', namespaced: true });
    await assert.rejects(nope.list('default'), isNotFound);
  });

  it('lists in pages at one resourceVersion', async () => {
    for (let i = 0; i < 12; i++) await configMaps.create({ ...cm(`page-${String(i).padStart(2, '0')}`), metadata: { name: `page-${String(i).padStart(2, '0')}`, namespace: 'default', labels: { paged: 'yes' } } });
    const page = await configMaps.list('default', { labelSelector: 'paged=yes', limit: 5 });
    assert.equal(page.items.length, 5);
    assert.ok(page.metadata.continue);
    const all = await configMaps.listAll('default', { labelSelector: 'paged=yes', limit: 5 });
    assert.deepEqual(all.items.map((o) => o.metadata?.name), Array.from({ length: 12 }, (_, i) => `page-${String(i).padStart(2, '0')}`));
  });

  it('informer: syncs, then follows adds, updates and deletes; late handlers get the cache', async () => {
    const informer = new Informer(configMaps, { namespace: 'default', labelSelector: 'team=a', onError: (err) => assert.fail(String(err)) }).start();
    const seen: string[] = [];
    let wake = () => {};
    informer.addHandler({
      add: (o) => { seen.push(`add ${o.metadata?.name}`); wake(); },
      update: (_old, o) => { seen.push(`update ${o.metadata?.name} ${(o.data as Record<string, string>).v}`); wake(); },
      delete: (o) => { seen.push(`delete ${o.metadata?.name}`); wake(); },
    });
    const until = (n: number) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`saw only ${JSON.stringify(seen)}`)), 10_000);
      wake = () => { if (seen.length >= n) { clearTimeout(timer); resolve(); } };
      wake();
    });
    const labelled = (name: string, v: string): KObject => ({ ...cm(name, { v }), metadata: { name, namespace: 'default', labels: { team: 'a' } } });
    try {
      await configMaps.create(labelled('before', '0'));
      // created before the informer synced or after: either way it is seen once, as an add
      await informer.waitForSync();
      await until(1);
      const x = await configMaps.create(labelled('x', '1'));
      await configMaps.create(cm('unlabelled'));
      await configMaps.update({ ...x, data: { v: '2' } });
      await configMaps.delete('x', 'default');
      await until(4);
      assert.deepEqual(seen, ['add before', 'add x', 'update x 2', 'delete x']);
      assert.deepEqual(informer.list('default').map((o) => o.metadata?.name), ['before']);
      assert.equal((informer.get('before', 'default')?.data as Record<string, string>).v, '0');
      const late: string[] = [];
      informer.addHandler({ add: (o) => late.push(o.metadata!.name!) });
      assert.deepEqual(late, ['before']);
    } finally {
      informer.stop();
    }
  });

  it('connects from a kubeconfig: the one the server wrote (client certificate) and one with a token', async () => {
    const fromFile = await loadKubeconfig(cluster.kubeconfigPath);
    assert.equal(fromFile.namespace, 'default');
    const viaCert = new Client(new HttpsTransport(fromFile.transport));
    const token = readFileSync(join(dir, 'tls', 'tokens.csv'), 'utf8').split(',')[0]!;
    const tokenConfig = join(dir, 'token-kubeconfig.yaml');
    writeFileSync(tokenConfig, renderKubeconfig({ server: cluster.api.url, caCert: readFileSync(join(dir, 'tls', 'ca.crt'), 'utf8'), token, namespace: 'kube-system' }));
    const fromToken = await loadKubeconfig(tokenConfig);
    assert.equal(fromToken.namespace, 'kube-system');
    const viaToken = new Client(new HttpsTransport(fromToken.transport));
    try {
      for (const c of [viaCert, viaToken]) {
        const namespaces = await c.resource({ group: '', version: 'v1', plural: 'namespaces', namespaced: false }).list();
        assert.ok(namespaces.items.some((n) => n.metadata?.name === 'kube-system'));
      }
      await assert.rejects(loadKubeconfig(tokenConfig, { context: 'nope' }), /context "nope" not found/);
    } finally {
      viaCert.close();
      viaToken.close();
    }
  });
});
