/**
 * Which surplus pods go first (upstream's ActivePodsWithRanks with LogarithmicScaleDown,
 * on by default): the cheapest pod to lose is deleted first.
 *   1. not yet scheduled before scheduled;
 *   2. Pending before Unknown before Running;
 *   3. not ready before ready;
 *   4. lower `controller.kubernetes.io/pod-deletion-cost` first;
 *   5. more related pods on the same node first (doubled-up pods spread the set better when gone);
 *   6. ready for a shorter time first;
 *   7. more container restarts first;
 *   8. created more recently first.
 * Times compare in powers-of-two buckets of their age, so pods of about the same age tie
 * and the uid decides, spreading deletions randomly instead of always taking the newest.
 */
import type { Pod } from '../../api/objects/index.js';
import { isPodActive, isPodReady, podCondition } from '../runtime/pods.js';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

interface Ranked { pod: Pod; rank: number }

/** Milliseconds since the epoch; undefined for a missing or unparsable time ("zero" upstream). */
function timeOf(value: string | null | undefined): number | undefined {
  const t = value ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

function deletionCost(pod: Pod): number {
  const raw = pod.metadata.annotations?.[DELETION_COST];
  const n = raw === undefined ? 0 : Number(raw);
  return Number.isInteger(n) ? n : 0;
}

function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

/** floor(log2(age in nanoseconds)), -1 when not in the past. */
function ageBucket(t: number, now: number): number {
  const ns = (now - t) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

/**
 * -1 when `a` goes before `b`, 1 when after, 0 for a tie; `undefined` when the two times
 * are equal and the next rule decides. A missing time counts as the most recent.
 */
function compareTimes(ta: number | undefined, tb: number | undefined, a: Pod, b: Pod, now: number): number | undefined {
  if (ta === tb) return undefined;
  if (ta === undefined || tb === undefined) return ta === undefined ? -1 : 1;
  const diff = ageBucket(ta, now) - ageBucket(tb, now);
  if (diff === 0) return (a.metadata.uid ?? '') < (b.metadata.uid ?? '') ? -1 : (a.metadata.uid ?? '') > (b.metadata.uid ?? '') ? 1 : 0;
  return diff < 0 ? -1 : 1;
}

function compare(x: Ranked, y: Ranked, now: number): number {
  const a = x.pod;
  const b = y.pod;
  const nodeA = a.spec.nodeName ?? '';
  const nodeB = b.spec.nodeName ?? '';
  if (nodeA !== nodeB && (!nodeA || !nodeB)) return nodeA ? 1 : -1;
  const phaseA = PHASE_ORDER[a.status?.phase ?? ''] ?? 0;
  const phaseB = PHASE_ORDER[b.status?.phase ?? ''] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a);
  const readyB = isPodReady(b);
  if (readyA !== readyB) return readyA ? 1 : -1;
  const costA = deletionCost(a);
  const costB = deletionCost(b);
  if (costA !== costB) return costA - costB;
  if (x.rank !== y.rank) return y.rank - x.rank;
  if (readyA && readyB) {
    const byReady = compareTimes(readyTime(a), readyTime(b), a, b, now);
    if (byReady !== undefined) return byReady;
  }
  const restartsA = maxRestarts(a);
  const restartsB = maxRestarts(b);
  if (restartsA !== restartsB) return restartsB - restartsA;
  return compareTimes(timeOf(a.metadata.creationTimestamp), timeOf(b.metadata.creationTimestamp), a, b, now) ?? 0;
}

function readyTime(pod: Pod): number | undefined {
  return timeOf(podCondition(pod, 'Ready')?.lastTransitionTime);
}

/**
 * The `count` pods of `pods` to delete first. `related` are pods of the same workload
 * (this set's and its siblings' under one Deployment): a pod sharing its node with more
 * of them goes first.
 */
export function podsToDelete(pods: Pod[], related: Pod[], count: number, now: Date): Pod[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const node = p.spec.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec.nodeName ?? '') ?? 0 }));
  const t = now.getTime();
  ranked.sort((x, y) => compare(x, y, t));
  return ranked.slice(0, count).map((r) => r.pod);
}
