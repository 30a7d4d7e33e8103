import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodDisruptionBudget } from '../api/objects/index.js';
import { SchedulerCache } from './cache.js';
import { simpleClusterView } from './cluster-view.js';
import { fitErrorMessage, Framework } from './framework.js';
import { defaultPlugins } from './plugins/index.js';
import { DefaultPreemption, splitByPdbViolation } from './preemption.js';
import { info, testNode, testPod } from './testing/objects.js';

function setup(nodes: Array<[string, string]>, placed: Array<[Pod, string]>, pdbs: PodDisruptionBudget[] = []) {
  const cache = new SchedulerCache();
  for (const [name, cpu] of nodes) cache.setNode(testNode(name, { cpu }));
  for (const [pod, node] of placed) cache.upsertPod({ ...pod, spec: { ...pod.spec, nodeName: node } });
  const fw = new Framework(defaultPlugins(), simpleClusterView(cache), () => 0);
  const evicted: string[] = [];
  const preemption = new DefaultPreemption({ framework: fw, pdbs: () => pdbs, random: () => 0, evict: (v, _p, node) => evicted.push(`${v.metadata.name}@${node}`), clearNomination: () => undefined });
  const attempt = (pod: Pod) => {
    const { result, cycle, filters } = fw.schedule(info(pod));
    assert.equal(result.kind, 'unschedulable');
    if (result.kind !== 'unschedulable') throw new Error('scheduled');
    const outcome = preemption.postFilter(cycle, filters, result.diagnosis);
    result.diagnosis.postFilterMessage = outcome.message;
    return { ...outcome, message: fitErrorMessage(result.numAllNodes, result.diagnosis) };
  };
  return { cache, fw, evicted, attempt };
}

const pod = (name: string, cpu: string, priority: number, extra: Parameters<typeof testPod>[1] = {}) => testPod(name, { cpu, priority, ...extra });

describe('DefaultPreemption', () => {
  it('evicts the fewest, least important pods and nominates the node', () => {
    const s = setup([['a', '2'], ['b', '2']], [
      [pod('a-low', '1', 1), 'a'], [pod('a-mid', '1', 5), 'a'],
      [pod('b-low1', '1', 1), 'b'], [pod('b-low2', '1', 1), 'b'],
    ]);
    const outcome = s.attempt(pod('important', '1', 100));
    // Each node frees a cpu by evicting one priority-1 pod (a-mid is reprieved first, being more
    // important); every rule ties, so the first candidate found wins.
    assert.equal(outcome.nominatedNodeName, 'a');
    assert.deepEqual(s.evicted, ['a-low@a']);
    assert.equal(outcome.message, '0/2 nodes are available: 2 Insufficient cpu.');
    // The what-if left the cache as it was.
    assert.equal(s.cache.nodeInfo('a')!.pods.size, 2);
    assert.equal(s.cache.nodeInfo('a')!.requested.cpu, 2000);
    assert.equal(s.fw.nominator.nominatedNode('default/important'), outcome.nominatedNodeName);
  });

  it('prefers the node whose victims have the lowest highest priority', () => {
    const s = setup([['a', '2'], ['b', '2']], [[pod('a-mid', '2', 50), 'a'], [pod('b-low', '2', 10), 'b']]);
    assert.equal(s.attempt(pod('p', '1', 100)).nominatedNodeName, 'b');
    assert.deepEqual(s.evicted, ['b-low@b']);
  });

  it('explains when preemption cannot help', () => {
    const s = setup([['a', '2']], [[pod('same', '2', 100), 'a']]);
    assert.equal(s.attempt(pod('p', '1', 100)).message, '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
    const big = setup([['a', '2'], ['b', '2']], [[pod('x', '1', 0), 'a']]);
    // Larger than any node: unresolvable, so preemption is not even tried.
    assert.equal(big.attempt(pod('p', '3', 100)).message, '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
    const never = setup([['a', '2']], [[pod('low', '2', 0), 'a']]);
    assert.equal(never.attempt(pod('p', '1', 100, { spec: { preemptionPolicy: 'Never' } })).message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
    assert.deepEqual(never.evicted, []);
  });

  it('keeps PDB-protected pods when it can', () => {
    const pdb: PodDisruptionBudget = { metadata: { name: 'keep', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'db' } } }, status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } };
    const s = setup([['a', '2'], ['b', '2']], [[pod('db', '2', 1, { labels: { app: 'db' } }), 'a'], [pod('web', '2', 1, { labels: { app: 'web' } }), 'b']], [pdb]);
    assert.equal(s.attempt(pod('p', '1', 100)).nominatedNodeName, 'b');
    const split = splitByPdbViolation([info({ ...pod('db', '1', 1, { labels: { app: 'db' } }) })], [pdb]);
    assert.equal(split.violating.length, 1);
  });

  it('lets a nominated pod keep its room from lower-priority pods', () => {
    const s = setup([['a', '2']], [[pod('low', '2', 1), 'a']]);
    const outcome = s.attempt(pod('high', '2', 100));
    assert.equal(outcome.nominatedNodeName, 'a');
    s.cache.removePod('default/low'); // the victim is gone
    const other = s.fw.schedule(info(pod('sneaky', '1', 1))).result;
    assert.equal(other.kind, 'unschedulable');
    assert.equal(s.fw.schedule(info(pod('high', '2', 100))).result.kind, 'scheduled');
  });
});
