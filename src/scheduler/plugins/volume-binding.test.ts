/** VolumeBinding as a pure function of a pod, its claims, volumes, classes and node infos. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../api/objects/index.js';
import { SchedulerCache } from '../cache.js';
import { simpleClusterView } from '../cluster-view.js';
import { fitErrorMessage, Framework, type Cycle } from '../framework.js';
import { info, nodeInfo, testNode, testPod } from '../testing/objects.js';
import type { NodeInfo } from '../cache.js';
import type { Status } from '../types.js';
import {
  ERR_BIND_CONFLICT, ERR_NODE_CONFLICT, ERR_PV_NOT_EXIST, ERR_UNBOUND_IMMEDIATE, nodeDecision, volumeBinding, type NodeDecision, type VolumeBindingSource,
} from './volume-binding.js';
import { defaultPlugins } from './index.js';

/** A node run by an agent: it says where its local-path volumes live. */
const agentNode = (...args: Parameters<typeof testNode>) => {
  const node = testNode(...args);
  node.metadata.annotations = { 'skiff.dev/local-path-root': `/var/lib/${node.metadata.name}/storage` };
  return nodeInfo(node);
};
const n1 = agentNode('n1');
const n2 = agentNode('n2', { labels: { zone: 'b' } });

const classes: Record<string, StorageClass> = {
  'local-path': { metadata: { name: 'local-path' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' },
  manual: { metadata: { name: 'manual' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' },
  zoned: { metadata: { name: 'zoned' }, provisioner: 'example.com/zoned', volumeBindingMode: 'WaitForFirstConsumer', allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: ['b'] }] }] },
  now: { metadata: { name: 'now' }, provisioner: 'example.com/now', volumeBindingMode: 'Immediate' },
};

function claim(name: string, o: { class?: string; volumeName?: string; bound?: boolean; annotations?: Record<string, string>; storage?: string; phase?: string; deleting?: boolean } = {}): PersistentVolumeClaim {
  const annotations = { ...o.annotations, ...(o.bound ? { 'pv.kubernetes.io/bind-completed': 'yes' } : {}) };
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '1', annotations, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.storage ?? '1Gi' } }, storageClassName: o.class ?? 'local-path', ...(o.volumeName ? { volumeName: o.volumeName } : {}) },
    status: { phase: o.phase ?? (o.bound ? 'Bound' : 'Pending') },
  };
}

function volume(name: string, o: { class?: string; node?: string; storage?: string } = {}): PersistentVolume {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, resourceVersion: '1' },
    spec: {
      capacity: { storage: o.storage ?? '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: o.class ?? 'manual', hostPath: { path: `/tmp/${name}` },
      ...(o.node ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [o.node] }] }] } } } : {}),
    },
    status: { phase: 'Available' },
  };
}

function source(claims: PersistentVolumeClaim[], volumes: PersistentVolume[] = [], api?: VolumeBindingSource['api']): VolumeBindingSource {
  return {
    claim: (ns, name) => claims.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
    volume: (name) => volumes.find((v) => v.metadata.name === name),
    volumes: () => volumes,
    storageClass: (name) => classes[name],
    api,
  };
}

const usingClaims = (...names: string[]): Pod => testPod('p', { spec: { volumes: names.map((claimName) => ({ name: claimName, persistentVolumeClaim: { claimName } })) } });

/** PreFilter's verdict, then Filter's per node: the statuses by node (undefined: fits). */
function run(src: VolumeBindingSource, pod: Pod, nodes: NodeInfo[] = [n1, n2]): { pre?: Status | 'skip'; byNode: Record<string, Status | undefined>; cycle: Cycle } {
  const plugin = volumeBinding(src);
  const cycle: Cycle = { pod: info(pod), cluster: simpleClusterView(new SchedulerCache()), state: new Map() };
  const pre = plugin.preFilter!(cycle);
  if (pre === 'skip' || (pre && 'code' in pre)) return { pre, byNode: {}, cycle };
  const byNode: Record<string, Status | undefined> = {};
  for (const node of nodes) byNode[node.name] = plugin.filter!(cycle, node);
  return { byNode, cycle };
}

describe('VolumeBinding', () => {
  it('skips pods without claims', () => {
    assert.equal(run(source([]), testPod('p')).pre, 'skip');
  });

  it('refuses, before any node, claims that are missing, lost, being deleted or unbound in an Immediate class', () => {
    const reasons = (src: VolumeBindingSource, pod: Pod) => {
      const { pre } = run(src, pod);
      assert.ok(pre && pre !== 'skip');
      assert.equal(pre.code, 'UnschedulableAndUnresolvable');
      return pre.reasons;
    };
    assert.deepEqual(reasons(source([]), usingClaims('data')), ['persistentvolumeclaim "data" not found']);
    const ephemeral = testPod('web', { spec: { volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: {} } }] } });
    assert.deepEqual(reasons(source([]), ephemeral), ['waiting for ephemeral volume controller to create the persistentvolumeclaim "web-scratch"']);
    assert.deepEqual(reasons(source([claim('web-scratch')]), ephemeral), ['PVC default/web-scratch was not created for pod default/web (pod is not owner)']);
    assert.deepEqual(reasons(source([claim('data', { phase: 'Lost', volumeName: 'gone', bound: true })]), usingClaims('data')), ['persistentvolumeclaim "data" bound to non-existent persistentvolume "gone"']);
    assert.deepEqual(reasons(source([claim('data', { deleting: true })]), usingClaims('data')), ['persistentvolumeclaim "data" is being deleted']);
    assert.deepEqual(reasons(source([claim('data', { class: 'now' })]), usingClaims('data')), [ERR_UNBOUND_IMMEDIATE]);
    // A claim that names its volume waits for the PV controller, whatever its class.
    assert.deepEqual(reasons(source([claim('data', { volumeName: 'v' })]), usingClaims('data')), [ERR_UNBOUND_IMMEDIATE]);
  });

  it('keeps pods with bound claims on the nodes their volumes allow', () => {
    const src = source([claim('data', { bound: true, volumeName: 'pv1' })], [volume('pv1', { node: 'n1' })]);
    const { byNode } = run(src, usingClaims('data'));
    assert.equal(byNode.n1, undefined);
    assert.deepEqual(byNode.n2?.reasons, [ERR_NODE_CONFLICT]);
    const missing = run(source([claim('data', { bound: true, volumeName: 'gone' })]), usingClaims('data'));
    assert.deepEqual(missing.byNode.n1?.reasons, [ERR_PV_NOT_EXIST]);
  });

  it('provisions a WaitForFirstConsumer claim on any node, and only on the node already selected', () => {
    let r = run(source([claim('data')]), usingClaims('data'));
    assert.equal(r.byNode.n1, undefined);
    assert.equal(r.byNode.n2, undefined);
    assert.deepEqual(nodeDecision(r.cycle, 'n2')?.provisions.map((c) => c.metadata.name), ['data']);
    r = run(source([claim('data', { annotations: { 'volume.kubernetes.io/selected-node': 'n1' } })]), usingClaims('data'));
    assert.equal(r.byNode.n1, undefined);
    assert.deepEqual(r.byNode.n2?.reasons, [ERR_BIND_CONFLICT]);
    // The class's allowed topologies.
    r = run(source([claim('data', { class: 'zoned' })]), usingClaims('data'));
    assert.deepEqual(r.byNode.n1?.reasons, [ERR_BIND_CONFLICT]);
    assert.equal(r.byNode.n2, undefined);
    // A node without local-path storage (no agent: a simulated node) cannot have a local-path volume.
    r = run(source([claim('data')]), usingClaims('data'), [n1, nodeInfo(testNode('simulated'))]);
    assert.equal(r.byNode.n1, undefined);
    assert.deepEqual(r.byNode.simulated?.reasons, [ERR_BIND_CONFLICT]);
  });

  it('matches static volumes by node, one volume per claim, smallest claims first', () => {
    const claims = [claim('big', { class: 'manual', storage: '5Gi' }), claim('small', { class: 'manual' })];
    const volumes = [volume('pv-n1-small', { node: 'n1' }), volume('pv-n1-big', { node: 'n1', storage: '10Gi' }), volume('pv-n2', { node: 'n2', storage: '10Gi' })];
    const r = run(source(claims, volumes), usingClaims('big', 'small'));
    assert.equal(r.byNode.n1, undefined);
    assert.deepEqual(nodeDecision(r.cycle, 'n1')?.bindings.map((b) => `${b.pvc.metadata.name}->${b.pv.metadata.name}`), ['small->pv-n1-small', 'big->pv-n1-big']);
    // n2 has one volume for two claims, and the class provisions nothing.
    assert.deepEqual(r.byNode.n2?.reasons, [ERR_BIND_CONFLICT]);
  });

  it('carries out the chosen node\'s decision at PreBind, and nothing when every claim is bound', async () => {
    const calls: Array<{ node: string; decision: NodeDecision }> = [];
    const api = { bindPodVolumes: async (_pod: Pod, decision: NodeDecision, node: string) => { calls.push({ node, decision }); } };
    const plugin = volumeBinding(source([claim('data')], [], api));
    const cycle: Cycle = { pod: info(usingClaims('data')), cluster: simpleClusterView(new SchedulerCache()), state: new Map() };
    plugin.preFilter!(cycle);
    plugin.filter!(cycle, n1);
    await plugin.preBind!(cycle, 'n1');
    assert.deepEqual(calls.map((c) => [c.node, c.decision.provisions.map((p) => p.metadata.name)]), [['n1', ['data']]]);
    const boundPlugin = volumeBinding(source([claim('data', { bound: true, volumeName: 'pv1' })], [volume('pv1')], api));
    const boundCycle: Cycle = { pod: info(usingClaims('data')), cluster: simpleClusterView(new SchedulerCache()), state: new Map() };
    boundPlugin.preFilter!(boundCycle);
    boundPlugin.filter!(boundCycle, n1);
    await boundPlugin.preBind!(boundCycle, 'n1');
    assert.equal(calls.length, 1);
  });

  it('explains itself in the FitError message', () => {
    const cache = new SchedulerCache();
    for (const n of [testNode('n1'), testNode('n2')]) cache.setNode(n);
    const fw = new Framework(defaultPlugins(source([claim('data', { bound: true, volumeName: 'pv1' })], [volume('pv1', { node: 'elsewhere' })])), simpleClusterView(cache));
    const { result } = fw.schedule(info(usingClaims('data')));
    assert.equal(result.kind, 'unschedulable');
    if (result.kind !== 'unschedulable') return;
    assert.equal(fitErrorMessage(result.numAllNodes, result.diagnosis), "0/2 nodes are available: 2 node(s) didn't match PersistentVolume's node affinity.");
    const missing = new Framework(defaultPlugins(source([])), simpleClusterView(cache)).schedule(info(usingClaims('data'))).result;
    assert.ok(missing.kind === 'unschedulable');
    if (missing.kind !== 'unschedulable') return;
    assert.equal(fitErrorMessage(missing.numAllNodes, missing.diagnosis), '0/2 nodes are available: persistentvolumeclaim "data" not found.');
    assert.equal(missing.diagnosis.preFilterPlugin, 'VolumeBinding');
  });
});
