/**
 * PodTopologySpread. Filter (DoNotSchedule constraints): placing the pod in a node's
 * domain must keep `matching pods there + itself − global minimum ≤ maxSkew` (the
 * minimum is 0 while fewer than minDomains domains exist); a node without the topology
 * label is unresolvable. Score (ScheduleAnyway constraints, or the cluster defaults for
 * pods of Services and controllers): fewer matching pods in the node's domains is
 * better, each domain count weighted by log(domains + 2), normalised so the emptiest
 * node gets 100.
 */
import { MAX_NODE_SCORE, type Cycle, type Plugin } from '../framework.js';
import type { NodeInfo } from '../cache.js';
import { unresolvable, unschedulable, type PodInfo } from '../types.js';
import { countMatching, nodeHasAllKeys, nodeIncluded, spreadConstraints, type SpreadConstraint } from './spread-constraints.js';

const NAME = 'PodTopologySpread';
const MAX_SCORE = MAX_NODE_SCORE;
const SCORE_STATE = `${NAME}/score`;
export const ERR_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const ERR_MISSING_LABEL = `${ERR_CONSTRAINTS} (missing required label)`;

interface FilterState {
  constraints: SpreadConstraint[];
  /** Per constraint: domain value → matching pods. */
  counts: Array<Map<string, number>>;
  /** Per constraint: the smallest count, recomputed when counts change (undefined = stale). */
  minimum: Array<number | undefined>;
  /** Per constraint: 1 if the pod matches its own selector (it adds itself to the domain it lands in). */
  self: number[];
}

function minimumOf(s: FilterState, i: number): number {
  let m = s.minimum[i];
  if (m === undefined) {
    m = Number.MAX_SAFE_INTEGER;
    for (const n of s.counts[i]!.values()) if (n < m) m = n;
    s.minimum[i] = m;
  }
  return s.counts[i]!.size < s.constraints[i]!.minDomains ? 0 : m;
}

/** Adds or removes one pod's contribution (preemption's what-if), as upstream's updateWithPod. */
function updateWithPod(cycle: Cycle, s: FilterState, pod: PodInfo, node: NodeInfo, delta: number): void {
  const preemptor = cycle.pod.pod;
  if (pod.pod.metadata.namespace !== preemptor.metadata.namespace || !nodeHasAllKeys(node, s.constraints)) return;
  s.constraints.forEach((c, i) => {
    if (!c.selector.matches(pod.pod.metadata.labels) || !nodeIncluded(c, preemptor, node)) return;
    const value = node.labels[c.topologyKey]!;
    s.counts[i]!.set(value, (s.counts[i]!.get(value) ?? 0) + delta);
    s.minimum[i] = undefined;
  });
}

interface ScoreState {
  constraints: SpreadConstraint[];
  ignored: Set<string>;
  /** Per constraint (not hostname ones): domain value → matching pods. */
  counts: Array<Map<string, number>>;
  weights: number[];
}

export const podTopologySpread: Plugin = {
  name: NAME,
  weight: 2,
  preFilter(cycle) {
    const pod = cycle.pod.pod;
    const { constraints } = spreadConstraints(pod, 'DoNotSchedule', cycle.cluster);
    if (!constraints.length) return 'skip';
    const labels = pod.metadata.labels;
    const s: FilterState = {
      constraints, counts: constraints.map(() => new Map()), minimum: constraints.map(() => undefined),
      self: constraints.map((c) => (c.selector.matches(labels) ? 1 : 0)),
    };
    const namespace = pod.metadata.namespace ?? 'default';
    for (const node of cycle.cluster.cache.nodeList()) {
      if (!nodeHasAllKeys(node, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!nodeIncluded(c, pod, node)) return;
        const value = node.labels[c.topologyKey]!;
        s.counts[i]!.set(value, (s.counts[i]!.get(value) ?? 0) + countMatching(node, c, namespace));
      });
    }
    cycle.state.set(NAME, s);
    return undefined;
  },
  filter(cycle, node) {
    const s = cycle.state.get(NAME) as FilterState;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const value = node.labels[c.topologyKey];
      if (value === undefined) return unresolvable(NAME, ERR_MISSING_LABEL);
      const skew = (s.counts[i]!.get(value) ?? 0) + s.self[i]! - minimumOf(s, i);
      if (skew > c.maxSkew) return unschedulable(NAME, ERR_CONSTRAINTS);
    }
    return undefined;
  },
  addPod(cycle, pod, node) {
    const s = cycle.state.get(NAME) as FilterState | undefined;
    if (s) updateWithPod(cycle, s, pod, node, 1);
  },
  removePod(cycle, pod, node) {
    const s = cycle.state.get(NAME) as FilterState | undefined;
    if (s) updateWithPod(cycle, s, pod, node, -1);
  },

  preScore(cycle, nodes) {
    const pod = cycle.pod.pod;
    const { constraints, systemDefaulted } = spreadConstraints(pod, 'ScheduleAnyway', cycle.cluster);
    if (!constraints.length || !nodes.length) return 'skip';
    // The cluster defaults do not require every key, so nodes without a zone still spread by hostname.
    const requireAll = !systemDefaulted;
    const s: ScoreState = { constraints, ignored: new Set(), counts: constraints.map(() => new Map()), weights: [] };
    const domains = constraints.map(() => 0);
    let domainsSeen = false;
    for (const node of nodes) {
      if (requireAll && !nodeHasAllKeys(node, constraints)) {
        s.ignored.add(node.name);
        continue;
      }
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        if (c.isHostname) continue;
        const value = node.labels[c.topologyKey];
        // Only labelled nodes are scored by a domain (a node without the label gets nothing from it).
        if (value === undefined || s.counts[i]!.has(value)) continue;
        s.counts[i]!.set(value, 0);
        domains[i]!++;
        domainsSeen = true;
      }
    }
    s.weights = constraints.map((c, i) => Math.log((c.isHostname ? nodes.length - s.ignored.size : domains[i]!) + 2));
    if (domainsSeen) {
      // Domain counts take every node into account, not only the feasible ones.
      const namespace = pod.metadata.namespace ?? 'default';
      for (const node of cycle.cluster.cache.nodeList()) {
        if (requireAll && !nodeHasAllKeys(node, constraints)) continue;
        for (let i = 0; i < constraints.length; i++) {
          const c = constraints[i]!;
          if (c.isHostname) continue;
          const value = node.labels[c.topologyKey];
          if (value === undefined) continue;
          const counts = s.counts[i]!;
          const current = counts.get(value);
          if (current === undefined || !nodeIncluded(c, pod, node)) continue;
          counts.set(value, current + countMatching(node, c, namespace));
        }
      }
    }
    cycle.state.set(SCORE_STATE, s);
    return undefined;
  },
  score(cycle, node) {
    const s = cycle.state.get(SCORE_STATE) as ScoreState;
    if (s.ignored.size && s.ignored.has(node.name)) return 0;
    const namespace = cycle.pod.pod.metadata.namespace ?? 'default';
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const value = node.labels[c.topologyKey];
      if (value === undefined) continue;
      const count = c.isHostname ? countMatching(node, c, namespace) : s.counts[i]!.get(value) ?? 0;
      score += count * s.weights[i]! + (c.maxSkew - 1);
    }
    return Math.round(score);
  },
  normalize(cycle, scores, nodes) {
    const s = cycle.state.get(SCORE_STATE) as ScoreState;
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (s.ignored.has(nodes[i]!.name)) continue;
      if (scores[i]! < min) min = scores[i]!;
      if (scores[i]! > max) max = scores[i]!;
    }
    for (let i = 0; i < scores.length; i++) {
      if (s.ignored.has(nodes[i]!.name)) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_SCORE;
      else scores[i] = Math.trunc((MAX_SCORE * (max + min - scores[i]!)) / max);
    }
  },
};
