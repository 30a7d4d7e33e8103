/**
 * The disruption controller against a real API server (no workload controllers run: the
 * tests create the pods their ReplicaSets, Deployments and StatefulSets would have):
 * PDB status for minAvailable / maxUnavailable as integers and percentages, the
 * DisruptionAllowed condition, observedGeneration, the fail-safe, an eviction taking a
 * disruption, and disruptedPods entries forgotten after 2 minutes of clock time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodDisruptionBudget } from '../../api/objects/index.js';
import type { KObject, OwnerReference } from '../../api/types.js';
import { metaTime } from '../../api/time.js';
import type { ResourceClient } from '../../client/client.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { startControllerTestBed, waitFor, type ControllerTestBed } from '../../testing/controllers.js';
import { reportPod } from '../../testing/pods.js';

const NS = 'default';
type Spec = NonNullable<PodDisruptionBudget['spec']>;

describe('disruption controller', () => {
  let bed: ControllerTestBed;
  let podClient: ResourceClient<Pod>;
  let pdbClient: ResourceClient<PodDisruptionBudget>;
  let pdbs: Informer<PodDisruptionBudget>;

  before(async () => {
    bed = await startControllerTestBed('disruption', ['disruption']);
    podClient = bed.env.client.resource<Pod>(resources.pods);
    pdbClient = bed.env.client.resource<PodDisruptionBudget>(resources.poddisruptionbudgets);
    pdbs = bed.ctx.informers.for<PodDisruptionBudget>(resources.poddisruptionbudgets);
  });
  after(() => bed.stop());

  const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  const workload = (ref: typeof resources.replicasets, kind: string, name: string, app: string, replicas: number, extra: Record<string, unknown> = {}, owner?: OwnerReference) =>
    bed.env.client.resource(ref).create({ apiVersion: 'apps/v1', kind, metadata: { name, namespace: NS, ...(owner ? { ownerReferences: [owner] } : {}) }, spec: { replicas, selector: { matchLabels: { app } }, template: template(app), ...extra } });
  const controllerRef = (owner: KObject): OwnerReference => ({ apiVersion: owner.apiVersion ?? 'apps/v1', kind: owner.kind!, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true });

  async function pod(name: string, app: string, outcome: 'Running' | 'NotReady' = 'Running', owner?: KObject): Promise<Pod> {
    const created = await podClient.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels: { app }, ...(owner ? { ownerReferences: [controllerRef(owner)] } : {}) }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    return reportPod(bed.env.client, created, outcome, bed.clock.now());
  }
  const budget = (name: string, app: string, spec: Omit<Spec, 'selector'>) =>
    pdbClient.create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: NS }, spec: { ...spec, selector: { matchLabels: { app } } } });
  /** Waits for the budget's status to show these numbers (and be current with its generation). */
  const status = (name: string, want: { expected: number; desired: number; healthy: number; allowed: number }) =>
    waitFor(pdbs, (p) => p.metadata.name === name && p.status?.observedGeneration === p.metadata.generation
      && p.status?.expectedPods === want.expected && p.status?.desiredHealthy === want.desired && p.status?.currentHealthy === want.healthy && p.status?.disruptionsAllowed === want.allowed,
    `${name} status ${JSON.stringify(want)}`);
  const allowedCondition = (pdb: PodDisruptionBudget) => pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');

  it('minAvailable as an integer counts the selected pods, ready or not', async () => {
    await pod('int-1', 'int');
    await pod('int-2', 'int');
    const third = await pod('int-3', 'int');
    await budget('int', 'int', { minAvailable: 2 });
    let pdb = await status('int', { expected: 3, desired: 2, healthy: 3, allowed: 1 });
    assert.deepEqual({ ...allowedCondition(pdb), lastTransitionTime: undefined }, { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: pdb.metadata.generation, lastTransitionTime: undefined });
    await reportPod(bed.env.client, third, 'NotReady', bed.clock.now());
    pdb = await status('int', { expected: 3, desired: 2, healthy: 2, allowed: 0 });
    assert.equal(allowedCondition(pdb)?.reason, 'InsufficientPods');
    assert.equal(allowedCondition(pdb)?.status, 'False');
    // A spec change is observed: observedGeneration follows generation.
    await pdbClient.patch('int', NS, 'merge', { spec: { minAvailable: 1 } });
    pdb = await status('int', { expected: 3, desired: 1, healthy: 2, allowed: 1 });
    assert.equal(pdb.metadata.generation, 2);
  });

  it('maxUnavailable as an integer uses the ReplicaSet scale', async () => {
    const rs = await workload(resources.replicasets, 'ReplicaSet', 'web', 'web', 4);
    for (let i = 0; i < 3; i++) await pod(`web-${i}`, 'web', 'Running', rs);
    await budget('web', 'web', { maxUnavailable: 1 });
    await status('web', { expected: 4, desired: 3, healthy: 3, allowed: 0 });
    await pod('web-3', 'web', 'Running', rs);
    await status('web', { expected: 4, desired: 3, healthy: 4, allowed: 1 });
  });

  it('percentages scale against the Deployment (through its ReplicaSet) and the StatefulSet, rounding up', async () => {
    const deployment = await workload(resources.deployments, 'Deployment', 'api', 'api', 4);
    const rs = await workload(resources.replicasets, 'ReplicaSet', 'api-abc', 'api', 4, {}, controllerRef(deployment));
    for (let i = 0; i < 3; i++) await pod(`api-${i}`, 'api', 'Running', rs);
    await budget('api', 'api', { minAvailable: '50%' });
    await status('api', { expected: 4, desired: 2, healthy: 3, allowed: 1 });

    const ss = await workload(resources.statefulsets, 'StatefulSet', 'db', 'db', 3, { serviceName: 'db' });
    for (let i = 0; i < 3; i++) await pod(`db-${i}`, 'db', 'Running', ss);
    await budget('db', 'db', { maxUnavailable: '34%' }); // 3 × 34% = 1.02 → 2
    await status('db', { expected: 3, desired: 1, healthy: 3, allowed: 2 });
  });

  it('fails safe when a pod’s controller cannot be found', async () => {
    const missing = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'gone', uid: '00000000-0000-0000-0000-000000000000' } };
    await pod('orphan-0', 'orphan', 'Running', missing);
    await budget('orphan', 'orphan', { minAvailable: '50%' });
    const pdb = await waitFor(pdbs, (p) => p.metadata.name === 'orphan' && allowedCondition(p)?.reason === 'SyncFailed', 'the SyncFailed condition');
    assert.equal(pdb.status?.disruptionsAllowed, 0);
    assert.equal(allowedCondition(pdb)?.message, 'found no controllers for pod "orphan-0"');
    bed.errors.length = 0; // the failure is reported, as it should be
  });

  it('an eviction takes a disruption; an unconfirmed one is forgotten after 2 minutes', async () => {
    await pod('ev-1', 'ev');
    await pod('ev-2', 'ev');
    await pod('ev-3', 'ev');
    await budget('ev', 'ev', { minAvailable: 1 });
    await status('ev', { expected: 3, desired: 1, healthy: 3, allowed: 2 });
    const evicted = await bed.env.client.transport.request({ method: 'POST', path: `/api/v1/namespaces/${NS}/pods/ev-1/eviction`, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'ev-1', namespace: NS } } });
    assert.equal(evicted.status, 201, JSON.stringify(evicted.body));
    // The pod is gone (no node: deleted at once); the controller recounts and drops the entry.
    await status('ev', { expected: 2, desired: 1, healthy: 2, allowed: 1 });
    await waitFor(pdbs, (p) => p.metadata.name === 'ev' && !p.status?.disruptedPods, 'ev-1 dropped from disruptedPods');

    // An eviction recorded (as the eviction handler does) but never carried out.
    const current = pdbs.get('ev', NS)!;
    await pdbClient.updateStatus({ ...current, status: { ...current.status!, disruptionsAllowed: 0, disruptedPods: { 'ev-2': metaTime(bed.clock.now()) } } });
    await status('ev', { expected: 2, desired: 1, healthy: 1, allowed: 0 });
    await bed.clock.parked(1); // the recheck when the entry runs out
    bed.clock.advance(2 * 60_000 + 1_000);
    const pdb = await status('ev', { expected: 2, desired: 1, healthy: 2, allowed: 1 });
    assert.equal(pdb.status?.disruptedPods, undefined);
    assert.deepEqual(bed.errors, []);
  });

  it('sets a DisruptionTarget condition back to False when the pod is still not terminating 2 minutes later', async () => {
    const marked = await pod('marked', 'marked');
    const at = metaTime(bed.clock.now());
    await podClient.updateStatus({ ...marked, status: { ...marked.status, conditions: [...marked.status!.conditions!, { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: at }] } });
    const pods = bed.ctx.informers.for<Pod>(resources.pods);
    const target = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    await waitFor(pods, (p) => p.metadata.name === 'marked' && target(p)?.status === 'True', 'the condition in the cache');
    await bed.clock.parked(1); // the look again at the 2-minute mark
    bed.clock.advance(60_000);
    assert.equal(target(pods.get('marked', NS)!)?.status, 'True', 'not stale after 1 minute');
    bed.clock.advance(60_000);
    const cleared = await waitFor(pods, (p) => p.metadata.name === 'marked' && target(p)?.status === 'False', 'the condition cleared');
    assert.equal(target(cleared)?.reason, undefined);
    assert.deepEqual(bed.errors, []);
  });
});
