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
import type { DaemonSet, Node, PodSpec, Toleration } from '../../api/objects/index.js';
import { firstUntoleratedTaint, isHardEffect, matchesNodeSelection } from '../../api/scheduling/matching.js';

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

export interface Placement { shouldRun: boolean; shouldContinueRunning: boolean }

export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): Placement {
  const spec = ds.spec.template.spec;
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!matchesNodeSelection(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const tolerations = withDaemonTolerations(spec);
  if (firstUntoleratedTaint(taints, tolerations, isHardEffect)) {
    return { shouldRun: false, shouldContinueRunning: !firstUntoleratedTaint(taints, tolerations, (e) => e === 'NoExecute') };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}
