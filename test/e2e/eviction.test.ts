/**
 * pods/eviction against PodDisruptionBudgets, through the API and the real
 * `kubectl drain`: an eviction the budget allows takes one disruption and deletes the
 * pod; at zero it is a 429 that drain reports and retries; pods not running yet go
 * regardless. (No disruption controller yet: the test writes the budget's status.)
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { apiClient, type ApiClient, type Json } from '../support/api-client.js';

const PODS = '/api/v1/namespaces/default/pods';
const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
const evict = (name: string) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } });

describe('pods/eviction', () => {
  let cluster: TestCluster;
  let client: ApiClient;

  async function runningPod(name: string, node: string): Promise<void> {
    const created = await client.request('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }] } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const status = await client.request('PUT', `${PODS}/${name}/status`, { ...created.body, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    assert.equal(status.status, 200, JSON.stringify(status.body));
  }

  before(async () => {
    cluster = await startTestCluster();
    client = apiClient(cluster.kubeconfig);
    assert.equal((await client.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } })).status, 201);
    await runningPod('web-1', 'n1');
    await runningPod('web-2', 'n1');
    const pdb = await client.request('POST', PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } });
    assert.equal(pdb.status, 201);
    const withStatus: Json = { ...pdb.body, status: { observedGeneration: pdb.body.metadata.generation, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 } };
    assert.equal((await client.request('PUT', `${PDBS}/web/status`, withStatus)).status, 200);
  });
  after(async () => {
    client.close();
    await cluster.stop();
  });

  it('is listed in /api/v1 as policy/v1 Eviction, which kubectl drain looks for', async () => {
    const entry = (await client.request('GET', '/api/v1')).body.resources.find((r: { name: string }) => r.name === 'pods/eviction');
    assert.deepEqual({ group: entry.group, version: entry.version, kind: entry.kind, verbs: entry.verbs }, { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
  });

  it('takes a disruption from the budget, then refuses with 429 once none is left', async () => {
    const first = await client.request('POST', `${PODS}/web-1/eviction`, evict('web-1'));
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const evicted = (await client.request('GET', `${PODS}/web-1`)).body;
    assert.ok(evicted.metadata.deletionTimestamp, 'the evicted pod is terminating');
    const budget = (await client.request('GET', `${PDBS}/web`)).body;
    assert.equal(budget.status.disruptionsAllowed, 0);
    assert.ok(budget.status.disruptedPods['web-1']);

    const second = await client.request('POST', `${PODS}/web-2/eviction`, evict('web-2'));
    assert.equal(second.status, 429);
    assert.equal(second.body.reason, 'TooManyRequests');
    assert.equal(second.body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(second.body.details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 2 currently' }]);
    assert.equal((await client.request('GET', `${PODS}/web-2`)).body.metadata.deletionTimestamp, undefined);

    assert.equal((await client.request('POST', `${PODS}/web-2/eviction`, evict('other'))).status, 400);
    assert.equal((await client.request('GET', `${PODS}/web-2/eviction`)).status, 405);
  });

  it('kubectl drain cordons the node and reports the budget it cannot get past', async () => {
    const r = await cluster.kubectl(['drain', 'n1', '--force', '--timeout=2s', '--grace-period=1']);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /node\/n1 cordoned/);
    assert.match(r.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
    assert.equal((await client.request('GET', '/api/v1/nodes/n1')).body.spec.unschedulable, true);
  });

  it('lets a pod that is not running yet go regardless of budgets', async () => {
    assert.equal((await client.request('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-pending', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } })).status, 201);
    const res = await client.request('POST', `${PODS}/web-pending/eviction`, evict('web-pending'));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal((await client.request('GET', `${PODS}/web-pending`)).status, 404);
  });
});
