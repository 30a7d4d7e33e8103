/**
 * InterPodAffinity. Filter: the pod's required affinity needs a matching pod in the
 * node's topology domain (or, for the first of a group, the pod matching its own terms);
 * its required anti-affinity needs none there; and no existing pod's required
 * anti-affinity may reject it. PreFilter counts matches per topology pair once, so each
 * node is a few map lookups. Score: preferred terms both ways (and existing pods'
 * required affinity at weight 1), per topology pair, min–max normalised.
 */
import type { Pod } from '../../api/objects/index.js';
import type { NodeInfo } from '../cache.js';
import { MAX_NODE_SCORE, type Cycle, type Plugin } from '../framework.js';
import { unresolvable, unschedulable, type PodInfo } from '../types.js';
import { affinityTerms, termMatches, type AffinityTerm } from './affinity-terms.js';

/** Local copy: an imported binding is a getter call under tsx, on the hottest path. */
const MAX_SCORE = MAX_NODE_SCORE;

const NAME = 'InterPodAffinity';
const SCORE_STATE = `${NAME}/score`;
export const ERR_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
/** Upstream's default hardPodAffinityWeight. */
const HARD_POD_AFFINITY_WEIGHT = 1;

type Counts = Map<string, number>;
const pair = (key: string, value: string) => `${key}\u0000${value}`;

interface FilterState {
  required: AffinityTerm[];
  requiredAnti: AffinityTerm[];
  existingAnti: Counts;
  affinity: Counts;
  anti: Counts;
}

function bump(counts: Counts, key: string, value: string, by: number): void {
  const k = pair(key, value);
  const n = (counts.get(k) ?? 0) + by;
  if (n === 0) counts.delete(k);
  else counts.set(k, n);
}

/** Adds (sign 1) or removes (-1) what `existing` on `node` contributes to the counts. */
function account(cycle: Cycle, s: FilterState, existing: PodInfo, node: NodeInfo, sign: number): void {
  const ns = (n: string) => cycle.cluster.namespaceLabels(n);
  const incoming = cycle.pod.pod;
  for (const t of affinityTerms(existing).requiredAnti) {
    const value = node.labels[t.topologyKey];
    if (value !== undefined && termMatches(t, incoming, ns)) bump(s.existingAnti, t.topologyKey, value, sign);
  }
  for (const t of s.required) {
    const value = node.labels[t.topologyKey];
    if (value !== undefined && termMatches(t, existing.pod, ns)) bump(s.affinity, t.topologyKey, value, sign);
  }
  for (const t of s.requiredAnti) {
    const value = node.labels[t.topologyKey];
    if (value !== undefined && termMatches(t, existing.pod, ns)) bump(s.anti, t.topologyKey, value, sign);
  }
}

function satisfiesAffinity(cycle: Cycle, s: FilterState, node: NodeInfo): boolean {
  let podsExist = true;
  for (const t of s.required) {
    const value = node.labels[t.topologyKey];
    if (value === undefined) return false;
    if (!s.affinity.get(pair(t.topologyKey, value))) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: allowed if no pod matches anywhere and it matches its own terms.
  const self = cycle.pod.pod;
  return s.affinity.size === 0 && s.required.every((t) => termMatches(t, self, () => undefined));
}

export const interPodAffinity: Plugin = {
  name: NAME,
  weight: 2,
  preFilter(cycle) {
    const terms = affinityTerms(cycle.pod);
    const cache = cycle.cluster.cache;
    if (!terms.required.length && !terms.requiredAnti.length && cache.podsWithRequiredAntiAffinity === 0) return 'skip';
    const s: FilterState = { required: terms.required, requiredAnti: terms.requiredAnti, existingAnti: new Map(), affinity: new Map(), anti: new Map() };
    const own = s.required.length > 0 || s.requiredAnti.length > 0;
    for (const node of cache.nodeList()) {
      if (own) {
        for (const existing of node.pods.values()) account(cycle, s, existing, node, 1);
      } else {
        for (const existing of node.podsWithRequiredAntiAffinity) account(cycle, s, existing, node, 1);
      }
    }
    cycle.state.set(NAME, s);
    return undefined;
  },
  filter(cycle, node) {
    const s = cycle.state.get(NAME) as FilterState;
    if (!satisfiesAffinity(cycle, s, node)) return unresolvable(NAME, ERR_AFFINITY);
    for (const t of s.requiredAnti) {
      const value = node.labels[t.topologyKey];
      if (value !== undefined && s.anti.get(pair(t.topologyKey, value))) return unschedulable(NAME, ERR_ANTI_AFFINITY);
    }
    if (s.existingAnti.size) {
      // The node's labels, not every counted pair: an anti-affine workload counts one pair per node it runs on (as upstream).
      const labels = node.labels;
      for (const key in labels) if (s.existingAnti.has(pair(key, labels[key]!))) return unschedulable(NAME, ERR_EXISTING_ANTI_AFFINITY);
    }
    return undefined;
  },
  addPod(cycle, pod, node) {
    const s = cycle.state.get(NAME) as FilterState | undefined;
    if (s) account(cycle, s, pod, node, 1);
  },
  removePod(cycle, pod, node) {
    const s = cycle.state.get(NAME) as FilterState | undefined;
    if (s) account(cycle, s, pod, node, -1);
  },

  preScore(cycle) {
    const mine = affinityTerms(cycle.pod);
    const hasConstraints = mine.preferred.length > 0 || mine.preferredAnti.length > 0;
    const cache = cycle.cluster.cache;
    if (!hasConstraints && cache.podsWithAffinity === 0) return 'skip';
    const ns = (n: string) => cycle.cluster.namespaceLabels(n);
    const incoming = cycle.pod.pod;
    const scores = new Map<string, Map<string, number>>();
    const add = (t: AffinityTerm, weight: number, pod: Pod, node: NodeInfo) => {
      const value = node.labels[t.topologyKey];
      if (value === undefined || !termMatches(t, pod, ns)) return;
      let byValue = scores.get(t.topologyKey);
      if (!byValue) scores.set(t.topologyKey, (byValue = new Map()));
      byValue.set(value, (byValue.get(value) ?? 0) + weight);
    };
    for (const node of cache.nodeList()) {
      const pods = hasConstraints ? node.pods.values() : node.podsWithAffinity.values();
      for (const existing of pods) {
        for (const t of mine.preferred) add(t, t.weight, existing.pod, node);
        for (const t of mine.preferredAnti) add(t, -t.weight, existing.pod, node);
        const theirs = affinityTerms(existing);
        for (const t of theirs.required) add(t, HARD_POD_AFFINITY_WEIGHT, incoming, node);
        for (const t of theirs.preferred) add(t, t.weight, incoming, node);
        for (const t of theirs.preferredAnti) add(t, -t.weight, incoming, node);
      }
    }
    if (!scores.size) return 'skip';
    cycle.state.set(SCORE_STATE, scores);
    return undefined;
  },
  score(cycle, node) {
    const scores = cycle.state.get(SCORE_STATE) as Map<string, Map<string, number>>;
    let total = 0;
    for (const [key, byValue] of scores) {
      const value = node.labels[key];
      if (value !== undefined) total += byValue.get(value) ?? 0;
    }
    return total;
  },
  normalize(_cycle, scores) {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((MAX_SCORE * (scores[i]! - min)) / diff) : 0;
  },
};
