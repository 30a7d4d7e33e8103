/**
 * The scheduler, the PV controller and the local-path provisioner together (no
 * kubelets): a pod's WaitForFirstConsumer claim is provisioned on the node the pod is
 * scheduled to, and the pod is bound once its claim is; a pod whose claim is missing
 * waits, with upstream's message, until the claim appears; a pod whose bound volume
 * lives on another node does not go anywhere else.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../../api/objects/index.js';
import type { ResourceClient } from '../../client/client.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { startControllerTestBed, waitFor, type ControllerTestBed } from '../../testing/controllers.js';
import { testNode, testPod } from '../../scheduler/testing/objects.js';

const NS = 'default';

describe('volume scheduling (scheduler + persistentvolume-binder + local-path provisioner)', () => {
  let bed: ControllerTestBed;
  let podsApi: ResourceClient<Pod>;
  let claimsApi: ResourceClient<PersistentVolumeClaim>;
  let pods: Informer<Pod>;
  let claims: Informer<PersistentVolumeClaim>;
  let volumes: Informer<PersistentVolume>;
  let events: Informer<Event>;

  before(async () => {
    bed = await startControllerTestBed('volume-scheduling', ['persistentvolume-binder', 'local-path-provisioner'], { scheduler: true });
    const nodes = bed.ctx.client.resource<Node>(resources.nodes);
    const node = testNode('n1');
    node.metadata.annotations = { 'skiff.dev/local-path-root': '/var/skiff/n1/storage' };
    const created = await nodes.create({ ...node, status: undefined });
    await nodes.updateStatus({ ...created, status: node.status });
    podsApi = bed.ctx.client.resource<Pod>(resources.pods);
    claimsApi = bed.ctx.client.resource<PersistentVolumeClaim>(resources.persistentvolumeclaims);
    pods = bed.ctx.informers.for<Pod>(resources.pods);
    claims = bed.ctx.informers.for<PersistentVolumeClaim>(resources.persistentvolumeclaims);
    volumes = bed.ctx.informers.for<PersistentVolume>(resources.persistentvolumes);
    events = bed.ctx.informers.for<Event>(resources.events);
    await events.waitForSync();
    await waitFor(bed.ctx.informers.for<Node>(resources.nodes), (n) => n.metadata.name === 'n1' && Boolean(n.status?.allocatable), 'node n1');
  });
  after(async () => {
    assert.deepEqual(bed.errors, []);
    await bed.stop();
  });

  const claim = (name: string) => claimsApi.create({
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: NS },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '64Mi' } } },
  });
  const podUsing = (name: string, claimName: string) => podsApi.create(testPod(name, { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] } }));
  const bound = (name: string) => waitFor(pods, (p) => p.metadata.name === name && Boolean(p.spec.nodeName), `pod ${name} bound`);

  it('provisions the claim on the chosen node, then binds the pod', async () => {
    const pvc = await claim('data');
    await podUsing('db', 'data');
    const pod = await bound('db');
    assert.equal(pod.spec.nodeName, 'n1');
    // The pod is bound only after its claim: the claim is already Bound.
    const seen = claims.get('data', NS)!;
    assert.equal(seen.status?.phase, 'Bound');
    assert.equal(seen.metadata.annotations?.['volume.kubernetes.io/selected-node'], 'n1');
    const pv = await waitFor(volumes, (v) => v.metadata.name === `pvc-${pvc.metadata.uid}` && v.status?.phase === 'Bound', 'volume bound');
    assert.equal(pv.spec?.hostPath?.path, `/var/skiff/n1/storage/pvc-${pvc.metadata.uid}_default_data`);
  });

  it('keeps a pod whose claim is missing Pending with upstream\'s message, and schedules it once the claim exists', async () => {
    await podUsing('waiter', 'later');
    const pending = await waitFor(pods, (p) => p.metadata.name === 'waiter' && p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') === true, 'waiter unschedulable');
    const condition = pending.status!.conditions!.find((c) => c.type === 'PodScheduled')!;
    assert.equal(condition.reason, 'Unschedulable');
    assert.match(condition.message!, /^0\/1 nodes are available: persistentvolumeclaim "later" not found\./);
    await claim('later');
    // The claim's arrival moves the pod out of the unschedulable queue, through its back-off.
    const waiting = bound('waiter');
    for (let i = 0; i < 20 && !pods.get('waiter', NS)?.spec.nodeName; i++) {
      bed.clock.advance(2_000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal((await waiting).spec.nodeName, 'n1');
  });

  it('does not move a pod away from the node its bound volume lives on', async () => {
    const pvc = await claim('pinned');
    await podUsing('first', 'pinned');
    await bound('first');
    await waitFor(volumes, (v) => v.metadata.name === `pvc-${pvc.metadata.uid}` && v.status?.phase === 'Bound', 'pinned volume bound');
    // A second node appears; the claim's volume is on n1, so a second user of the claim still lands on n1.
    const nodes = bed.ctx.client.resource<Node>(resources.nodes);
    const n2 = testNode('n2', { cpu: '64' });
    const created = await nodes.create({ ...n2, status: undefined });
    await nodes.updateStatus({ ...created, status: n2.status });
    await waitFor(bed.ctx.informers.for<Node>(resources.nodes), (n) => n.metadata.name === 'n2' && Boolean(n.status?.allocatable), 'node n2');
    for (let i = 0; i < 5; i++) {
      await podUsing(`second-${i}`, 'pinned');
      assert.equal((await bound(`second-${i}`)).spec.nodeName, 'n1');
    }
  });
});
