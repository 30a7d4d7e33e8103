/**
 * The DaemonSet controller's placement: one pod per eligible node, pinned by node
 * affinity (not nodeName) with the daemon tolerations; tainted nodes skipped unless
 * tolerated; nodeSelector; nodes added, relabelled and deleted; failed pods replaced
 * with back-off; status counts. Nodes are plain Node objects; a test stands in for the
 * kubelet (and, once, for the scheduler's binding).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, Node } from '../../api/objects/index.js';
import { resources } from '../../client/resources.js';
import { waitFor } from '../../testing/controllers.js';
import { reportPod } from '../../testing/pods.js';
import { daemonSet, nodesOf, startDsBed, type DsBed } from './testbed.js';

describe('daemonset controller: placement', () => {
  let bed: DsBed;
  const daemonSets = () => bed.env.client.resource<DaemonSet>(resources.daemonsets);
  const nodes = () => bed.env.client.resource<Node>(resources.nodes);

  before(async () => {
    bed = await startDsBed('ds');
    await bed.addNode('n1', { disk: 'ssd' });
    await bed.addNode('n2');
    await bed.addNode('n3', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
  });
  after(async () => { await bed.stop(); });

  it('runs a pod on every node but the tainted one, pinned by node affinity', async () => {
    await daemonSets().create(daemonSet('agent'));
    const ds = await bed.dsWhen('agent', (d) => d.status?.currentNumberScheduled === 2, 'two scheduled');
    assert.deepEqual(nodesOf(bed.placement('agent')), ['n1', 'n2']);
    assert.equal(ds.status?.desiredNumberScheduled, 2);
    assert.equal(ds.status?.numberMisscheduled, 0);
    assert.equal(ds.status?.numberReady, 0);
    assert.equal(ds.status?.numberUnavailable, 2);
    assert.equal(ds.status?.observedGeneration, ds.metadata.generation);

    const pod = bed.pods.list('default').find((p) => p.metadata.ownerReferences?.[0]?.name === 'agent')!;
    assert.equal(pod.spec.nodeName, undefined, 'the scheduler binds daemon pods');
    assert.match(pod.metadata.name!, /^agent-/);
    assert.deepEqual(pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.key, 'metadata.name');
    const tolerations = (pod.spec.tolerations ?? []).map((t) => `${t.key}:${t.operator}:${t.effect}`);
    for (const t of ['node.kubernetes.io/not-ready:Exists:NoExecute', 'node.kubernetes.io/unreachable:Exists:NoExecute', 'node.kubernetes.io/disk-pressure:Exists:NoSchedule',
      'node.kubernetes.io/memory-pressure:Exists:NoSchedule', 'node.kubernetes.io/pid-pressure:Exists:NoSchedule', 'node.kubernetes.io/unschedulable:Exists:NoSchedule']) {
      assert.ok(tolerations.includes(t), `toleration ${t}`);
    }
    assert.ok(!tolerations.some((t) => t.startsWith('node.kubernetes.io/network-unavailable')), 'only hostNetwork pods tolerate network-unavailable');
    const revision = bed.revisions.list('default').find((r) => r.metadata.ownerReferences?.[0]?.name === 'agent')!;
    assert.equal(pod.metadata.labels?.['controller-revision-hash'], revision.metadata.labels?.['controller-revision-hash']);
    assert.equal(revision.metadata.name, `agent-${revision.metadata.labels?.['controller-revision-hash']}`);
    assert.equal(revision.revision, 1);
    const created = bed.events.list('default').filter((e) => e.involvedObject.name === 'agent' && e.reason === 'SuccessfulCreate');
    assert.ok(created.some((e) => e.message === `Created pod: ${pod.metadata.name}`));
    assert.equal(created[0]?.source?.component, 'daemonset-controller');

    // Readiness, whether or not the pod is bound yet (the test plays the scheduler once).
    const [, first] = bed.placement('agent')[0]!;
    await bed.env.client.transport.request({ method: 'POST', path: `/api/v1/namespaces/default/pods/${first}/binding`, body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: first }, target: { kind: 'Node', name: 'n1' } } });
    for (const [, name] of bed.placement('agent')) await reportPod(bed.env.client, bed.pods.get(name, 'default')!, 'Running', bed.clock.now());
    const ready = await bed.dsWhen('agent', (d) => d.status?.numberReady === 2, 'two ready');
    assert.equal(ready.status?.numberAvailable, 2);
    assert.equal(ready.status?.updatedNumberScheduled, 2);
    assert.equal(ready.status?.numberUnavailable, undefined);
  });

  it('runs on the tainted node when the template tolerates its taint', async () => {
    await daemonSets().create(daemonSet('tolerant', {}, { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }));
    await bed.dsWhen('tolerant', (d) => d.status?.currentNumberScheduled === 3, 'three scheduled');
    assert.deepEqual(nodesOf(bed.placement('tolerant')), ['n1', 'n2', 'n3']);
  });

  it('follows nodeSelector as node labels change', async () => {
    await daemonSets().create(daemonSet('ssd', {}, { nodeSelector: { disk: 'ssd' } }));
    await bed.dsWhen('ssd', (d) => d.status?.currentNumberScheduled === 1, 'one scheduled');
    assert.deepEqual(nodesOf(bed.placement('ssd')), ['n1']);
    await nodes().patch('n2', undefined, 'merge', { metadata: { labels: { disk: 'ssd' } } });
    await bed.dsWhen('ssd', (d) => d.status?.currentNumberScheduled === 2 && d.status.desiredNumberScheduled === 2, 'n2 labelled');
    assert.deepEqual(nodesOf(bed.placement('ssd')), ['n1', 'n2']);
    await nodes().patch('n1', undefined, 'merge', { metadata: { labels: { disk: null } } });
    await waitFor(bed.pods, () => nodesOf(bed.placement('ssd')).join() === 'n2', 'the pod on n1 removed');
    await bed.dsWhen('ssd', (d) => d.status?.desiredNumberScheduled === 1 && d.status.currentNumberScheduled === 1 && d.status.numberMisscheduled === 0, 'status after relabel');
  });

  it('adds a pod for a new node and removes the pods of a deleted node', async () => {
    await bed.addNode('n4');
    await waitFor(bed.pods, () => nodesOf(bed.placement('agent')).includes('n4'), 'a pod for n4');
    await nodes().delete('n4');
    await waitFor(bed.pods, () => !nodesOf(bed.placement('agent')).includes('n4') && !bed.pods.list('default').some((p) => p.metadata.ownerReferences?.[0]?.name === 'agent' && p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0] === 'n4'), 'the pod for n4 gone');
    assert.deepEqual(nodesOf(bed.placement('agent')), ['n1', 'n2']);
  });

  it('keeps a pod on a node tainted NoSchedule later, and evicts on an untolerated NoExecute taint', async () => {
    await nodes().patch('n2', undefined, 'merge', { spec: { taints: [{ key: 'maintenance', effect: 'NoSchedule' }] } });
    await bed.dsWhen('agent', (d) => d.status?.numberMisscheduled === 1 && d.status.desiredNumberScheduled === 1, 'n2 misscheduled');
    assert.deepEqual(nodesOf(bed.placement('agent')), ['n1', 'n2']);
    await nodes().patch('n2', undefined, 'merge', { spec: { taints: [{ key: 'maintenance', effect: 'NoExecute' }] } });
    await waitFor(bed.pods, () => nodesOf(bed.placement('agent')).join() === 'n1', 'the pod on n2 evicted');
    await nodes().patch('n2', undefined, 'merge', { spec: { taints: null } });
    await waitFor(bed.pods, () => nodesOf(bed.placement('agent')).join() === 'n1,n2', 'back on n2');
  });

  it('replaces a failed pod, backing off when it keeps failing', { timeout: 15_000 }, async () => {
    const onN1 = () => bed.pods.list('default').find((p) => p.metadata.ownerReferences?.[0]?.name === 'tolerant' && p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0] === 'n1' && !p.metadata.deletionTimestamp);
    const first = onN1()!;
    await reportPod(bed.env.client, first, 'Failed', bed.clock.now());
    const second = await waitFor(bed.pods, (p) => p === onN1() && p.metadata.uid !== first.metadata.uid, 'a replacement on n1');
    assert.ok(bed.events.list('default').some((e) => e.reason === 'FailedDaemonPod' && e.message === `Found failed daemon pod default/${first.metadata.name} on node n1, will try to kill it`));
    // Failing again at once: within the 1 s back-off the pod stays.
    const failed = await reportPod(bed.env.client, second, 'Failed', bed.clock.now());
    await bed.clock.parked(1);
    assert.equal(bed.pods.get(failed.metadata.name!, 'default')?.metadata.uid, second.metadata.uid);
    bed.clock.advance(1_000);
    await waitFor(bed.pods, (p) => p === onN1() && p.metadata.uid !== second.metadata.uid, 'replaced after the back-off');
  });

  it('reported no errors', () => {
    assert.deepEqual(bed.errors.map(String), []);
  });
});

