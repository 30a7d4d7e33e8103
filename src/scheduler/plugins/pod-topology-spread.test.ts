import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, TopologySpreadConstraint } from '../../api/objects/index.js';
import { selectorOf } from '../../apiserver/selectors/labels.js';
import { SchedulerCache } from '../cache.js';
import { simpleClusterView, type ClusterView } from '../cluster-view.js';
import type { Cycle } from '../framework.js';
import { info, testNode, testPod } from '../testing/objects.js';
import { ERR_CONSTRAINTS, ERR_MISSING_LABEL, podTopologySpread } from './pod-topology-spread.js';

const ZONE = 'topology.kubernetes.io/zone';

function cluster(nodes: Array<[string, Record<string, string>]>, placed: Array<[Pod, string]>, view?: (cache: SchedulerCache) => ClusterView) {
  const cache = new SchedulerCache();
  for (const [name, labels] of nodes) cache.setNode(testNode(name, { labels }));
  for (const [pod, node] of placed) cache.upsertPod({ ...pod, spec: { ...pod.spec, nodeName: node } });
  return { cache, view: view ? view(cache) : simpleClusterView(cache) };
}

const web = (name: string) => testPod(name, { labels: { app: 'web' } });
const spread = (c: Partial<TopologySpreadConstraint>): TopologySpreadConstraint => ({ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...c });
const withSpread = (name: string, constraints: TopologySpreadConstraint[], spec: Partial<Pod['spec']> = {}) =>
  testPod(name, { labels: { app: 'web' }, spec: { topologySpreadConstraints: constraints, ...spec } });

function verdicts(pod: Pod, c: ReturnType<typeof cluster>): Record<string, string> {
  const cycle: Cycle = { pod: info(pod), cluster: c.view, state: new Map() };
  const pre = podTopologySpread.preFilter!(cycle);
  const out: Record<string, string> = {};
  for (const node of c.cache.nodeList()) out[node.name] = pre === 'skip' ? 'ok' : podTopologySpread.filter!(cycle, node)?.reasons[0] ?? 'ok';
  return out;
}

function scores(pod: Pod, c: ReturnType<typeof cluster>): number[] | 'skip' {
  const cycle: Cycle = { pod: info(pod), cluster: c.view, state: new Map() };
  const nodes = c.cache.nodeList();
  if (podTopologySpread.preScore!(cycle, nodes) === 'skip') return 'skip';
  const s = nodes.map((n) => podTopologySpread.score!(cycle, n));
  podTopologySpread.normalize!(cycle, s, nodes);
  return s;
}

describe('PodTopologySpread filter', () => {
  const nodes: Array<[string, Record<string, string>]> = [['a1', { [ZONE]: 'a' }], ['b1', { [ZONE]: 'b' }], ['nolabel', {}]];

  it('keeps the skew within maxSkew, and rejects nodes without the key', () => {
    const c = cluster(nodes, [[web('w0'), 'a1']]);
    assert.deepEqual(verdicts(withSpread('w1', [spread({})]), c), { a1: ERR_CONSTRAINTS, b1: 'ok', nolabel: ERR_MISSING_LABEL });
    assert.deepEqual(verdicts(withSpread('w1', [spread({ maxSkew: 2 })]), c), { a1: 'ok', b1: 'ok', nolabel: ERR_MISSING_LABEL });
  });

  it('treats the minimum as 0 while fewer than minDomains domains exist', () => {
    const c = cluster(nodes, [[web('w0'), 'a1'], [web('w1'), 'b1']]);
    assert.deepEqual(verdicts(withSpread('w2', [spread({})]), c), { a1: 'ok', b1: 'ok', nolabel: ERR_MISSING_LABEL });
    assert.deepEqual(verdicts(withSpread('w2', [spread({ minDomains: 3 })]), c), { a1: ERR_CONSTRAINTS, b1: ERR_CONSTRAINTS, nolabel: ERR_MISSING_LABEL });
  });

  it('counts only nodes the pod could go to (nodeAffinityPolicy Honor) unless told to ignore it', () => {
    const c = cluster([['a1', { [ZONE]: 'a', pool: 'x' }], ['b1', { [ZONE]: 'b', pool: 'y' }]], [[web('w0'), 'a1'], [web('w1'), 'a1']]);
    // With b excluded by the nodeSelector, zone a is the only domain: skew 2 + 1 - 2 = 1.
    assert.equal(verdicts(withSpread('w2', [spread({})], { nodeSelector: { pool: 'x' } }), c).a1, 'ok');
    assert.equal(verdicts(withSpread('w2', [spread({ nodeAffinityPolicy: 'Ignore' })], { nodeSelector: { pool: 'x' } }), c).a1, ERR_CONSTRAINTS);
  });

  it('ignores ScheduleAnyway constraints and other namespaces', () => {
    const c = cluster(nodes, [[testPod('w0', { namespace: 'other', labels: { app: 'web' } }), 'a1']]);
    assert.equal(verdicts(withSpread('w1', [spread({})]), c).a1, 'ok');
    assert.deepEqual(verdicts(withSpread('w1', [spread({ whenUnsatisfiable: 'ScheduleAnyway' })]), c), { a1: 'ok', b1: 'ok', nolabel: 'ok' });
  });
});

describe('PodTopologySpread score', () => {
  it('prefers emptier domains for ScheduleAnyway constraints', () => {
    const c = cluster([['a1', { [ZONE]: 'a' }], ['a2', { [ZONE]: 'a' }], ['b1', { [ZONE]: 'b' }]], [[web('w0'), 'a1'], [web('w1'), 'a2']]);
    const s = scores(withSpread('w2', [spread({ whenUnsatisfiable: 'ScheduleAnyway' })]), c);
    assert.ok(Array.isArray(s));
    assert.equal(s[2], 100);
    assert.ok(s[0]! < 100 && s[0] === s[1], JSON.stringify(s));
  });

  it('spreads pods of a Service or controller by hostname by default, and skips other pods', () => {
    const selector = selectorOf([{ key: 'app', op: '=', values: ['web'] }]);
    const c = cluster([['n1', { 'kubernetes.io/hostname': 'n1' }], ['n2', { 'kubernetes.io/hostname': 'n2' }]], [[web('w0'), 'n1'], [web('w1'), 'n1']],
      (cache) => simpleClusterView(cache, {}, (pod) => (pod.metadata.labels?.app === 'web' ? selector : undefined)));
    const s = scores(web('w2'), c);
    assert.ok(Array.isArray(s) && s[1] === 100 && s[0]! < 100, JSON.stringify(s));
    assert.equal(scores(testPod('lonely'), c), 'skip');
  });
});
