/**
 * A set's status from its pods (upstream's calculateStatus / updateReplicaSetStatus):
 * replica counts, the ReplicaFailure condition while creating or deleting pods fails, and
 * observedGeneration once this generation has been acted on.
 */
import type { Condition, Pod } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import { labelSelectorFromObject } from '../../apiserver/selectors/labels.js';
import { isPodAvailable, isPodReady } from '../runtime/pods.js';
import type { ReplicaSetStatusFields, ReplicaSetView } from './kinds.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

export function calculateStatus(set: ReplicaSetView, pods: Pod[], manageError: Error | undefined, now: Date): ReplicaSetStatusFields {
  const templateLabels = labelSelectorFromObject({ matchLabels: set.template.metadata?.labels ?? {} });
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (templateLabels.matches(pod.metadata.labels ?? {})) fullyLabeled++;
    if (!isPodReady(pod)) continue;
    ready++;
    if (isPodAvailable(pod, set.minReadySeconds, now)) available++;
  }
  let conditions = set.status.conditions ?? [];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError && !failure) {
    const diff = pods.length - set.replicas;
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions = [...conditions, { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: metaTime(now), reason, message: manageError.message }];
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  // Zero counts are omitted on the wire, as Go's omitempty leaves them out.
  const status: ReplicaSetStatusFields = { replicas: pods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  status.observedGeneration = set.status.observedGeneration;
  if (conditions.length) status.conditions = conditions;
  return status;
}

const count = (n: number | undefined) => n ?? 0;

/** Whether writing `next` would change nothing (observedGeneration aside, which the writer sets). */
export function statusUnchanged(set: ReplicaSetView, next: ReplicaSetStatusFields): boolean {
  const cur = set.status;
  return count(cur.replicas) === next.replicas
    && count(cur.fullyLabeledReplicas) === count(next.fullyLabeledReplicas)
    && count(cur.readyReplicas) === count(next.readyReplicas)
    && count(cur.availableReplicas) === count(next.availableReplicas)
    && count(cur.observedGeneration) >= set.generation
    && sameConditions(cur.conditions, next.conditions);
}

function sameConditions(a: Condition[] | undefined, b: Condition[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/**
 * When the next pod that is ready but not yet available becomes available, in ms from
 * `now`; undefined if none is waiting. The set is looked at again then, as available
 * replicas change with time alone.
 */
export function nextAvailableInMs(set: ReplicaSetView, pods: Pod[], now: Date): number | undefined {
  if (!set.minReadySeconds) return undefined;
  let next: number | undefined;
  for (const pod of pods) {
    if (!isPodReady(pod) || isPodAvailable(pod, set.minReadySeconds, now)) continue;
    const since = Date.parse(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '');
    const wait = Number.isFinite(since) ? since + set.minReadySeconds * 1000 - now.getTime() : set.minReadySeconds * 1000;
    next = next === undefined ? wait : Math.min(next, wait);
  }
  return next === undefined ? undefined : Math.max(next, 0);
}
