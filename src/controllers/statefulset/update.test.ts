/**
 * StatefulSet updates and history: a ControllerRevision per distinct template, rolling
 * updates from the highest ordinal down that stop at the partition, maxUnavailable,
 * OnDelete, a rollback that reuses the old revision under a new number, and claim
 * ownership by persistentVolumeClaimRetentionPolicy.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, StatefulSet } from '../../api/objects/index.js';
import { resources } from '../../client/resources.js';
import { waitFor } from '../../testing/controllers.js';
import { startStsBed, statefulSet, type StsBed } from './testbed.js';

describe('statefulset controller: updates and history', () => {
  let bed: StsBed;
  let stopReady: () => void;
  const sets = () => bed.env.client.resource<StatefulSet>(resources.statefulsets);
  const revisionOf = (name: string) => bed.pods.get(name, 'default')?.metadata.labels?.['controller-revision-hash'];
  const image = (set: string) => ({ spec: { template: { spec: { containers: [{ name: 'c', image: set }] } } } });

  before(async () => {
    bed = await startStsBed('sts-update');
    stopReady = bed.autoReady();
  });
  after(async () => { stopReady(); await bed.stop(); });

  it('rolls out from the highest ordinal down, keeping ordinals below the partition', async () => {
    await sets().create(statefulSet('db', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    const first = await bed.setWhen('db', (s) => s.status?.readyReplicas === 3, 'three ready');
    const oldRevision = first.status!.currentRevision!;
    const deleted: string[] = [];
    const watch = bed.pods.addHandler({ delete: (p) => { if (p.metadata.name!.startsWith('db-')) deleted.push(p.metadata.name!); } });

    await sets().patch('db', 'default', 'merge', image('nginx:2'));
    const rolled = await bed.setWhen('db', (s) => s.status?.updatedReplicas === 2 && s.status.readyReplicas === 3, 'partitioned roll out');
    watch.remove();
    assert.deepEqual(deleted, ['db-2', 'db-1']);
    assert.notEqual(rolled.status?.updateRevision, oldRevision);
    assert.equal(rolled.status?.currentRevision, oldRevision, 'a partitioned update is not complete');
    assert.equal(revisionOf('db-0'), oldRevision);
    assert.equal(revisionOf('db-1'), rolled.status?.updateRevision);
    assert.equal(bed.pods.get('db-2', 'default')!.spec.containers[0]!.image, 'nginx:2');
    assert.equal(bed.pods.get('db-0', 'default')!.spec.containers[0]!.image, 'nginx:1');

    const revisions = bed.revisions.list('default').filter((r) => r.metadata.ownerReferences?.[0]?.name === 'db').sort((a, b) => a.revision - b.revision);
    assert.deepEqual(revisions.map((r) => [r.metadata.name, r.revision]), [[oldRevision, 1], [rolled.status?.updateRevision, 2]]);
    assert.match(revisions[0]!.metadata.name!, /^db-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(revisions[0]!.metadata.name, `db-${revisions[0]!.metadata.labels?.['controller.kubernetes.io/hash']}`);
    assert.equal(revisions[0]!.metadata.labels?.app, 'db');
    const data = revisions[1]!.data as { spec: { template: { $patch: string; spec: { containers: Array<{ image: string }> } } } };
    assert.equal(data.spec.template.$patch, 'replace');
    assert.equal(data.spec.template.spec.containers[0]!.image, 'nginx:2');

    await sets().patch('db', 'default', 'merge', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    const done = await bed.setWhen('db', (s) => s.status?.updatedReplicas === 3 && s.status.readyReplicas === 3 && s.status.currentRevision === s.status.updateRevision, 'complete roll out');
    assert.equal(done.status?.currentReplicas, 3);
    assert.equal(revisionOf('db-0'), done.status?.updateRevision);
  });

  it('rolls back to an earlier template by renumbering its revision', async () => {
    const before = bed.sets.get('db', 'default')!;
    const original = bed.revisions.list('default').find((r) => r.metadata.ownerReferences?.[0]?.name === 'db' && r.revision === 1)!;
    // What `kubectl rollout undo` does: apply the revision's data as a strategic merge patch.
    await sets().patch('db', 'default', 'strategic', original.data);
    const back = await bed.setWhen('db', (s) => s.status?.updateRevision === original.metadata.name && s.status?.currentRevision === original.metadata.name && s.status?.updatedReplicas === 3, 'rolled back');
    assert.notEqual(back.status?.updateRevision, before.status?.updateRevision);
    await waitFor(bed.revisions, (r) => r.metadata.name === original.metadata.name && r.revision === 3, 'the old revision renumbered 3');
    assert.equal(bed.revisions.list('default').filter((r) => r.metadata.ownerReferences?.[0]?.name === 'db').length, 2);
    assert.equal(bed.pods.get('db-0', 'default')!.spec.containers[0]!.image, 'nginx:1');
  });

  it('replaces up to maxUnavailable pods at once', async () => {
    await sets().create(statefulSet('wide', { replicas: 4, podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 2 } } }));
    await bed.setWhen('wide', (s) => s.status?.readyReplicas === 4, 'four ready');
    stopReady();
    const deleted: string[] = [];
    const watch = bed.pods.addHandler({ delete: (p) => { if (p.metadata.name!.startsWith('wide-')) deleted.push(p.metadata.name!); } });
    await sets().patch('wide', 'default', 'merge', image('nginx:2'));
    // With nothing becoming ready, exactly two old pods are replaced.
    await bed.setWhen('wide', (s) => s.status?.replicas === 4 && s.status.readyReplicas === 2 && s.status.updatedReplicas === 2, 'two replaced, not ready');
    assert.deepEqual(deleted.sort(), ['wide-2', 'wide-3']);
    // The stand-in kubelet first reports the pods already waiting (wide-2, wide-3).
    stopReady = bed.autoReady();
    await bed.setWhen('wide', (s) => s.status?.updatedReplicas === 4 && s.status.readyReplicas === 4, 'all updated');
    watch.remove();
    assert.deepEqual(deleted.sort(), ['wide-0', 'wide-1', 'wide-2', 'wide-3']);
  });

  it('leaves pods alone under OnDelete until they are deleted', async () => {
    await sets().create(statefulSet('od', { replicas: 2, updateStrategy: { type: 'OnDelete' } }));
    const first = await bed.setWhen('od', (s) => s.status?.readyReplicas === 2, 'two ready');
    const changed = await sets().patch('od', 'default', 'merge', image('nginx:2'));
    const seen = await bed.setWhen('od', (s) => s.status?.observedGeneration === changed.metadata.generation, 'update observed');
    assert.notEqual(seen.status?.updateRevision, first.status?.currentRevision);
    assert.deepEqual([revisionOf('od-0'), revisionOf('od-1')], [first.status?.currentRevision, first.status?.currentRevision]);
    const old1 = bed.pods.get('od-1', 'default')!;
    await bed.env.client.resource<Pod>(resources.pods).delete('od-1', 'default');
    const new1 = await waitFor(bed.pods, (p) => p.metadata.name === 'od-1' && p.metadata.uid !== old1.metadata.uid, 'od-1 recreated');
    assert.equal(new1.metadata.labels?.['controller-revision-hash'], seen.status?.updateRevision);
    assert.equal(new1.spec.containers[0]!.image, 'nginx:2');
    assert.equal(revisionOf('od-0'), first.status?.currentRevision);
  });

  it('gives claims to the set, and to the pod once scaled away, when the policy deletes them', async () => {
    await sets().create(statefulSet('vol', {
      replicas: 2, podManagementPolicy: 'Parallel',
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    }));
    const set = await bed.setWhen('vol', (s) => s.status?.readyReplicas === 2, 'two ready');
    const owners = (claim: string) => (bed.claims.get(claim, 'default')?.metadata.ownerReferences ?? []).map((r) => `${r.kind}/${r.name}/${r.uid}`);
    await waitFor(bed.claims, (c) => c.metadata.name === 'data-vol-1' && (c.metadata.ownerReferences?.length ?? 0) > 0, 'data-vol-1 owned');
    assert.deepEqual(owners('data-vol-0'), [`StatefulSet/vol/${set.metadata.uid}`]);
    const pod1 = bed.pods.get('vol-1', 'default')!;
    await sets().patch('vol', 'default', 'merge', { spec: { replicas: 1 } });
    await bed.setWhen('vol', (s) => s.status?.replicas === 1, 'scaled to one');
    assert.deepEqual(owners('data-vol-1'), [`Pod/vol-1/${pod1.metadata.uid}`]);
    assert.deepEqual(owners('data-vol-0'), [`StatefulSet/vol/${set.metadata.uid}`]);
  });

  it('keeps at most revisionHistoryLimit old revisions', async () => {
    await sets().create(statefulSet('hist', { replicas: 1, revisionHistoryLimit: 1 }));
    await bed.setWhen('hist', (s) => s.status?.readyReplicas === 1, 'ready');
    for (const tag of ['2', '3', '4']) {
      const next = await sets().patch('hist', 'default', 'merge', image(`nginx:${tag}`));
      await bed.setWhen('hist', (s) => s.status?.observedGeneration === next.metadata.generation && s.status?.currentRevision === s.status?.updateRevision && s.status?.readyReplicas === 1, `nginx:${tag} rolled out`);
    }
    const owned = () => bed.revisions.list('default').filter((r) => r.metadata.ownerReferences?.[0]?.name === 'hist');
    await sets().patch('hist', 'default', 'merge', { metadata: { labels: { touch: 'x' } } });
    await waitFor(bed.revisions, () => owned().length === 2, 'history trimmed to the live revision and one more');
    assert.deepEqual(owned().map((r) => r.revision).sort(), [3, 4]);
  });

  it('reported no errors', () => {
    assert.deepEqual(bed.errors.map(String), []);
  });
});
