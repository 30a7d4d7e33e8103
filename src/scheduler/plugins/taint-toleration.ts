/**
 * TaintToleration: Filter rejects nodes with a NoSchedule/NoExecute taint the pod does not
 * tolerate; Score prefers nodes with fewer untolerated PreferNoSchedule taints (reversed
 * normalisation: fewest taints → 100).
 */
import type { Toleration } from '../../api/objects/index.js';
import { defaultNormalize, type Plugin } from '../framework.js';
import { unresolvable } from '../types.js';
import { firstUntoleratedTaint, isHardEffect, tolerated } from '../../api/scheduling/matching.js';

const NAME = 'TaintToleration';

export const taintToleration: Plugin = {
  name: NAME,
  weight: 3,
  filter(cycle, node) {
    if (!node.taints.length) return undefined;
    const taint = firstUntoleratedTaint(node.taints, cycle.pod.pod.spec?.tolerations, isHardEffect);
    return taint ? unresolvable(NAME, `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`) : undefined;
  },
  preScore(cycle) {
    // Only tolerations that can apply to PreferNoSchedule taints count here.
    const preferring: Toleration[] = (cycle.pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    cycle.state.set(NAME, preferring);
    return undefined;
  },
  score(cycle, node) {
    if (!node.taints.length) return 0;
    const tolerations = cycle.state.get(NAME) as Toleration[];
    let count = 0;
    for (const taint of node.taints) if (taint.effect === 'PreferNoSchedule' && !tolerated(tolerations, taint)) count++;
    return count;
  },
  normalize: (_cycle, scores) => defaultNormalize(scores, true),
};
