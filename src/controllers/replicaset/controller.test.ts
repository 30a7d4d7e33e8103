/**
 * The ReplicaSet controller and ReplicationController manager against a real API server:
 * pods created from the template and owned by the set, scale up and down with the
 * cheapest pods deleted first, orphans adopted and non-matching pods released, deleted
 * pods replaced, readiness and minReadySeconds in the status (time moves only with the
 * fake clock), ReplicaFailure while creates fail, and RCs through the same code.
 * The test plays the kubelet with reportPod.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Pod, ReplicaSet, ReplicationController } from '../../api/objects/index.js';
import { resources } from '../../client/resources.js';
import type { Informer } from '../../client/informer.js';
import { startControllerTestBed, waitFor, waitUntil, type ControllerTestBed } from '../../testing/controllers.js';
import { reportPod } from '../../testing/pods.js';

/** The informers whose events re-check a waitUntil condition. */
const on = (...informers: Array<Informer<Pod> | Informer<Event>>) => informers as unknown as Informer[];

const template = (app: string, extra: Record<string, unknown> = {}) => ({
  metadata: { labels: { app }, annotations: { note: 'from-template' } },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra },
});

const replicaSet = (name: string, replicas: number, spec: Record<string, unknown> = {}): ReplicaSet => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet',
  metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name), ...spec },
} as ReplicaSet);

describe('replicaset controller', () => {
  let bed: ControllerTestBed;
  let sets: Informer<ReplicaSet>;
  let pods: Informer<Pod>;
  let events: Informer<Event>;
  const rsClient = () => bed.env.client.resource<ReplicaSet>(resources.replicasets);
  const podClient = () => bed.env.client.resource<Pod>(resources.pods);
  const podsOf = (app: string) => pods.list('default').filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp);
  const ownedBy = (uid: string) => pods.list('default').filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === uid && r.controller));
  const setWhen = (name: string, test: (rs: ReplicaSet) => boolean, what: string) => waitFor(sets, (rs) => rs.metadata.name === name && test(rs), what);
  const messages = (name: string) => events.list('default').filter((e) => e.involvedObject.name === name).map((e) => `${e.reason}: ${e.message}`);
  const runAll = async (app: string, outcome: 'Running' | 'NotReady' = 'Running') => {
    for (const pod of podsOf(app)) await reportPod(bed.env.client, pod, outcome, bed.clock.now());
  };

  before(async () => {
    bed = await startControllerTestBed('rs', ['replicaset', 'replicationcontroller']);
    sets = bed.ctx.informers.for<ReplicaSet>(resources.replicasets);
    pods = bed.ctx.informers.for<Pod>(resources.pods);
    events = bed.ctx.informers.for<Event>(resources.events);
    await events.waitForSync();
  });
  after(async () => { await bed.stop(); });

  it('creates pods from the template, owned by the set, and reports them ready', async () => {
    const created = await rsClient().create(replicaSet('web', 3));
    await waitUntil(on(pods), () => podsOf('web').length === 3, 'three pods');
    for (const pod of podsOf('web')) {
      assert.match(pod.metadata.name!, /^web-[a-z0-9]{5}$/);
      assert.equal(pod.metadata.generateName, 'web-');
      assert.deepEqual(pod.metadata.labels, { app: 'web' });
      assert.equal(pod.metadata.annotations?.note, 'from-template');
      assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    let rs = await setWhen('web', (s) => s.status?.replicas === 3, 'status.replicas 3');
    assert.equal(rs.status?.fullyLabeledReplicas, 3);
    assert.equal(rs.status?.readyReplicas, undefined);
    assert.equal(rs.status?.observedGeneration, rs.metadata.generation);
    await runAll('web');
    rs = await setWhen('web', (s) => s.status?.readyReplicas === 3 && s.status.availableReplicas === 3, 'three ready');
    const names = podsOf('web').map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name}`).sort();
    await waitUntil(on(events), () => names.every((m) => messages('web').includes(m)), 'create events');
    const event = events.list('default').find((e) => e.reason === 'SuccessfulCreate' && e.involvedObject.name === 'web')!;
    assert.equal(event.source?.component, 'replicaset-controller');
    assert.equal(event.involvedObject.kind, 'ReplicaSet');
  });

  it('replaces a deleted pod, and scales up and down deleting the cheapest pods first', async () => {
    const [victim] = podsOf('web');
    await podClient().delete(victim!.metadata.name!, 'default');
    await waitUntil(on(pods), () => podsOf('web').length === 3 && !podsOf('web').some((p) => p.metadata.uid === victim!.metadata.uid), 'a replacement');
    await runAll('web');
    await setWhen('web', (s) => s.status?.readyReplicas === 3, 'three ready again');

    await rsClient().patch('web', 'default', 'merge', { spec: { replicas: 5 } });
    await waitUntil(on(pods), () => podsOf('web').length === 5, 'five pods');
    // Of five: one never started (Pending), one not ready, one restarting; two healthy.
    const fresh = podsOf('web').filter((p) => p.status?.phase !== 'Running');
    assert.equal(fresh.length, 2);
    await reportPod(bed.env.client, fresh[0]!, 'NotReady', bed.clock.now());
    const running = await reportPod(bed.env.client, fresh[1]!, 'Running', bed.clock.now());
    await podClient().updateStatus({ ...running, status: { ...running.status, containerStatuses: running.status!.containerStatuses!.map((c) => ({ ...c, restartCount: 4 })) } });
    await setWhen('web', (s) => s.status?.replicas === 5 && s.status.readyReplicas === 4, 'five pods, four ready');
    const notReady = fresh[0]!.metadata.name;
    const restarting = fresh[1]!.metadata.name;

    await rsClient().patch('web', 'default', 'merge', { spec: { replicas: 3 } });
    await waitUntil(on(pods), () => podsOf('web').length === 3, 'three pods');
    const left = podsOf('web').map((p) => p.metadata.name);
    assert.ok(!left.includes(notReady) && !left.includes(restarting), `the not-ready and the restarting pod go first (left: ${left})`);
    await waitUntil(on(events), () => messages('web').includes(`SuccessfulDelete: Deleted pod: ${notReady}`), 'delete event');
    await setWhen('web', (s) => s.status?.replicas === 3 && s.status.readyReplicas === 3, 'status back to three');
  });

  it('adopts matching orphans and releases pods that stop matching', async () => {
    const orphan = await podClient().create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', namespace: 'default', labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } as Pod);
    const rs = await rsClient().create(replicaSet('adopt', 2));
    await waitUntil(on(pods), () => ownedBy(rs.metadata.uid!).length === 2, 'two owned pods');
    assert.ok(ownedBy(rs.metadata.uid!).some((p) => p.metadata.uid === orphan.metadata.uid), 'the orphan was adopted');
    assert.equal(podsOf('adopt').length, 2, 'only one pod created');

    await podClient().patch('stray', 'default', 'merge', { metadata: { labels: { app: 'elsewhere' } } });
    await waitUntil(on(pods), () => {
      const stray = pods.get('stray', 'default');
      return Boolean(stray && !stray.metadata.ownerReferences?.length) && ownedBy(rs.metadata.uid!).length === 2;
    }, 'stray released and replaced');
    await setWhen('adopt', (s) => s.status?.replicas === 2, 'status.replicas 2');
  });

  it('counts pods available only minReadySeconds after they became ready', async () => {
    await rsClient().create(replicaSet('slow', 2, { minReadySeconds: 30 }));
    await waitUntil(on(pods), () => podsOf('slow').length === 2, 'two pods');
    await runAll('slow');
    const rs = await setWhen('slow', (s) => s.status?.readyReplicas === 2, 'two ready');
    assert.equal(rs.status?.availableReplicas, undefined);
    await bed.clock.parked(1);
    bed.clock.advance(29_000);
    assert.equal(sets.get('slow', 'default')!.status?.availableReplicas, undefined);
    bed.clock.advance(1_000);
    await setWhen('slow', (s) => s.status?.availableReplicas === 2, 'two available after 30 s');
  });

  it('reports ReplicaFailure and FailedCreate while pods cannot be created, and clears it once they can', async () => {
    await rsClient().create(replicaSet('broken', 2, { template: template('broken', { priorityClassName: 'no-such-class' }) }));
    const rs = await setWhen('broken', (s) => Boolean(s.status?.conditions?.some((c) => c.type === 'ReplicaFailure')), 'ReplicaFailure');
    const cond = rs.status!.conditions!.find((c) => c.type === 'ReplicaFailure')!;
    assert.equal(cond.status, 'True');
    assert.equal(cond.reason, 'FailedCreate');
    assert.match(cond.message!, /no PriorityClass with name no-such-class was found/);
    await waitUntil(on(events), () => messages('broken').some((m) => m.startsWith('FailedCreate: Error creating: ')), 'FailedCreate event');
    const failed = events.list('default').find((e) => e.reason === 'FailedCreate' && e.involvedObject.name === 'broken')!;
    assert.equal(failed.type, 'Warning');

    await rsClient().patch('broken', 'default', 'json', [{ op: 'remove', path: '/spec/template/spec/priorityClassName' }]);
    await setWhen('broken', (s) => s.status?.replicas === 2 && !s.status.conditions?.length, 'created, condition gone');
  });

  it('manages ReplicationControllers the same way, as replication-controller', async () => {
    const rcs = bed.env.client.resource<ReplicationController>(resources.replicationcontrollers);
    const rcInformer = bed.ctx.informers.for<ReplicationController>(resources.replicationcontrollers);
    const rc = await rcs.create({
      apiVersion: 'v1', kind: 'ReplicationController',
      metadata: { name: 'legacy', namespace: 'default' },
      spec: { replicas: 2, selector: { app: 'legacy' }, template: template('legacy') },
    } as ReplicationController);
    await waitUntil(on(pods), () => podsOf('legacy').length === 2, 'two pods');
    assert.deepEqual(podsOf('legacy')[0]!.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', uid: rc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    await runAll('legacy');
    await waitFor(rcInformer, (r) => r.metadata.name === 'legacy' && r.status?.readyReplicas === 2 && r.status.availableReplicas === 2, 'rc ready');
    await rcs.patch('legacy', 'default', 'merge', { spec: { replicas: 1 } });
    await waitUntil(on(pods), () => podsOf('legacy').length === 1, 'one pod');
    await waitUntil(on(events), () => messages('legacy').some((m) => m.startsWith('SuccessfulDelete: Deleted pod: legacy-')), 'delete event');
    const event = events.list('default').find((e) => e.involvedObject.name === 'legacy')!;
    assert.equal(event.source?.component, 'replication-controller');
    assert.equal(event.involvedObject.kind, 'ReplicationController');
  });

  it('reported no errors other than the refused creates', () => {
    const unexpected = bed.errors.filter((e) => !/no PriorityClass/.test(String((e as Error).message)));
    assert.deepEqual(unexpected, []);
  });
});
