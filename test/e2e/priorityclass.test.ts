/**
 * scheduling.k8s.io/v1 PriorityClasses: the two system classes exist from the first
 * start, kubectl shows upstream's columns, and the rules on names, values and updates
 * answer as upstream's validation does.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestCluster } from '../support/cluster.js';

const PCS = '/apis/scheduling.k8s.io/v1/priorityclasses';
const pc = (name: string, value: number, extra: Record<string, unknown> = {}) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });

describe('PriorityClasses', () => {
  const env = useTestCluster();

  it('has the system classes from the first start, shown with upstream columns', async () => {
    const r = await env.cluster.kubectl(['get', 'pc']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY$/);
    assert.match(r.stdout, /system-cluster-critical\s+2000000000\s+false\s+\S+\s+PreemptLowerPriority/);
    assert.match(r.stdout, /system-node-critical\s+2000001000\s+false\s+\S+\s+PreemptLowerPriority/);
  });

  it('creates user classes with defaults and refuses what upstream refuses', async () => {
    const created = await env.client.request('POST', PCS, pc('high', 1000, { description: 'important' }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.preemptionPolicy, 'PreemptLowerPriority');
    const refused: Array<[unknown, RegExp]> = [
      [pc('too-high', 1_000_000_001), /value: Forbidden: maximum allowed value of a user defined priority is 1000000000/],
      [pc('system-mine', 5), /metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class/],
      [pc('bad-policy', 5, { preemptionPolicy: 'Sometimes' }), /preemptionPolicy: Unsupported value: "Sometimes": supported values: "Never", "PreemptLowerPriority"/],
      [{ ...pc('no-value', 0), value: undefined }, /value: Required value/],
    ];
    for (const [body, message] of refused) {
      const res = await env.client.request('POST', PCS, body);
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.match(res.body.message, message);
    }
    const changed = await env.client.request('PUT', `${PCS}/high`, { ...created.body, value: 2000 });
    assert.equal(changed.status, 422);
    assert.match(changed.body.message, /value: Forbidden: may not be changed in an update/);
    const described = await env.client.request('PUT', `${PCS}/high`, { ...created.body, description: 'still important' });
    assert.equal(described.status, 200, JSON.stringify(described.body));
  });

  it('gives pods the priority of their class, or of the global default, and refuses what does not add up', async () => {
    const PODS = '/api/v1/namespaces/default/pods';
    const pod = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } });
    const critical = await env.client.request('POST', PODS, pod('critical', { priorityClassName: 'system-node-critical' }));
    assert.equal(critical.status, 201, JSON.stringify(critical.body));
    assert.equal(critical.body.spec.priority, 2000001000);
    assert.equal(critical.body.spec.preemptionPolicy, 'PreemptLowerPriority');
    const plain = await env.client.request('POST', PODS, pod('plain'));
    assert.equal(plain.body.spec.priority, 0);
    assert.equal(plain.body.spec.priorityClassName, undefined);

    assert.equal((await env.client.request('POST', PCS, pc('default-low', 10, { globalDefault: true, preemptionPolicy: 'Never' }))).status, 201);
    const second = await env.client.request('POST', PCS, pc('default-two', 20, { globalDefault: true }));
    assert.equal(second.status, 403);
    assert.equal(second.body.message, 'priorityclasses.scheduling.k8s.io "default-two" is forbidden: PriorityClass default-low is already marked as default. Only one default can exist');
    const defaulted = await env.client.request('POST', PODS, pod('defaulted'));
    assert.equal(defaulted.body.spec.priorityClassName, 'default-low');
    assert.equal(defaulted.body.spec.priority, 10);
    assert.equal(defaulted.body.spec.preemptionPolicy, 'Never');

    const missing = await env.client.request('POST', PODS, pod('missing', { priorityClassName: 'nope' }));
    assert.equal(missing.status, 403);
    assert.equal(missing.body.message, 'pods "missing" is forbidden: no PriorityClass with name nope was found');
    const mismatch = await env.client.request('POST', PODS, pod('mismatch', { priorityClassName: 'high', priority: 5 }));
    assert.equal(mismatch.status, 403);
    assert.match(mismatch.body.message, /the integer value of priority \(5\) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name/);
  });

  it('keeps a single default on updates too, and the system classes undeletable', async () => {
    // (default-low became the global default in the previous case)
    const high = (await env.client.request('GET', `${PCS}/high`)).body;
    const marked = await env.client.request('PUT', `${PCS}/high`, { ...high, globalDefault: true });
    assert.equal(marked.status, 403);
    assert.equal(marked.body.message, 'priorityclasses.scheduling.k8s.io "high" is forbidden: PriorityClass default-low is already marked as default. Only one default can exist');
    const patched = await env.client.request('PATCH', `${PCS}/high`, { globalDefault: true }, { contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 403);
    const stillDefault = await env.client.request('PATCH', `${PCS}/default-low`, { description: 'the default' }, { contentType: 'application/merge-patch+json' });
    assert.equal(stillDefault.status, 200, JSON.stringify(stillDefault.body));

    const system = await env.client.request('DELETE', `${PCS}/system-node-critical`);
    assert.equal(system.status, 403);
    assert.equal(system.body.message, 'priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted');
    assert.equal((await env.client.request('GET', `${PCS}/system-node-critical`)).status, 200);
    assert.equal((await env.client.request('DELETE', `${PCS}/high`)).status, 200);
    // kubectl deletes one by one: the user classes go, the system ones are refused (as upstream);
    // a deletecollection leaves them out.
    const all = await env.cluster.kubectl(['delete', 'pc', '--all']);
    assert.match(all.stderr, /"system-node-critical" is forbidden: this is a system priority class and cannot be deleted/);
    assert.equal((await env.client.request('DELETE', PCS)).status, 200);
    const left = (await env.client.request('GET', PCS)).body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort();
    assert.deepEqual(left, ['system-cluster-critical', 'system-node-critical']);
  });
});
