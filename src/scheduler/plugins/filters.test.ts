/** The simple filters and scores, as pure functions of a pod and node infos. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerCache } from '../cache.js';
import { simpleClusterView } from '../cluster-view.js';
import type { Cycle, Plugin } from '../framework.js';
import { info, nodeInfo, testNode, testPod } from '../testing/objects.js';
import type { Pod } from '../../api/objects/index.js';
import type { NodeInfo } from '../cache.js';
import type { Status } from '../types.js';
import { balancedAllocation } from './balanced-allocation.js';
import { nodeAffinity } from './node-affinity.js';
import { nodeName } from './node-name.js';
import { nodePorts } from './node-ports.js';
import { nodeResourcesFit } from './node-resources-fit.js';
import { nodeUnschedulable } from './node-unschedulable.js';
import { taintToleration } from './taint-toleration.js';

function cycle(pod: Pod): Cycle {
  return { pod: info(pod), cluster: simpleClusterView(new SchedulerCache()), state: new Map() };
}

/** The plugin's verdict, PreFilter included: undefined when the pod fits. */
function run(plugin: Plugin, pod: Pod, node: NodeInfo): Status | undefined {
  const c = cycle(pod);
  const pre = plugin.preFilter?.(c);
  if (pre === 'skip') return undefined;
  if (pre && 'code' in pre) return pre;
  if (pre && !pre.nodeNames.has(node.name)) return { code: 'UnschedulableAndUnresolvable', reasons: ['left out by PreFilter'], plugin: plugin.name };
  return plugin.filter?.(c, node);
}

function scores(plugin: Plugin, pod: Pod, nodes: NodeInfo[]): number[] | 'skip' {
  const c = cycle(pod);
  if (plugin.preScore?.(c, nodes) === 'skip') return 'skip';
  const s = nodes.map((n) => plugin.score!(c, n));
  plugin.normalize?.(c, s, nodes);
  return s;
}

const withPorts = (name: string, ports: Array<{ hostPort: number; hostIP?: string; protocol?: string }>) =>
  testPod(name, { containers: [{ name: 'c', ports: ports.map((p) => ({ containerPort: p.hostPort, ...p })) }] });

describe('NodeResourcesFit', () => {
  it('rejects with every insufficient resource, and counts pods', () => {
    const node = nodeInfo(testNode('n', { cpu: '1', memory: '1Gi', pods: '1' }), [testPod('old', { cpu: '500m' })]);
    const status = run(nodeResourcesFit, testPod('p', { cpu: '600m', memory: '2Gi' }), node);
    assert.deepEqual(status?.reasons, ['Too many pods', 'Insufficient cpu', 'Insufficient memory']);
    // 2Gi exceeds the whole node: no preemption can help.
    assert.equal(status?.code, 'UnschedulableAndUnresolvable');
    assert.equal(run(nodeResourcesFit, testPod('p', { cpu: '600m' }), nodeInfo(testNode('n', { cpu: '1' }), [testPod('old', { cpu: '500m' })]))?.code, 'Unschedulable');
    assert.equal(run(nodeResourcesFit, testPod('p', { cpu: '500m' }), nodeInfo(testNode('n', { cpu: '1' }), [testPod('old', { cpu: '500m' })])), undefined);
  });

  it('checks extended resources', () => {
    const gpuPod = testPod('p', { containers: [{ name: 'c', resources: { requests: { 'example.com/gpu': '2' } } }] });
    assert.deepEqual(run(nodeResourcesFit, gpuPod, nodeInfo(testNode('n', { extra: { 'example.com/gpu': '1' } })))?.reasons, ['Insufficient example.com/gpu']);
    assert.equal(run(nodeResourcesFit, gpuPod, nodeInfo(testNode('n', { extra: { 'example.com/gpu': '2' } }))), undefined);
  });

  it('scores the least allocated node highest', () => {
    const empty = nodeInfo(testNode('a', { cpu: '4', memory: '4Gi' }));
    const busy = nodeInfo(testNode('b', { cpu: '4', memory: '4Gi' }), [testPod('x', { cpu: '2', memory: '2Gi' })]);
    // a: cpu (4000-1000)/4000 → 75, memory (4Gi-1Gi)/4Gi → 75; b: 25 and 25.
    assert.deepEqual(scores(nodeResourcesFit, testPod('p', { cpu: '1', memory: '1Gi' }), [empty, busy]), [75, 25]);
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  it('prefers equal cpu and memory shares and skips pods without requests', () => {
    const a = nodeInfo(testNode('a', { cpu: '4', memory: '4Gi' }));
    const b = nodeInfo(testNode('b', { cpu: '4', memory: '4Gi' }), [testPod('x', { cpu: '2' })]);
    // a: 0.25/0.25 → 100; b: 0.75/0.25 → std 0.25 → 75.
    assert.deepEqual(scores(balancedAllocation, testPod('p', { cpu: '1', memory: '1Gi' }), [a, b]), [100, 75]);
    assert.equal(scores(balancedAllocation, testPod('p'), [a, b]), 'skip');
  });
});

describe('NodeUnschedulable, NodeName', () => {
  it('keeps pods off cordoned nodes unless they tolerate it', () => {
    const cordoned = nodeInfo(testNode('n', { unschedulable: true }));
    assert.deepEqual(run(nodeUnschedulable, testPod('p'), cordoned), { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'], plugin: 'NodeUnschedulable' });
    const tolerant = testPod('p', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
    assert.equal(run(nodeUnschedulable, tolerant, cordoned), undefined);
  });

  it('matches spec.nodeName', () => {
    const pod = testPod('p', { spec: { nodeName: 'b' } });
    assert.deepEqual(run(nodeName, pod, nodeInfo(testNode('a')))?.reasons, ["node(s) didn't match the requested node name"]);
    assert.equal(run(nodeName, pod, nodeInfo(testNode('b'))), undefined);
  });
});

describe('TaintToleration', () => {
  const tainted = nodeInfo(testNode('t', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'soft', effect: 'PreferNoSchedule' }] }));

  it('rejects untolerated NoSchedule/NoExecute taints with upstream reason', () => {
    assert.deepEqual(run(taintToleration, testPod('p'), tainted)?.reasons, ['node(s) had untolerated taint {dedicated: gpu}']);
    const equal = testPod('p', { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }] } });
    assert.equal(run(taintToleration, equal, tainted), undefined);
    const wrongValue = testPod('p', { spec: { tolerations: [{ key: 'dedicated', value: 'cpu' }] } });
    assert.ok(run(taintToleration, wrongValue, tainted));
    const everything = testPod('p', { spec: { tolerations: [{ operator: 'Exists' }] } });
    assert.equal(run(taintToleration, everything, tainted), undefined);
  });

  it('scores fewer untolerated PreferNoSchedule taints higher', () => {
    const clean = nodeInfo(testNode('c'));
    const soft = nodeInfo(testNode('s', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }));
    assert.deepEqual(scores(taintToleration, testPod('p'), [clean, soft]), [100, 0]);
    const tolerant = testPod('p', { spec: { tolerations: [{ key: 'soft', operator: 'Exists', effect: 'PreferNoSchedule' }] } });
    assert.deepEqual(scores(taintToleration, tolerant, [clean, soft]), [100, 100]);
  });
});

describe('NodeAffinity', () => {
  const ssd = nodeInfo(testNode('ssd-node', { labels: { disk: 'ssd', gen: '5' } }));
  const hdd = nodeInfo(testNode('hdd-node', { labels: { disk: 'hdd', gen: '3' } }));
  const REASON = "node(s) didn't match Pod's node affinity/selector";

  it('applies nodeSelector', () => {
    const pod = testPod('p', { spec: { nodeSelector: { disk: 'ssd' } } });
    assert.equal(run(nodeAffinity, pod, ssd), undefined);
    assert.deepEqual(run(nodeAffinity, pod, hdd)?.reasons, [REASON]);
  });

  it('applies required terms: ORed terms, ANDed requirements, Gt, matchFields', () => {
    const pod = (terms: unknown) => testPod('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms as never } } } } });
    const gt4 = pod([{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }]);
    assert.equal(run(nodeAffinity, gt4, ssd), undefined);
    assert.ok(run(nodeAffinity, gt4, hdd));
    const byName = pod([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['hdd-node'] }] }]);
    assert.ok(run(nodeAffinity, byName, ssd));
    assert.equal(run(nodeAffinity, byName, hdd), undefined);
    const either = pod([{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['nvme'] }] }, { matchExpressions: [{ key: 'disk', operator: 'Exists' }, { key: 'gen', operator: 'NotIn', values: ['5'] }] }]);
    assert.ok(run(nodeAffinity, either, ssd));
    assert.equal(run(nodeAffinity, either, hdd), undefined);
    assert.ok(run(nodeAffinity, pod([{}]), ssd), 'an empty term matches nothing');
    // Terms naming nodes narrow the search before filtering; names that cannot all hold conflict.
    const c = cycle(byName);
    assert.deepEqual(nodeAffinity.preFilter!(c), { nodeNames: new Set(['hdd-node']) });
    const conflicting = pod([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }, { key: 'metadata.name', operator: 'In', values: ['b'] }] }]);
    assert.deepEqual(run(nodeAffinity, conflicting, ssd)?.reasons, ['pod affinity terms conflict']);
  });

  it('scores preferred terms by weight', () => {
    const pod = testPod('p', { spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
      { weight: 5, preference: { matchExpressions: [{ key: 'gen', operator: 'Exists' }] } },
    ] } } } });
    // ssd 15, hdd 5 → 100 and 33.
    assert.deepEqual(scores(nodeAffinity, pod, [ssd, hdd]), [100, 33]);
    assert.equal(scores(nodeAffinity, testPod('q'), [ssd, hdd]), 'skip');
  });
});

describe('NodePorts', () => {
  it('finds host port conflicts, with 0.0.0.0 matching every address', () => {
    const node = nodeInfo(testNode('n'), [withPorts('old', [{ hostPort: 80, hostIP: '10.0.0.1' }])]);
    const REASON = "node(s) didn't have free ports for the requested pod ports";
    assert.deepEqual(run(nodePorts, withPorts('p', [{ hostPort: 80 }]), node)?.reasons, [REASON]);
    assert.ok(run(nodePorts, withPorts('p', [{ hostPort: 80, hostIP: '10.0.0.1' }]), node));
    assert.equal(run(nodePorts, withPorts('p', [{ hostPort: 80, hostIP: '10.0.0.2' }]), node), undefined);
    assert.equal(run(nodePorts, withPorts('p', [{ hostPort: 80, protocol: 'UDP' }]), node), undefined);
    assert.equal(run(nodePorts, withPorts('p', [{ hostPort: 81 }]), node), undefined);
  });
});
