/**
 * scheduling.k8s.io/v1 PriorityClasses: the two system classes exist from the first
 * start, kubectl shows upstream's columns, and the rules on names, values and updates
 * answer as upstream's validation does.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { apiClient, type ApiClient } from '../support/api-client.js';

const PCS = '/apis/scheduling.k8s.io/v1/priorityclasses';
const pc = (name: string, value: number, extra: Record<string, unknown> = {}) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });

describe('PriorityClasses', () => {
  let cluster: TestCluster;
  let client: ApiClient;
  before(async () => {
    cluster = await startTestCluster();
    client = apiClient(cluster.kubeconfig);
  });
  after(async () => {
    client.close();
    await cluster.stop();
  });

  it('has the system classes from the first start, shown with upstream columns', async () => {
    const r = await cluster.kubectl(['get', 'pc']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY$/);
    assert.match(r.stdout, /system-cluster-critical\s+2000000000\s+false\s+\S+\s+PreemptLowerPriority/);
    assert.match(r.stdout, /system-node-critical\s+2000001000\s+false\s+\S+\s+PreemptLowerPriority/);
  });

  it('creates user classes with defaults and refuses what upstream refuses', async () => {
    const created = await client.request('POST', PCS, pc('high', 1000, { description: 'important' }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.preemptionPolicy, 'PreemptLowerPriority');
    const refused: Array<[unknown, RegExp]> = [
      [pc('too-high', 1_000_000_001), /value: Forbidden: maximum allowed value of a user defined priority is 1000000000/],
      [pc('system-mine', 5), /metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class/],
      [pc('bad-policy', 5, { preemptionPolicy: 'Sometimes' }), /preemptionPolicy: Unsupported value: "Sometimes": supported values: "Never", "PreemptLowerPriority"/],
      [{ ...pc('no-value', 0), value: undefined }, /value: Required value/],
    ];
    for (const [body, message] of refused) {
      const res = await client.request('POST', PCS, body);
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.match(res.body.message, message);
    }
    const changed = await client.request('PUT', `${PCS}/high`, { ...created.body, value: 2000 });
    assert.equal(changed.status, 422);
    assert.match(changed.body.message, /value: Forbidden: may not be changed in an update/);
    const described = await client.request('PUT', `${PCS}/high`, { ...created.body, description: 'still important' });
    assert.equal(described.status, 200, JSON.stringify(described.body));
  });
});
