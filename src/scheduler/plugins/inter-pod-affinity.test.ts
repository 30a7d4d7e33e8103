import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodAffinityTerm } from '../../api/objects/index.js';
import { SchedulerCache } from '../cache.js';
import { simpleClusterView } from '../cluster-view.js';
import type { Cycle } from '../framework.js';
import { info, testNode, testPod } from '../testing/objects.js';
import { ERR_AFFINITY, ERR_ANTI_AFFINITY, ERR_EXISTING_ANTI_AFFINITY, interPodAffinity } from './inter-pod-affinity.js';

const ZONE = 'topology.kubernetes.io/zone';
const term = (labels: Record<string, string>, topologyKey = ZONE, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ labelSelector: { matchLabels: labels }, topologyKey, ...extra });

/** Nodes a1, a2 in zone a; b1 in zone b; `placed` pods bound as given. */
function cluster(placed: Array<[Pod, string]>, namespaces: Record<string, Record<string, string>> = {}) {
  const cache = new SchedulerCache();
  cache.setNode(testNode('a1', { labels: { [ZONE]: 'a' } }));
  cache.setNode(testNode('a2', { labels: { [ZONE]: 'a' } }));
  cache.setNode(testNode('b1', { labels: { [ZONE]: 'b' } }));
  for (const [pod, node] of placed) cache.upsertPod({ ...pod, spec: { ...pod.spec, nodeName: node } });
  return { cache, view: simpleClusterView(cache, namespaces) };
}

function verdicts(pod: Pod, c: ReturnType<typeof cluster>): Record<string, string> {
  const cycle: Cycle = { pod: info(pod), cluster: c.view, state: new Map() };
  const pre = interPodAffinity.preFilter!(cycle);
  const out: Record<string, string> = {};
  for (const node of c.cache.nodeList()) {
    out[node.name] = pre === 'skip' ? 'ok' : interPodAffinity.filter!(cycle, node)?.reasons[0] ?? 'ok';
  }
  return out;
}

describe('InterPodAffinity filter', () => {
  it('requires a matching pod in the same topology domain', () => {
    const c = cluster([[testPod('db', { labels: { app: 'db' } }), 'a1']]);
    const pod = testPod('web', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' })] } } } });
    assert.deepEqual(verdicts(pod, c), { a1: 'ok', a2: 'ok', b1: ERR_AFFINITY });
  });

  it('lets the first pod of a self-affine group in', () => {
    const c = cluster([]);
    const pod = testPod('web', { labels: { app: 'web' }, spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' })] } } } });
    assert.deepEqual(verdicts(pod, c), { a1: 'ok', a2: 'ok', b1: 'ok' });
    const other = testPod('web', { labels: { app: 'web' }, spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' })] } } } });
    assert.deepEqual(verdicts(other, c), { a1: ERR_AFFINITY, a2: ERR_AFFINITY, b1: ERR_AFFINITY });
  });

  it('keeps anti-affine pods apart, in both directions', () => {
    const c = cluster([[testPod('web-0', { labels: { app: 'web' } }), 'a1']]);
    const anti = testPod('web-1', { labels: { app: 'web' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'kubernetes.io/hostname')] } } } });
    assert.deepEqual(verdicts(anti, c), { a1: ERR_ANTI_AFFINITY, a2: 'ok', b1: 'ok' });

    const c2 = cluster([[anti, 'a1']]);
    assert.deepEqual(verdicts(testPod('web-2', { labels: { app: 'web' } }), c2), { a1: ERR_EXISTING_ANTI_AFFINITY, a2: 'ok', b1: 'ok' });
    assert.deepEqual(verdicts(testPod('other', { labels: { app: 'other' } }), c2), { a1: 'ok', a2: 'ok', b1: 'ok' });
  });

  it('honours namespaces and namespaceSelector', () => {
    const c = cluster([[testPod('db', { namespace: 'data', labels: { app: 'db' } }), 'b1']], { data: { team: 'x' }, default: {} });
    const own = testPod('web', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' })] } } } });
    // Its own namespace only: the db pod elsewhere does not count.
    assert.equal(verdicts(own, c).b1, ERR_AFFINITY);
    const named = testPod('web', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, ZONE, { namespaces: ['data'] })] } } } });
    assert.deepEqual(verdicts(named, c), { a1: ERR_AFFINITY, a2: ERR_AFFINITY, b1: 'ok' });
    const selected = testPod('web', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, ZONE, { namespaceSelector: { matchLabels: { team: 'x' } } })] } } } });
    assert.equal(verdicts(selected, c).b1, 'ok');
  });

  it('updates its counts when preemption removes a pod', () => {
    const victim = testPod('web-0', { labels: { app: 'web' } });
    const c = cluster([[victim, 'a1']]);
    const anti = testPod('web-1', { labels: { app: 'web' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'kubernetes.io/hostname')] } } } });
    const cycle: Cycle = { pod: info(anti), cluster: c.view, state: new Map() };
    interPodAffinity.preFilter!(cycle);
    const a1 = c.cache.nodeInfo('a1')!;
    assert.ok(interPodAffinity.filter!(cycle, a1));
    interPodAffinity.removePod!(cycle, a1.pods.get('default/web-0')!, a1);
    assert.equal(interPodAffinity.filter!(cycle, a1), undefined);
  });
});

describe('InterPodAffinity score', () => {
  it('prefers domains with pods it likes and avoids those it dislikes', () => {
    const c = cluster([[testPod('cache', { labels: { app: 'cache' } }), 'a1'], [testPod('noisy', { labels: { app: 'noisy' } }), 'b1']]);
    const pod = testPod('web', { spec: { affinity: {
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: 'cache' }) }] },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ app: 'noisy' }) }] },
    } } });
    const cycle: Cycle = { pod: info(pod), cluster: c.view, state: new Map() };
    const nodes = c.cache.nodeList();
    assert.equal(interPodAffinity.preScore!(cycle, nodes), undefined);
    const scores = nodes.map((n) => interPodAffinity.score!(cycle, n));
    assert.deepEqual(scores, [10, 10, -10]);
    interPodAffinity.normalize!(cycle, scores, nodes);
    assert.deepEqual(scores, [100, 100, 0]);
    assert.equal(interPodAffinity.preScore!({ ...cycle, pod: info(testPod('plain')), state: new Map() }, nodes), 'skip');
  });
});
