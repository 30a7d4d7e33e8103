/**
 * The loopback transport: a component in the API server's process reaches it over
 * in-memory connections, with the same client API as HTTPS — requests, errors as
 * ApiErrors, watches that stream and end when the server stops.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/types.js';
import { startInProcessCluster, type InProcessCluster } from '../testing/in-process.js';
import { Client } from './client.js';
import { isNotFound } from './errors.js';
import { HttpsTransport } from './https.js';
import { Informer } from './informer.js';
import { resources } from './resources.js';

describe('loopback transport', () => {
  let env: InProcessCluster;
  let client: Client;
  before(async () => {
    env = await startInProcessCluster('loopback', { controllers: [] });
    client = new Client(new HttpsTransport({ connect: () => env.cluster.api.connectLoopback(), userAgent: 'loopback-test' }));
  });
  after(async () => {
    client.close();
    await env.stop();
  });

  it('creates, reads, lists and refuses as over HTTPS', async () => {
    const configmaps = client.resource(resources.configmaps);
    const created = await configmaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: { k: 'v' } } as KObject);
    assert.ok(created.metadata?.uid);
    assert.equal((await configmaps.get('a', 'default')).metadata?.uid, created.metadata?.uid);
    // Many requests at once share a few keep-alive connections.
    await Promise.all(Array.from({ length: 50 }, (_, i) => configmaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `m${i}`, namespace: 'default' } } as KObject)));
    assert.equal((await configmaps.list('default')).items.filter((c) => c.metadata?.name?.startsWith('m')).length, 50);
    await assert.rejects(configmaps.get('missing', 'default'), (err) => isNotFound(err));
    // Who the server thinks we are: the loopback identity.
    const review = await client.transport.request({ method: 'POST', path: '/apis/authentication.k8s.io/v1/selfsubjectreviews', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    assert.equal((review.body as { status: { userInfo: { username: string } } }).status.userInfo.username, 'system:skiff-loopback');
  });

  it('streams watches into an informer', async () => {
    const secrets = client.resource(resources.secrets);
    const informer = new Informer(secrets, { namespace: 'default' }).start();
    await informer.waitForSync();
    const seen = new Promise<void>((resolve) => informer.addHandler({ add: (s) => { if (s.metadata?.name === 'w') resolve(); } }));
    await secrets.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'w', namespace: 'default' }, stringData: { a: 'b' } } as KObject);
    await seen;
    informer.stop();
  });
});
