/**
 * pods/binding, as a scheduler uses it: assigns an unbound pod once, records
 * PodScheduled=True and the binding's annotations, refuses a second binding, a pod
 * being deleted and malformed bindings with upstream's codes; discovery lists it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestCluster } from '../support/cluster.js';

const POD = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, ...extra }, spec: { containers: [{ name: 'c', image: 'busybox' }] },
});
const binding = (name: string, node: string, meta: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name, ...meta }, target: { apiVersion: 'v1', kind: 'Node', name: node } });
const PODS = '/api/v1/namespaces/default/pods';

describe('pods/binding', () => {
  const env = useTestCluster();

  it('binds an unbound pod once', async () => {
    assert.equal((await env.client.request('POST', PODS, POD('web'))).status, 201);
    const bound = await env.client.request('POST', `${PODS}/web/binding`, binding('web', 'node-a', { annotations: { 'scheduler.example/score': '7' } }));
    assert.equal(bound.status, 201, JSON.stringify(bound.body));
    assert.equal(bound.body.kind, 'Status');
    assert.equal(bound.body.status, 'Success');
    const pod = (await env.client.request('GET', `${PODS}/web`)).body;
    assert.equal(pod.spec.nodeName, 'node-a');
    assert.equal(pod.metadata.annotations['scheduler.example/score'], '7');
    const scheduled = pod.status.conditions.find((c: { type: string }) => c.type === 'PodScheduled');
    assert.equal(scheduled.status, 'True');
    assert.match(scheduled.lastTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const again = await env.client.request('POST', `${PODS}/web/binding`, binding('web', 'node-b'));
    assert.equal(again.status, 409);
    assert.equal(again.body.reason, 'Conflict');
    assert.equal(again.body.message, 'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "node-a"');
    assert.equal((await env.client.request('GET', `${PODS}/web`)).body.spec.nodeName, 'node-a');
  });

  it('refuses what upstream refuses', async () => {
    assert.equal((await env.client.request('POST', PODS, POD('other'))).status, 201);
    const cases: Array<[unknown, number, RegExp]> = [
      [binding('not-other', 'n'), 400, /name in URL does not match name in Binding object/],
      [{ ...binding('other', 'n'), target: { kind: 'Pod', name: 'n' } }, 422, /target\.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"/],
      [{ ...binding('other', ''), target: {} }, 422, /target\.name: Required value/],
      [binding('other', 'n', { namespace: 'kube-system' }), 400, /does not match the namespace/],
      [binding('other', 'n', { uid: 'not-the-uid' }), 409, /Precondition failed: UID in precondition: not-the-uid/],
    ];
    for (const [body, status, message] of cases) {
      const res = await env.client.request('POST', `${PODS}/other/binding`, body);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(res.body.message, message);
    }
    assert.equal((await env.client.request('POST', `${PODS}/missing/binding`, binding('missing', 'n'))).status, 404);
    assert.equal((await env.client.request('GET', `${PODS}/other/binding`)).status, 405);
    assert.equal((await env.client.request('GET', `${PODS}/other`)).body.spec.nodeName, undefined);
  });

  it('refuses a pod that is being deleted, and honours dry run', async () => {
    assert.equal((await env.client.request('POST', PODS, POD('held', { finalizers: ['example.com/hold'] }))).status, 201);
    const dry = await env.client.request('POST', `${PODS}/held/binding?dryRun=All`, binding('held', 'node-a'));
    assert.equal(dry.status, 201);
    assert.equal((await env.client.request('GET', `${PODS}/held`)).body.spec.nodeName, undefined);
    assert.equal((await env.client.request('DELETE', `${PODS}/held`)).status, 200);
    const res = await env.client.request('POST', `${PODS}/held/binding`, binding('held', 'node-a'));
    assert.equal(res.status, 409);
    assert.match(res.body.message, /pod held is being deleted, cannot be assigned to a host/);
    await env.client.request('PATCH', `${PODS}/held`, { metadata: { finalizers: null } }, { contentType: 'application/merge-patch+json' });
  });

  it('is listed in discovery as a create-only subresource of pods', async () => {
    const res = await env.client.request('GET', '/api/v1');
    const entry = res.body.resources.find((r: { name: string }) => r.name === 'pods/binding');
    assert.ok(entry, 'pods/binding missing from /api/v1');
    assert.deepEqual(entry.verbs, ['create']);
    assert.equal(entry.kind, 'Binding');
  });
});
