/**
 * Pods against nodes, as the API defines it: tolerations against taints, node selector
 * terms, nodeSelector plus required node affinity. Shared by the scheduler, the DaemonSet
 * controller (NodeShouldRunDaemonPod) and the node lifecycle controller (NoExecute eviction).
 */
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Taint, Toleration } from '../objects/index.js';

/** Upstream's Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists': return true;
    case 'Equal': return (t.value ?? '') === (taint.value ?? '');
    default: return false;
  }
}

export function tolerated(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  if (!tolerations) return false;
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The effects that keep pods off a node (TaintToleration's filter, spreading's nodeTaintsPolicy: Honor). */
export const isHardEffect = (e: Taint['effect']): boolean => e === 'NoSchedule' || e === 'NoExecute';

/** The first taint with one of `effects` that no toleration tolerates (upstream's FindMatchingUntoleratedTaint). */
export function firstUntoleratedTaint(taints: Taint[], tolerations: Toleration[] | undefined, effects: (e: Taint['effect']) => boolean): Taint | undefined {
  for (const taint of taints) if (effects(taint.effect) && !tolerated(tolerations, taint)) return taint;
  return undefined;
}

/** strconv.ParseInt's accepted forms, exactly (BigInt: node labels may hold 64-bit numbers). */
function integer(text: string | undefined): bigint | undefined {
  return text !== undefined && /^[-+]?\d+$/.test(text) ? BigInt(text) : undefined;
}

/** One requirement against labels (or fields); invalid requirements match nothing, as upstream. */
export function matchesRequirement(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return has && values.includes(value!);
    case 'NotIn': return !has || !values.includes(value!);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1) return false;
      const bound = integer(values[0]);
      const actual = integer(value);
      if (bound === undefined || actual === undefined) return false;
      return r.operator === 'Gt' ? actual > bound : actual < bound;
    }
    default: return false;
  }
}

/**
 * A node selector term: all its expressions (on labels) and fields (only
 * `metadata.name`) must match; a term with neither matches nothing.
 */
export function matchesTerm(term: NodeSelectorTerm, labels: Record<string, string>, nodeName: string): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!expressions.length && !fields.length) return false;
  for (const r of expressions) if (!matchesRequirement(r, labels)) return false;
  for (const r of fields) {
    if (r.key !== 'metadata.name') return false;
    if (!matchesRequirement(r, { 'metadata.name': nodeName })) return false;
  }
  return true;
}

/** Terms are ORed. */
export function matchesAnyTerm(terms: NodeSelectorTerm[], labels: Record<string, string>, nodeName: string): boolean {
  for (const term of terms) if (matchesTerm(term, labels, nodeName)) return true;
  return false;
}

/** nodeSelector and required node affinity (upstream's GetRequiredNodeAffinity(pod).Match(node)). */
export function matchesNodeSelection(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) if (labels[key] !== value) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return !required || matchesAnyTerm(required.nodeSelectorTerms ?? [], labels, node.metadata.name ?? '');
}
