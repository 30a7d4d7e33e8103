/**
 * The StatefulSet controller's pod management: ordered creation (pod N+1 only once pod N
 * is Running and Ready, and available after minReadySeconds), claims created before
 * their pod, reverse-order scale-down that waits for every replica to be healthy,
 * Parallel management, ordinals.start, and failed pods recreated. A test stands in for
 * the kubelet with reportPod; time moves only with the fake clock.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, StatefulSet } from '../../api/objects/index.js';
import { resources } from '../../client/resources.js';
import { waitFor, waitUntil } from '../../testing/controllers.js';
import { reportPod } from '../../testing/pods.js';
import { podNames, startStsBed, statefulSet, type StsBed } from './testbed.js';

describe('statefulset controller: pod management', () => {
  let bed: StsBed;
  const sets = () => bed.env.client.resource<StatefulSet>(resources.statefulsets);

  before(async () => { bed = await startStsBed('sts'); });
  after(async () => { await bed.stop(); });

  it('creates pods in order, each after the previous is Running and Ready, claims first', async () => {
    const order: string[] = [];
    const readyWhenNextAdded: boolean[] = [];
    const watch = bed.pods.addHandler({
      add: (pod) => {
        if (!pod.metadata.name!.startsWith('web-')) return;
        order.push(pod.metadata.name!);
        const prev = bed.pods.get(`web-${Number(pod.metadata.name!.slice(4)) - 1}`, 'default');
        if (prev) readyWhenNextAdded.push(prev.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
      },
    });
    await sets().create(statefulSet('web', {
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    }));
    const web0 = await waitFor(bed.pods, (p) => p.metadata.name === 'web-0', 'web-0');
    // A sync that saw web-0 wrote status.replicas 1; had it created web-1 too, web-1 would exist by then.
    await bed.setWhen('web', (s) => s.status?.replicas === 1, 'status.replicas 1');
    assert.deepEqual((await bed.env.client.resource<Pod>(resources.pods).list('default')).items.map((p) => p.metadata.name).filter((n) => n!.startsWith('web-')), ['web-0']);

    // Identity and storage.
    assert.equal(web0.spec.hostname, 'web-0');
    assert.equal(web0.spec.subdomain, 'web');
    assert.equal(web0.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-0');
    assert.equal(web0.metadata.labels?.['apps.kubernetes.io/pod-index'], '0');
    const set = bed.sets.get('web', 'default')!;
    assert.equal(web0.metadata.labels?.['controller-revision-hash'], set.status?.updateRevision);
    assert.deepEqual(web0.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [['StatefulSet', 'web', true]]);
    assert.deepEqual(web0.spec.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim, { claimName: 'data-web-0' });
    const claim = await bed.env.client.resource(resources.persistentvolumeclaims).get('data-web-0', 'default');
    assert.ok(Number(claim.metadata!.resourceVersion) < Number(web0.metadata.resourceVersion), 'the claim is created before its pod');
    assert.equal(claim.metadata!.labels?.app, 'web');

    await bed.ready('web-0');
    await waitFor(bed.pods, (p) => p.metadata.name === 'web-1', 'web-1');
    await bed.setWhen('web', (s) => s.status?.replicas === 2, 'status.replicas 2');
    assert.deepEqual(podNames(bed, 'web'), ['web-0', 'web-1']);
    await bed.ready('web-1');
    await bed.ready('web-2');
    const done = await bed.setWhen('web', (s) => s.status?.readyReplicas === 3 && s.status.currentReplicas === 3, 'three ready');
    watch.remove();
    assert.deepEqual(order, ['web-0', 'web-1', 'web-2']);
    assert.deepEqual(readyWhenNextAdded, [true, true]);
    assert.equal(done.status?.currentRevision, done.status?.updateRevision);
    assert.equal(done.status?.observedGeneration, done.metadata.generation);
    assert.equal(done.status?.availableReplicas, 3);
    assert.equal(done.status?.updatedReplicas, 3);
    const messages = () => bed.events.list('default').filter((e) => e.involvedObject.name === 'web').map((e) => `${e.reason}: ${e.message}`);
    await waitUntil([bed.events as never], () => messages().includes('SuccessfulCreate: create Pod web-2 in StatefulSet web successful'), 'create events');
    assert.ok(messages().includes('SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success'));
    assert.equal(bed.events.list('default').find((e) => e.reason === 'SuccessfulCreate')?.source?.component, 'statefulset-controller');
  });

  it('scales down from the highest ordinal, one at a time, only while every other pod is healthy', async () => {
    const deleted: string[] = [];
    const watch = bed.pods.addHandler({ delete: (pod) => { if (pod.metadata.name!.startsWith('web-')) deleted.push(pod.metadata.name!); } });
    // web-0 unhealthy: nothing may be removed.
    await reportPod(bed.env.client, bed.pods.get('web-0', 'default')!, 'NotReady', bed.clock.now());
    const scaled = await sets().patch('web', 'default', 'merge', { spec: { replicas: 1 } });
    await bed.setWhen('web', (s) => s.status?.observedGeneration === scaled.metadata.generation, 'scale observed');
    assert.deepEqual(podNames(bed, 'web'), ['web-0', 'web-1', 'web-2']);

    await bed.ready('web-0');
    await bed.setWhen('web', (s) => s.status?.replicas === 1, 'one replica left');
    watch.remove();
    assert.deepEqual(deleted, ['web-2', 'web-1']);
    const events = bed.events.list('default').map((e) => e.message);
    assert.ok(events.includes('delete Pod web-2 in StatefulSet web successful'));
    // Claims are retained by default.
    assert.ok(bed.claims.get('data-web-2', 'default'));
  });

  it('waits minReadySeconds after Ready before creating the next pod', { timeout: 15_000 }, async () => {
    await sets().create(statefulSet('slow', { replicas: 2, minReadySeconds: 10 }));
    await bed.ready('slow-0');
    await bed.setWhen('slow', (s) => s.status?.readyReplicas === 1, 'slow-0 ready');
    assert.deepEqual(podNames(bed, 'slow'), ['slow-0']);
    assert.equal(bed.sets.get('slow', 'default')!.status?.availableReplicas ?? 0, 0);
    await bed.clock.parked(1);
    bed.clock.advance(10_000);
    await waitFor(bed.pods, (p) => p.metadata.name === 'slow-1', 'slow-1 after minReadySeconds');
    await bed.setWhen('slow', (s) => s.status?.availableReplicas === 1, 'slow-0 available');
  });

  it('creates and deletes all at once under Parallel management, from ordinals.start', async () => {
    await sets().create(statefulSet('par', { podManagementPolicy: 'Parallel', ordinals: { start: 5 } }));
    await bed.setWhen('par', (s) => s.status?.replicas === 3, 'three pods, none ready');
    assert.deepEqual(podNames(bed, 'par'), ['par-5', 'par-6', 'par-7']);
    assert.equal(bed.pods.get('par-7', 'default')!.metadata.labels?.['apps.kubernetes.io/pod-index'], '7');
    await sets().patch('par', 'default', 'merge', { spec: { replicas: 1 } });
    await bed.setWhen('par', (s) => s.status?.replicas === 1, 'scaled to one without any pod ready');
    assert.deepEqual(podNames(bed, 'par'), ['par-5']);
  });

  it('deletes a failed pod and creates it again', async () => {
    const web0 = bed.pods.get('web-0', 'default')!;
    await reportPod(bed.env.client, web0, 'Failed', bed.clock.now());
    const again = await waitFor(bed.pods, (p) => p.metadata.name === 'web-0' && p.metadata.uid !== web0.metadata.uid, 'web-0 recreated');
    assert.equal(again.status?.phase, 'Pending');
    assert.ok(bed.events.list('default').some((e) => e.message === 'delete Pod web-0 in StatefulSet web successful'));
  });

  it('adopts an orphan pod that matches and releases one that stops matching', async () => {
    const pods = bed.env.client.resource<Pod>(resources.pods);
    await sets().create(statefulSet('solo', { replicas: 1, podManagementPolicy: 'Parallel' }));
    const solo0 = await waitFor(bed.pods, (p) => p.metadata.name === 'solo-0', 'solo-0');
    await pods.patch('solo-0', 'default', 'merge', { metadata: { labels: { app: 'other' } } });
    await waitFor(bed.pods, (p) => p.metadata.uid === solo0.metadata.uid && !p.metadata.ownerReferences?.length, 'solo-0 released');
    await pods.patch('solo-0', 'default', 'merge', { metadata: { labels: { app: 'solo' } } });
    await waitFor(bed.pods, (p) => p.metadata.uid === solo0.metadata.uid && p.metadata.ownerReferences?.[0]?.name === 'solo', 'solo-0 adopted again');
  });

  it('reported no errors', () => {
    assert.deepEqual(bed.errors.map(String), []);
  });
});
