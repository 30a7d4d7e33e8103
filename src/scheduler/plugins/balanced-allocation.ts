/**
 * NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in
 * equal shares after placing the pod: 100 × (1 − standard deviation of the fractions).
 * Counts actual requests (no defaults) and skips pods that request nothing, as upstream.
 */
import type { Plugin } from '../framework.js';
import { MAX_NODE_SCORE } from '../framework.js';

/** Local copy: an imported binding is a getter call under tsx, on the hottest path. */
const MAX_SCORE = MAX_NODE_SCORE;

export const balancedAllocation: Plugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  preScore(cycle) {
    const r = cycle.pod.requests;
    return r.cpu === 0 && r.memory === 0 ? 'skip' : undefined;
  },
  score(cycle, node) {
    const r = cycle.pod.requests;
    const fractions: number[] = [];
    if (node.allocatable.cpu) fractions.push(Math.min(1, (node.requested.cpu + r.cpu) / node.allocatable.cpu));
    if (node.allocatable.memory) fractions.push(Math.min(1, (node.requested.memory + r.memory) / node.allocatable.memory));
    const std = fractions.length === 2 ? Math.abs((fractions[0]! - fractions[1]!) / 2) : 0;
    return Math.trunc((1 - std) * MAX_SCORE);
  },
};
