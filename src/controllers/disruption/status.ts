/**
 * A PodDisruptionBudget's status as upstream's disruption controller computes it:
 *
 * - expectedPods: the pods there should be — the sum of the scales of the selected pods'
 *   controllers, or, for an integer minAvailable, simply the number of selected pods;
 * - desiredHealthy: minAvailable (scaled when a percentage, rounding up), or expectedPods
 *   less maxUnavailable (scaled, rounding up);
 * - currentHealthy: selected pods that are Ready, not being deleted, and not just evicted
 *   (an eviction is recorded in disruptedPods until the pod is seen terminating, at most
 *   2 minutes);
 * - disruptionsAllowed: currentHealthy − desiredHealthy, never below 0, and 0 while no pod
 *   is expected (a budget whose first pods appear before this controller sees them is safe);
 * - the DisruptionAllowed condition: SufficientPods / InsufficientPods, or SyncFailed
 *   when the status could not be computed (then no disruption is allowed).
 */
import type { Condition, Pod, PodDisruptionBudget } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import { controllerOf, isPodReady } from '../runtime/pods.js';
import { scaledValue } from '../runtime/intstr.js';
import type { ControllerScale } from './scale.js';

/** Upstream's DeletionTimeout: how long an eviction may go unconfirmed before it is forgotten. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

export type PdbStatus = NonNullable<PodDisruptionBudget['status']>;

export interface Expected {
  expectedPods: number;
  desiredHealthy: number;
  /** Selected pods without a controller (their scale cannot be known). */
  unmanaged: string[];
}

/** getExpectedPodCount; rejects when a pod's controller cannot be found. */
export async function expectedCounts(pdb: PodDisruptionBudget, pods: Pod[], scaleOf: ControllerScale): Promise<Expected> {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const { expectedPods, unmanaged } = await expectedScale(pods, scaleOf);
    const maxUnavailable = scaledValue(spec.maxUnavailable, expectedPods, true);
    return { expectedPods, desiredHealthy: Math.max(0, expectedPods - maxUnavailable), unmanaged };
  }
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === 'number') return { expectedPods: pods.length, desiredHealthy: spec.minAvailable, unmanaged: [] };
    const { expectedPods, unmanaged } = await expectedScale(pods, scaleOf);
    return { expectedPods, desiredHealthy: scaledValue(spec.minAvailable, expectedPods, true), unmanaged };
  }
  return { expectedPods: 0, desiredHealthy: 0, unmanaged: [] };
}

/** The sum of the scales of the pods' controllers, each controller counted once. */
async function expectedScale(pods: Pod[], scaleOf: ControllerScale): Promise<{ expectedPods: number; unmanaged: string[] }> {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanaged.push(pod.metadata.name!);
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = await scaleOf(ref, pod.metadata.namespace!);
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    scales.set(found.uid, found.replicas);
  }
  let expectedPods = 0;
  for (const n of scales.values()) expectedPods += n;
  return { expectedPods, unmanaged };
}

/**
 * The disruptedPods entries still pending: pods not yet terminating whose eviction is
 * less than DELETION_TIMEOUT old. Also the pods whose entry ran out (for a warning), and
 * when the next entry runs out (to look again then).
 */
export function pendingDisruptions(pods: Pod[], recorded: Record<string, string> | undefined, now: Date): { pending: Record<string, string>; expired: Pod[]; recheckAt?: number } {
  const pending: Record<string, string> = {};
  const expired: Pod[] = [];
  let recheckAt: number | undefined;
  if (!recorded) return { pending, expired };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = recorded[pod.metadata.name!];
    if (at === undefined) continue;
    const deadline = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (deadline < now.getTime()) {
      expired.push(pod);
      continue;
    }
    pending[pod.metadata.name!] = at;
    if (recheckAt === undefined || deadline < recheckAt) recheckAt = deadline;
  }
  return { pending, expired, recheckAt };
}

export function countHealthy(pods: Pod[], pending: Record<string, string>, now: Date): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = pending[pod.metadata.name!];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > now.getTime()) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/** apimeta.SetStatusCondition: the transition time moves only when the status changes. */
export function setStatusCondition(conditions: Condition[] | undefined, next: Condition, now: Date): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) return [...list, { ...next, lastTransitionTime: next.lastTransitionTime ?? metaTime(now) }];
  const prev = list[i]!;
  list[i] = { ...prev, ...next, lastTransitionTime: prev.status === next.status ? prev.lastTransitionTime : (next.lastTransitionTime ?? metaTime(now)) };
  return list;
}

const disruptionAllowedCondition = (status: PdbStatus): Condition => (status.disruptionsAllowed > 0
  ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: status.observedGeneration }
  : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: status.observedGeneration });

/** pdbhelper.ConditionsAreUpToDate. */
function conditionsUpToDate(pdb: PodDisruptionBudget): boolean {
  const status = pdb.status;
  const c = status?.conditions?.find((x) => x.type === 'DisruptionAllowed');
  if (!status || !c || status.observedGeneration !== pdb.metadata.generation || c.observedGeneration !== status.observedGeneration) return false;
  return status.disruptionsAllowed > 0 ? c.status === 'True' && c.reason === 'SufficientPods' : c.status === 'False' && c.reason === 'InsufficientPods';
}

const sameMap = (a: Record<string, string> | undefined, b: Record<string, string>) =>
  Object.keys(a ?? {}).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a?.[k] === v);

/** The new status, or undefined when the current one already says all this. */
export function nextStatus(pdb: PodDisruptionBudget, counts: { currentHealthy: number; desiredHealthy: number; expectedPods: number; disruptedPods: Record<string, string> }, now: Date): PdbStatus | undefined {
  let disruptionsAllowed = counts.currentHealthy - counts.desiredHealthy;
  if (counts.expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  const s = pdb.status;
  if (s && s.currentHealthy === counts.currentHealthy && s.desiredHealthy === counts.desiredHealthy && s.expectedPods === counts.expectedPods
    && s.disruptionsAllowed === disruptionsAllowed && sameMap(s.disruptedPods, counts.disruptedPods) && conditionsUpToDate(pdb)) return undefined;
  const status: PdbStatus = {
    observedGeneration: pdb.metadata.generation,
    ...(Object.keys(counts.disruptedPods).length ? { disruptedPods: counts.disruptedPods } : {}),
    disruptionsAllowed, currentHealthy: counts.currentHealthy, desiredHealthy: counts.desiredHealthy, expectedPods: counts.expectedPods,
  };
  status.conditions = setStatusCondition(s?.conditions, disruptionAllowedCondition(status), now);
  return status;
}

/** failSafe: when the status cannot be computed, at least no disruption is allowed (undefined: already so). */
export function failSafeStatus(pdb: PodDisruptionBudget, err: unknown, now: Date): PdbStatus | undefined {
  const s = pdb.status ?? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  const message = err instanceof Error ? err.message : String(err);
  const c = s.conditions?.find((x) => x.type === 'DisruptionAllowed');
  // Writing the same again would only wake this controller for another failing sync.
  if (s.disruptionsAllowed === 0 && c?.status === 'False' && c.reason === 'SyncFailed' && c.message === message) return undefined;
  return {
    ...s,
    disruptionsAllowed: 0,
    conditions: setStatusCondition(s.conditions, { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message, observedGeneration: s.observedGeneration }, now),
  };
}
