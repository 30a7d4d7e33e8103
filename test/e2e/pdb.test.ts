/**
 * policy/v1 PodDisruptionBudgets through the real kubectl: `create pdb`, upstream's
 * columns, the status the disruption controller keeps (in its own subresource), and the
 * spec rules (not both bounds, percentages up to 100%, unhealthyPodEvictionPolicy values).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestCluster } from '../support/cluster.js';

const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

describe('PodDisruptionBudgets', () => {
  const env = useTestCluster();

  it('kubectl creates one and shows upstream columns; the controller keeps its status, its own subresource', async () => {
    assert.equal((await env.client.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } })).status, 201);
    for (const name of ['web-1', 'web-2', 'web-3']) {
      const pod = await env.client.request('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } });
      assert.equal(pod.status, 201, JSON.stringify(pod.body));
      const ready = await env.client.request('PUT', `/api/v1/namespaces/default/pods/${name}/status`, { ...pod.body, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
    }
    const created = await env.cluster.kubectl(['create', 'pdb', 'web', '--selector=app=web', '--min-available=2']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /poddisruptionbudget.policy\/web created/);
    const waited = await env.cluster.kubectl(['wait', '--for=condition=DisruptionAllowed', 'pdb/web', '--timeout=30s']);
    assert.equal(waited.code, 0, waited.stderr);
    const { status } = (await env.client.request('GET', `${PDBS}/web`)).body;
    assert.deepEqual({ ...status, conditions: undefined }, { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, conditions: undefined });
    assert.deepEqual(status.conditions.map((c: { type: string; status: string; reason: string }) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'True', 'SufficientPods']]);
    const got = await env.cluster.kubectl(['get', 'pdb']);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\n/);
    assert.match(got.stdout, /\nweb\s+2\s+N\/A\s+1\s+\S+\n/);
    // A spec change through the main resource leaves the status alone.
    const patched = await env.client.request('PATCH', `${PDBS}/web`, { spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 9 } }, { contentType: 'application/merge-patch+json' });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.spec.minAvailable, '50%');
    assert.equal(patched.body.status.disruptionsAllowed, 1);
  });

  it('refuses what upstream refuses', async () => {
    const pdb = (spec: Record<string, unknown>) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'bad' }, spec: { selector: { matchLabels: { app: 'x' } }, ...spec } });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ minAvailable: 1, maxUnavailable: 1 }, /spec: Invalid value: .*minAvailable and maxUnavailable cannot be both set/],
      [{ maxUnavailable: '150%' }, /spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%/],
      [{ minAvailable: -1 }, /spec.minAvailable: Invalid value: -1: must be greater than or equal to 0/],
      [{ minAvailable: 1, unhealthyPodEvictionPolicy: 'Sometimes' }, /spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: "AlwaysAllow", "IfHealthyBudget"/],
    ];
    for (const [spec, message] of cases) {
      const res = await env.client.request('POST', PDBS, pdb(spec));
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.match(res.body.message, message);
    }
  });
});
