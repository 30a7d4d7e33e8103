/**
 * NodeAffinity: Filter requires `spec.nodeSelector` and the required node affinity
 * (terms ORed, requirements within a term ANDed, `matchFields` on metadata.name); Score
 * sums the weights of the preferred terms a node matches, scaled to 0..100.
 */
import type { NodeSelectorTerm, Pod } from '../../api/objects/index.js';
import type { NodeInfo } from '../cache.js';
import { defaultNormalize, type Plugin, type PreFilterResult } from '../framework.js';
import { unresolvable, type Status } from '../types.js';
import { matchesAnyTerm, matchesTerm } from '../../api/scheduling/matching.js';

const NAME = 'NodeAffinity';
export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export const ERR_CONFLICT = 'pod affinity terms conflict';

/**
 * When every required term names nodes (`matchFields` metadata.name In, as DaemonSet
 * pods do), only those nodes are worth filtering (upstream's PreFilterResult); terms that
 * name nodes with no overlap conflict.
 */
function nodesNamedBy(terms: NodeSelectorTerm[]): PreFilterResult | Status | undefined {
  if (!terms.length) return undefined;
  const names = new Set<string>();
  for (const term of terms) {
    let termNames: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const values = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
    }
    // A term without node names allows every node (terms are ORed).
    if (!termNames) return undefined;
    for (const n of termNames) names.add(n);
  }
  return names.size ? { nodeNames: names } : unresolvable(NAME, ERR_CONFLICT);
}

/** Whether `node` satisfies the pod's nodeSelector and required node affinity (upstream's RequiredNodeAffinity.Match). */
export function matchesRequiredNodeAffinity(pod: Pod, node: NodeInfo): boolean {
  const selector = pod.spec?.nodeSelector;
  if (selector) for (const key in selector) if (node.labels[key] !== selector[key]) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return !required || matchesAnyTerm(required.nodeSelectorTerms ?? [], node.labels, node.name);
}

export const nodeAffinity: Plugin = {
  name: NAME,
  weight: 2,
  preFilter(cycle) {
    const spec = cycle.pod.pod.spec;
    const selector = spec?.nodeSelector;
    const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if ((!selector || !Object.keys(selector).length) && !required) return 'skip';
    return nodesNamedBy(required?.nodeSelectorTerms ?? []);
  },
  filter: (cycle, node) => (matchesRequiredNodeAffinity(cycle.pod.pod, node) ? undefined : unresolvable(NAME, ERR_NODE_AFFINITY)),
  preScore(cycle) {
    const preferred = cycle.pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    const terms = (preferred ?? []).filter((t) => t.weight !== 0 && t.preference);
    if (!terms.length) return 'skip';
    cycle.state.set(NAME, terms);
    return undefined;
  },
  score(cycle, node) {
    const terms = cycle.state.get(NAME) as Array<{ weight: number; preference: NodeSelectorTerm }>;
    let total = 0;
    for (const t of terms) if (matchesTerm(t.preference, node.labels, node.name)) total += t.weight;
    return total;
  },
  normalize: (_cycle, scores) => defaultNormalize(scores, false),
};
