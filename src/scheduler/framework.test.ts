import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerCache } from './cache.js';
import { simpleClusterView } from './cluster-view.js';
import { fitErrorMessage, Framework, numFeasibleNodesToFind, type Diagnosis } from './framework.js';
import { defaultPlugins } from './plugins/index.js';
import { info, testNode, testPod } from './testing/objects.js';
import { unresolvable, unschedulable } from './types.js';

describe('framework', () => {
  it('formats FitError messages as upstream (reasons counted, sorted as strings)', () => {
    const diagnosis: Diagnosis = { statuses: new Map([
      ['a', unresolvable('TaintToleration', 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }')],
      ['b', unschedulable('NodeResourcesFit', 'Insufficient cpu')],
      ['c', unschedulable('NodeResourcesFit', 'Insufficient cpu', 'Insufficient memory')],
    ]) };
    diagnosis.postFilterMessage = 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    assert.equal(fitErrorMessage(3, diagnosis),
      '0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    assert.equal(fitErrorMessage(2, { statuses: new Map(), preFilterMessage: 'pod has unbound immediate PersistentVolumeClaims' }), '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.');
  });

  it('finds an adaptive share of feasible nodes in large clusters', () => {
    assert.equal(numFeasibleNodesToFind(50), 50);
    assert.equal(numFeasibleNodesToFind(100), 100);
    assert.equal(numFeasibleNodesToFind(1000), 420);
    assert.equal(numFeasibleNodesToFind(5000), 500);
    assert.equal(numFeasibleNodesToFind(10000), 500);
    assert.equal(numFeasibleNodesToFind(200), 100);
    assert.equal(numFeasibleNodesToFind(1000, 10), 100);
  });

  it('evaluates nodes from a rotating start, and picks the best', () => {
    const cache = new SchedulerCache();
    for (let i = 0; i < 1000; i++) cache.setNode(testNode(`n${i}`));
    const fw = new Framework(defaultPlugins(), simpleClusterView(cache), () => 0);
    const first = fw.schedule(info(testPod('p', { cpu: '1' }))).result;
    assert.equal(first.kind, 'scheduled');
    assert.equal(first.kind === 'scheduled' && first.evaluated, 420);
    // The next attempt starts where this one stopped.
    const second = fw.schedule(info(testPod('q', { cpu: '1' }))).result;
    assert.ok(second.kind === 'scheduled' && Number(second.node.slice(1)) >= 420 && Number(second.node.slice(1)) < 840, JSON.stringify(second));
  });

  it('breaks ties at random among the best nodes', () => {
    const cache = new SchedulerCache();
    for (const name of ['a', 'b', 'c']) cache.setNode(testNode(name));
    const seen = new Set<string>();
    let r = 0;
    const randoms = [0.99, 0.0, 0.99, 0.99, 0.5, 0.0];
    const fw = new Framework(defaultPlugins(), simpleClusterView(cache), () => randoms[r++ % randoms.length]!);
    for (let i = 0; i < 6; i++) {
      const res = fw.schedule(info(testPod(`p${i}`))).result;
      if (res.kind === 'scheduled') seen.add(res.node);
    }
    assert.ok(seen.size > 1, `always ${[...seen]}`);
  });

  it('filters only the nodes a DaemonSet-style pod names, counting the others as left out', () => {
    const cache = new SchedulerCache();
    for (const name of ['a', 'b', 'c']) cache.setNode(testNode(name, { cpu: '1' }));
    const fw = new Framework(defaultPlugins(), simpleClusterView(cache));
    const daemon = testPod('d', { cpu: '2', spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }] } } } } });
    const { result } = fw.schedule(info(daemon));
    assert.equal(result.kind, 'unschedulable');
    if (result.kind === 'unschedulable') {
      assert.deepEqual([...result.diagnosis.statuses.keys()], ['b']);
      assert.equal(fitErrorMessage(result.numAllNodes, result.diagnosis), "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
    }
    const fits = fw.schedule(info({ ...daemon, spec: { ...daemon.spec, containers: [{ name: 'c' }] } })).result;
    assert.ok(fits.kind === 'scheduled' && fits.node === 'b');
  });

  it('reports every node when none fits', () => {
    const cache = new SchedulerCache();
    cache.setNode(testNode('small', { cpu: '1' }));
    cache.setNode(testNode('cordoned', { unschedulable: true }));
    const fw = new Framework(defaultPlugins(), simpleClusterView(cache));
    const { result } = fw.schedule(info(testPod('p', { cpu: '2' })));
    assert.equal(result.kind, 'unschedulable');
    if (result.kind === 'unschedulable') assert.equal(fitErrorMessage(result.numAllNodes, result.diagnosis), '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable.');
  });
});
