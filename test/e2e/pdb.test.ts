/**
 * policy/v1 PodDisruptionBudgets through the real kubectl: `create pdb`, upstream's
 * columns, the status subresource, and the spec rules (not both bounds, percentages
 * up to 100%, unhealthyPodEvictionPolicy values).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestCluster } from '../support/cluster.js';

const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

describe('PodDisruptionBudgets', () => {
  const env = useTestCluster();

  it('kubectl creates one and shows upstream columns; status is its own subresource', async () => {
    const created = await env.cluster.kubectl(['create', 'pdb', 'web', '--selector=app=web', '--min-available=2']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /poddisruptionbudget.policy\/web created/);
    const pdb = (await env.client.request('GET', `${PDBS}/web`)).body;
    const status = await env.client.request('PUT', `${PDBS}/web/status`, { ...pdb, status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 } });
    assert.equal(status.status, 200, JSON.stringify(status.body));
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
