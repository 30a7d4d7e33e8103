/**
 * Which nodes a DaemonSet runs on (upstream's NodeShouldRunDaemonPod): the template's
 * nodeName, nodeSelector and required node affinity must match the node, and its taints
 * with effect NoSchedule or NoExecute must be tolerated, counting the tolerations every
 * daemon pod gets (AddOrUpdateDaemonPodTolerations). Resources are not considered: the
 * scheduler (and preemption) deal with those.
 *
 * shouldRun: a pod should be created there. shouldContinueRunning: a pod already there
 * may stay (only an untolerated NoExecute taint or a selector mismatch evicts it).
 */
import type { DaemonSet, Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Taint, Toleration } from '../../api/objects/index.js';

/** The tolerations every daemon pod carries, so node problems do not evict it. */
function daemonTolerations(spec: Pick<PodSpec, 'hostNetwork'>): Toleration[] {
  const exists = (key: string, effect: 'NoSchedule' | 'NoExecute'): Toleration => ({ key, operator: 'Exists', effect });
  return [
    exists('node.kubernetes.io/not-ready', 'NoExecute'),
    exists('node.kubernetes.io/unreachable', 'NoExecute'),
    exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
    ...(spec.hostNetwork ? [exists('node.kubernetes.io/network-unavailable', 'NoSchedule')] : []),
  ];
}

const sameToleration = (a: Toleration, b: Toleration): boolean =>
  (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');

/** The spec's tolerations with the daemon ones added; one of the same key, operator, value and effect is replaced. */
export function withDaemonTolerations(spec: PodSpec): Toleration[] {
  const tolerations = [...(spec.tolerations ?? [])];
  for (const t of daemonTolerations(spec)) {
    const i = tolerations.findIndex((old) => sameToleration(old, t));
    // Same key, operator, value and effect but a tolerationSeconds: the daemon's (forever) wins.
    if (i < 0) tolerations.push(t);
    else tolerations[i] = t;
  }
  return tolerations;
}

/** ToleratesTaint: effect and key match (empty matches all), then Exists, or Equal values. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.operator ?? 'Equal') === 'Equal' && (t.value ?? '') === (taint.value ?? '');
}

function untoleratedTaint(taints: Taint[], tolerations: Toleration[], effects: Array<Taint['effect']>): Taint | undefined {
  return taints.find((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}

function matchesRequirement(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1 || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0]!)) return false;
      return r.operator === 'Gt' ? BigInt(value) > BigInt(values[0]!) : BigInt(value) < BigInt(values[0]!);
    }
    default: return false;
  }
}

/** A term matches when all its requirements do; an empty term matches nothing. Fields: only metadata.name. */
function matchesTerm(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!expressions.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  return expressions.every((r) => matchesRequirement(r, Object.prototype.hasOwnProperty.call(labels, r.key) ? labels[r.key] : undefined))
    && fields.every((r) => r.key === 'metadata.name' && (r.operator === 'In' || r.operator === 'NotIn') && matchesRequirement(r, node.metadata.name));
}

/** nodeSelector and required node affinity (GetRequiredNodeAffinity(pod).Match(node)). */
export function matchesNodeSelection(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) if (labels[key] !== value) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((term) => matchesTerm(term, node));
}

export interface Placement { shouldRun: boolean; shouldContinueRunning: boolean }

export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): Placement {
  const spec = ds.spec.template.spec;
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!matchesNodeSelection(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const tolerations = withDaemonTolerations(spec);
  if (untoleratedTaint(taints, tolerations, ['NoSchedule', 'NoExecute'])) {
    return { shouldRun: false, shouldContinueRunning: !untoleratedTaint(taints, tolerations, ['NoExecute']) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}
