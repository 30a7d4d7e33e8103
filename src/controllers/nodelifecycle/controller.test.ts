/**
 * The node lifecycle controller on a fake clock: a node whose lease stops being renewed
 * goes Unknown after the 40 s grace period, is tainted unreachable (NoSchedule and
 * NoExecute), its pods are marked not Ready and evicted as their tolerations run out (at
 * once, after 60 s, after the default 300 s, never); the node coming back loses its
 * taints and a pending eviction is cancelled. Also: Ready=False → not-ready taints, and
 * cordoning → the unschedulable taint.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node, Pod, Taint, Toleration } from '../../api/objects/index.js';
import { metaTime, microTime } from '../../api/time.js';
import type { ResourceClient } from '../../client/client.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { startControllerTestBed, waitFor, waitUntil, type ControllerTestBed } from '../../testing/controllers.js';
import { reportPod } from '../../testing/pods.js';

const LEASES = 'kube-node-lease';

describe('node lifecycle controller', () => {
  let bed: ControllerTestBed;
  let nodeClient: ResourceClient<Node>;
  let podClient: ResourceClient<Pod>;
  let leaseClient: ResourceClient;
  let nodes: Informer<Node>;
  let pods: Informer<Pod>;
  let events: Informer<Event>;
  /** Eviction timers pending on the clock, besides the monitor loop's own sleep. */
  let timers = 0;

  before(async () => {
    bed = await startControllerTestBed('nodelifecycle', ['nodelifecycle']);
    nodeClient = bed.env.client.resource<Node>(resources.nodes);
    podClient = bed.env.client.resource<Pod>(resources.pods);
    leaseClient = bed.env.client.resource(resources.leases);
    nodes = bed.ctx.informers.for<Node>(resources.nodes);
    pods = bed.ctx.informers.for<Pod>(resources.pods);
    events = bed.ctx.informers.for<Event>(resources.events);
    await events.waitForSync();
  });
  after(() => bed.stop());

  const readyStatus = (status: 'True' | 'False', at: Date) => ({
    conditions: [{ type: 'Ready', status, reason: status === 'True' ? 'KubeletReady' : 'KubeletNotReady', message: 'kubelet says so', lastHeartbeatTime: metaTime(at), lastTransitionTime: metaTime(at) }],
  });
  const renewLease = async (name: string) => {
    const lease = await leaseClient.get(name, LEASES);
    await leaseClient.update({ ...lease, spec: { ...(lease.spec as object), renewTime: microTime(bed.clock.now()) } });
  };
  async function addNode(name: string): Promise<void> {
    // The lease first: the controller takes its first sight of the node together with the lease.
    await leaseClient.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: LEASES }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(bed.clock.now()) } });
    const node = await nodeClient.create({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
    await nodeClient.updateStatus({ ...node, status: readyStatus('True', bed.clock.now()) });
  }
  async function runningPod(name: string, node: string, tolerations?: Toleration[]): Promise<Pod> {
    const pod = await podClient.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }], ...(tolerations ? { tolerations } : {}) } });
    return reportPod(bed.env.client, pod, 'Running', bed.clock.now());
  }
  const event = (reason: string, name: string, message?: string) =>
    waitFor(events, (e) => e.reason === reason && e.involvedObject.name === name && (message === undefined || e.message === message), `event ${reason} for ${name}`);
  /** waitUntil takes informers of any kind. */
  const on = (...informers: Array<Informer<Node> | Informer<Pod>>) => informers as unknown as Informer[];
  const taintsOf = (name: string): Taint[] => nodes.get(name)?.spec?.taints ?? [];
  const hasTaint = (name: string, key: string, effect: string) => taintsOf(name).some((t) => t.key === key && t.effect === effect);
  const terminating = (name: string) => waitFor(pods, (p) => p.metadata.name === name && Boolean(p.metadata.deletionTimestamp), `${name} to be evicted`);

  /** Moves the clock by `ms` (keeping n2 alive), once the monitor loop and the eviction timers wait on it; resolves after the pass. */
  async function step(ms: number, timersAfter = timers): Promise<void> {
    await renewLease('n2');
    await bed.clock.parked(1 + timers);
    bed.clock.advance(ms);
    timers = timersAfter;
    await bed.clock.parked(1 + timers);
  }

  it('marks a silent node Unknown after 40 s, taints it, marks and evicts its pods by their tolerations', async () => {
    await addNode('n1');
    await addNode('n2');
    await Promise.all([event('RegisteredNode', 'n1', 'Node n1 event: Registered Node n1 in Controller'), event('RegisteredNode', 'n2')]);
    const unreachable = (seconds?: number): Toleration => ({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) });
    await runningPod('p-default', 'n1');
    await runningPod('p-zero', 'n1', [unreachable(0)]);
    await runningPod('p-short', 'n1', [unreachable(60)]);
    await runningPod('p-forever', 'n1', [unreachable()]);
    await runningPod('p-cancel', 'n1', [unreachable(1000)]);
    await runningPod('p-elsewhere', 'n2');
    assert.deepEqual(pods.get('p-default', 'default')?.spec.tolerations?.map((t) => [t.key, t.tolerationSeconds]),
      [['node.kubernetes.io/not-ready', 300], ['node.kubernetes.io/unreachable', 300]], 'DefaultTolerationSeconds admission');

    await step(20_000);
    assert.equal(nodes.get('n1')?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', 'still within the grace period');
    await step(21_000, 3); // 41 s without a sign of life from n1: timers for p-default, p-short and p-cancel
    const n1 = nodes.get('n1')!;
    const ready = n1.status!.conditions!.find((c) => c.type === 'Ready')!;
    assert.deepEqual([ready.status, ready.reason, ready.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
    assert.deepEqual(n1.status!.conditions!.filter((c) => c.type !== 'Ready').map((c) => [c.type, c.status, c.reason]), [
      ['MemoryPressure', 'Unknown', 'NodeStatusNeverUpdated'], ['DiskPressure', 'Unknown', 'NodeStatusNeverUpdated'], ['PIDPressure', 'Unknown', 'NodeStatusNeverUpdated'],
    ]);
    assert.equal(nodes.get('n2')!.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'True');
    await waitUntil(on(nodes), () => hasTaint('n1', 'node.kubernetes.io/unreachable', 'NoSchedule') && hasTaint('n1', 'node.kubernetes.io/unreachable', 'NoExecute'), 'n1 tainted unreachable');
    assert.ok(taintsOf('n1').find((t) => t.effect === 'NoExecute')!.timeAdded);
    assert.deepEqual(taintsOf('n2'), []);
    await event('NodeNotReady', 'n1', 'Node n1 status is now: NodeNotReady');
    await waitUntil(on(pods), () => ['p-default', 'p-forever'].every((n) => pods.get(n, 'default')?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False'), 'pods on n1 marked not Ready');
    assert.equal(pods.get('p-elsewhere', 'default')?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');

    // tolerationSeconds 0: at once, with the DisruptionTarget condition and the event.
    const zero = await terminating('p-zero');
    assert.deepEqual(zero.status?.conditions?.find((c) => c.type === 'DisruptionTarget'), {
      type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: zero.status!.conditions!.find((c) => c.type === 'DisruptionTarget')!.lastTransitionTime, lastProbeTime: null,
    });
    await event('TaintManagerEviction', 'p-zero', 'Marking for deletion Pod default/p-zero');

    await step(30_000);
    assert.ok(!pods.get('p-short', 'default')?.metadata.deletionTimestamp, 'p-short tolerates 60 s');
    await step(30_000, 2);
    await terminating('p-short');
    for (let i = 0; i < 7; i++) await step(30_000); // 41 + 270 = 311 s
    assert.ok(!pods.get('p-default', 'default')?.metadata.deletionTimestamp, 'p-default tolerates 300 s');
    await step(30_000, 1); // 341 s: 300 s since the taint
    await terminating('p-default');
    assert.ok(!pods.get('p-forever', 'default')?.metadata.deletionTimestamp);
    assert.ok(!pods.get('p-elsewhere', 'default')?.metadata.deletionTimestamp);
    // No kubelet confirms the evictions on a dead node; clear them away for the next tests.
    for (const name of ['p-zero', 'p-short', 'p-default']) await podClient.delete(name, 'default', { gracePeriodSeconds: 0 });
    await waitUntil(on(pods), () => ['p-zero', 'p-short', 'p-default'].every((n) => !pods.get(n, 'default')), 'evicted pods gone');
  });

  it('removes the taints when the node comes back, cancelling pending evictions', async () => {
    const n1 = await nodeClient.get('n1');
    await nodeClient.updateStatus({ ...n1, status: readyStatus('True', bed.clock.now()) });
    await renewLease('n1');
    await waitUntil(on(nodes), () => !hasTaint('n1', 'node.kubernetes.io/unreachable', 'NoSchedule'), 'the NoSchedule taint removed');
    await step(5_000, 0);
    await waitUntil(on(nodes), () => taintsOf('n1').length === 0, 'the NoExecute taint removed');
    await event('TaintManagerEviction', 'p-cancel', 'Cancelling deletion of Pod default/p-cancel');
    assert.ok(!pods.get('p-cancel', 'default')?.metadata.deletionTimestamp);
  });

  it('taints a node reporting Ready=False not-ready, and a cordoned node unschedulable', async () => {
    const n1 = await nodeClient.get('n1');
    await nodeClient.updateStatus({ ...n1, status: readyStatus('False', bed.clock.now()) });
    await waitUntil(on(nodes), () => hasTaint('n1', 'node.kubernetes.io/not-ready', 'NoSchedule'), 'the not-ready NoSchedule taint');
    await step(5_000, 2); // p-forever and p-cancel tolerate not-ready for the default 300 s
    await waitUntil(on(nodes), () => hasTaint('n1', 'node.kubernetes.io/not-ready', 'NoExecute'), 'the not-ready NoExecute taint');
    await nodeClient.patch('n2', undefined, 'merge', { spec: { unschedulable: true } });
    await waitUntil(on(nodes), () => hasTaint('n2', 'node.kubernetes.io/unschedulable', 'NoSchedule'), 'the unschedulable taint');
    await nodeClient.patch('n2', undefined, 'merge', { spec: { unschedulable: null } });
    await waitUntil(on(nodes), () => !hasTaint('n2', 'node.kubernetes.io/unschedulable', 'NoSchedule'), 'the unschedulable taint removed');
    assert.deepEqual(bed.errors.filter((e: unknown) => !String(e).includes('Conflict')), []);
  });
});
