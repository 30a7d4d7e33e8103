/** Pod facts controllers share (upstream's podutil and controller_utils). */
import type { Condition, Pod } from '../../api/objects/index.js';
import type { KObject, OwnerReference } from '../../api/types.js';

export function podCondition(pod: Pod, type: string): Condition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

export function isPodReady(pod: Pod): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least `minReadySeconds` at `now` (upstream's IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  const ready = podCondition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(ready.lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now.getTime();
}

/** Neither finished nor being deleted: counts towards a controller's replicas. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** The owner reference marked `controller: true`, if any. */
export function controllerOf(obj: KObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** An owner reference that makes `owner` the controller of a new dependent. */
export function controllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

/** Index function: dependents filed under their controller's uid. */
export function byControllerUid(obj: KObject): string[] {
  const ref = controllerOf(obj);
  return ref ? [ref.uid] : [];
}

/** Sets (or replaces) a condition, keeping lastTransitionTime when the status did not change. */
export function setCondition(conditions: Condition[] | undefined, next: Condition): Condition[] {
  const list = conditions ? [...conditions] : [];
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) return [...list, next];
  const prev = list[i]!;
  list[i] = prev.status === next.status && prev.lastTransitionTime ? { ...next, lastTransitionTime: prev.lastTransitionTime } : next;
  return list;
}
