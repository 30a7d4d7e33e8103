/**
 * DaemonSet updates: RollingUpdate within maxUnavailable (old pod deleted, new one
 * created, the next node only once the new pod is available), maxSurge (new pod beside
 * the old one, old deleted when the new is available), OnDelete, and the revision
 * history a rollback reuses.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, Pod } from '../../api/objects/index.js';
import { resources } from '../../client/resources.js';
import { waitFor } from '../../testing/controllers.js';
import { reportPod } from '../../testing/pods.js';
import { targetNode } from './pods.js';
import { daemonSet, startDsBed, type DsBed } from './testbed.js';

describe('daemonset controller: updates', () => {
  let bed: DsBed;
  const daemonSets = () => bed.env.client.resource<DaemonSet>(resources.daemonsets);
  const image = (tag: string) => ({ spec: { template: { spec: { containers: [{ name: 'c', image: tag }] } } } });
  const podsOf = (ds: string) => bed.pods.list('default').filter((p) => p.metadata.ownerReferences?.[0]?.name === ds && !p.metadata.deletionTimestamp);
  const hashOf = (p: Pod) => p.metadata.labels?.['controller-revision-hash'];

  before(async () => {
    bed = await startDsBed('ds-update');
    for (const n of ['n1', 'n2', 'n3', 'n4']) await bed.addNode(n);
  });
  after(async () => { await bed.stop(); });

  it('replaces pods no more than maxUnavailable nodes at a time', { timeout: 20_000 }, async () => {
    const stop = bed.autoReady();
    await daemonSets().create(daemonSet('roll', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } }));
    const first = await bed.dsWhen('roll', (d) => d.status?.numberAvailable === 4, 'four available');
    stop();
    const oldHash = hashOf(podsOf('roll')[0]!);
    const deleted: string[] = [];
    const watch = bed.pods.addHandler({ delete: (p) => { if (p.metadata.ownerReferences?.[0]?.name === 'roll') deleted.push(targetNode(p)!); } });

    await daemonSets().patch('roll', 'default', 'merge', image('agent:2'));
    // Nothing new becomes ready: two nodes are replaced, then the update waits.
    await bed.dsWhen('roll', (d) => d.status?.updatedNumberScheduled === 2 && d.status.currentNumberScheduled === 4 && d.status.numberAvailable === 2, 'two replaced');
    assert.equal(deleted.length, 2);
    const newPods = podsOf('roll').filter((p) => hashOf(p) !== oldHash);
    assert.deepEqual(newPods.map((p) => p.spec.containers[0]!.image), ['agent:2', 'agent:2']);
    assert.equal(podsOf('roll').length, 4);

    // One new pod becomes available: exactly one more node is replaced.
    await reportPod(bed.env.client, newPods[0]!, 'Running', bed.clock.now());
    await bed.dsWhen('roll', (d) => d.status?.updatedNumberScheduled === 3, 'a third replaced');
    assert.equal(deleted.length, 3);

    const stop2 = bed.autoReady();
    const done = await bed.dsWhen('roll', (d) => d.status?.updatedNumberScheduled === 4 && d.status.numberAvailable === 4, 'rolled out');
    stop2();
    watch.remove();
    assert.equal(new Set(deleted).size, 4);
    assert.equal(done.status?.observedGeneration, done.metadata.generation);
    assert.notEqual(done.metadata.generation, first.metadata.generation);
    const revisions = bed.revisions.list('default').filter((r) => r.metadata.ownerReferences?.[0]?.name === 'roll').map((r) => r.revision).sort();
    assert.deepEqual(revisions, [1, 2]);
  });

  it('rolls back by renumbering the earlier revision', { timeout: 20_000 }, async () => {
    const stop = bed.autoReady();
    const original = bed.revisions.list('default').find((r) => r.metadata.ownerReferences?.[0]?.name === 'roll' && r.revision === 1)!;
    await daemonSets().patch('roll', 'default', 'strategic', original.data);
    await bed.dsWhen('roll', (d) => d.status?.updatedNumberScheduled === 4 && d.status.numberAvailable === 4 && podsOf('roll').every((p) => hashOf(p) === original.metadata.labels?.['controller-revision-hash']), 'rolled back');
    stop();
    await waitFor(bed.revisions, (r) => r.metadata.name === original.metadata.name && r.revision === 3, 'revision 1 renumbered 3');
    assert.ok(podsOf('roll').every((p) => p.spec.containers[0]!.image === 'agent:1'));
  });

  it('surges a new pod beside the old one and removes the old once the new is available', { timeout: 20_000 }, async () => {
    const stop = bed.autoReady();
    await daemonSets().create(daemonSet('surge', { minReadySeconds: 5, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }));
    await bed.dsWhen('surge', (d) => d.status?.numberReady === 4, 'four ready');
    await bed.clock.parked(1);
    bed.clock.advance(5_000);
    await bed.dsWhen('surge', (d) => d.status?.numberAvailable === 4, 'four available');
    stop();
    await daemonSets().patch('surge', 'default', 'merge', image('agent:2'));
    await waitFor(bed.pods, () => podsOf('surge').length === 5, 'one surge pod');
    const byNode = new Map<string, Pod[]>();
    for (const p of podsOf('surge')) byNode.set(targetNode(p)!, [...(byNode.get(targetNode(p)!) ?? []), p]);
    const [node, pair] = [...byNode].find(([, pods]) => pods.length === 2)!;
    const fresh = pair.find((p) => p.spec.containers[0]!.image === 'agent:2')!;
    const old = pair.find((p) => p !== fresh)!;
    await reportPod(bed.env.client, fresh, 'Running', bed.clock.now());
    await bed.dsWhen('surge', (d) => d.status?.numberReady === 4, 'status refreshed');
    // Ready but not yet available (minReadySeconds): the old pod stays.
    assert.ok(bed.pods.get(old.metadata.name!, 'default') && !bed.pods.get(old.metadata.name!, 'default')!.metadata.deletionTimestamp, `old pod on ${node} kept`);
    await bed.clock.parked(1);
    bed.clock.advance(5_000);
    await waitFor(bed.pods, () => !bed.pods.get(old.metadata.name!, 'default'), 'the old pod removed');
  });

  it('changes pods under OnDelete only when they are deleted', { timeout: 20_000 }, async () => {
    const stop = bed.autoReady();
    await daemonSets().create(daemonSet('manual', { updateStrategy: { type: 'OnDelete' } }));
    await bed.dsWhen('manual', (d) => d.status?.numberAvailable === 4, 'four available');
    const oldHash = hashOf(podsOf('manual')[0]!);
    const changed = await daemonSets().patch('manual', 'default', 'merge', image('agent:2'));
    await bed.dsWhen('manual', (d) => d.status?.observedGeneration === changed.metadata.generation, 'update observed');
    assert.ok(podsOf('manual').every((p) => hashOf(p) === oldHash));
    const victim = podsOf('manual')[0]!;
    await bed.env.client.resource<Pod>(resources.pods).delete(victim.metadata.name!, 'default');
    const replacement = await waitFor(bed.pods, (p) => p.metadata.ownerReferences?.[0]?.name === 'manual' && targetNode(p) === targetNode(victim) && p.metadata.uid !== victim.metadata.uid, 'a replacement');
    assert.notEqual(hashOf(replacement), oldHash);
    assert.equal(replacement.spec.containers[0]!.image, 'agent:2');
    await bed.dsWhen('manual', (d) => d.status?.updatedNumberScheduled === 1 && d.status.numberAvailable === 4, 'one updated');
    stop();
  });

  it('reported no errors', () => {
    assert.deepEqual(bed.errors.map(String), []);
  });
});
