/**
 * pods/eviction against PodDisruptionBudgets, through the API and the real
 * `kubectl drain`: an eviction the budget allows takes one disruption and deletes the
 * pod; at zero it is a 429 that drain reports and retries; pods not running yet go
 * regardless. The disruption controller keeps the budgets' status; with it, the
 * scheduler, the ReplicaSet controller and simulated nodes, `kubectl drain` moves a
 * Deployment's pods off a node one disruption at a time.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { apiClient, type ApiClient } from '../support/api-client.js';

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
    cluster = await startTestCluster({ simulatedNodes: 2 });
    client = apiClient(cluster.kubeconfig);
    assert.equal((await client.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } })).status, 201);
    await runningPod('web-1', 'n1');
    await runningPod('web-2', 'n1');
    const pdb = await client.request('POST', PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } });
    assert.equal(pdb.status, 201);
    // The disruption controller counts the two Ready pods: one may go.
    await kubectlOk(['wait', '--for=jsonpath={.status.disruptionsAllowed}=1', 'pdb/web', '--timeout=30s']);
  });
  after(async () => {
    client.close();
    await cluster.stop();
  });

  async function kubectlOk(args: string[]): Promise<string> {
    const r = await cluster.kubectl(args, { timeoutMs: 90_000 });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout;
  }

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
    // The controller sees web-1 terminating (n1 has no kubelet to finish it): one healthy pod, as the budget needs.
    await kubectlOk(['wait', '--for=jsonpath={.status.currentHealthy}=1', 'pdb/web', '--timeout=30s']);
    assert.equal((await client.request('GET', `${PDBS}/web`)).body.status.disruptedPods, undefined, 'the eviction, seen through, is forgotten');

    const second = await client.request('POST', `${PODS}/web-2/eviction`, evict('web-2'));
    assert.equal(second.status, 429);
    assert.equal(second.body.reason, 'TooManyRequests');
    assert.equal(second.body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.deepEqual(second.body.details.causes, [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 1 currently' }]);
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
    // A scheduler nobody runs: the pod stays Pending and unbound (so it is deleted at once).
    assert.equal((await client.request('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-pending', labels: { app: 'web' } }, spec: { schedulerName: 'nobody', containers: [{ name: 'c', image: 'busybox' }] } })).status, 201);
    const res = await client.request('POST', `${PODS}/web-pending/eviction`, evict('web-pending'));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal((await client.request('GET', `${PODS}/web-pending`)).status, 404);
  });

  it('kubectl drain moves a Deployment\'s pods off a node within its budget', async () => {
    await kubectlOk(['create', 'deployment', 'drained', '--image=nginx', '--replicas=2']);
    await kubectlOk(['create', 'pdb', 'drained', '--selector=app=drained', '--min-available=1']);
    await kubectlOk(['rollout', 'status', 'deployment/drained', '--timeout=60s']);
    await kubectlOk(['wait', '--for=jsonpath={.status.disruptionsAllowed}=1', 'pdb/drained', '--timeout=30s']);
    const nodeOf = async () => (await kubectlOk(['get', 'pods', '-l', 'app=drained', '--field-selector=status.phase=Running', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}{"\\n"}{end}'])).trim().split('\n');
    const node = (await nodeOf())[0]!;
    // Each eviction takes the budget's one disruption; drain retries until the replacement is Ready elsewhere.
    const drained = await kubectlOk(['drain', node, '--timeout=80s', '--grace-period=1']);
    assert.match(drained, new RegExp(`node/${node} drained`));
    await kubectlOk(['rollout', 'status', 'deployment/drained', '--timeout=60s']);
    const nodes = await nodeOf();
    assert.equal(nodes.length, 2);
    assert.ok(nodes.every((n) => n !== node), `no pod left on ${node}: ${nodes.join(', ')}`);
    await kubectlOk(['uncordon', node]);
  });
});
