/**
 * A Deployment's status and its Available / Progressing / ReplicaFailure conditions, as
 * upstream computes them (calculateStatus, DeploymentComplete, DeploymentProgressing,
 * DeploymentTimedOut). Conditions carry lastUpdateTime (last progress) and
 * lastTransitionTime (last status change); the progress deadline counts from the former.
 */
import type { Condition, Deployment, DeploymentStatus, ReplicaSet } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import { actualReplicaCount, availableReplicaCount, desiredReplicas, maxUnavailable, readyReplicaCount, specReplicaCount } from './rollout-math.js';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';
export const REPLICA_FAILURE = 'ReplicaFailure';

export const Reasons = {
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  rsUpdated: 'ReplicaSetUpdated',
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  failedRSCreate: 'ReplicaSetCreateError',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** Upstream treats MaxInt32 as "no deadline". */
const NO_DEADLINE = 2147483647;

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== NO_DEADLINE;
}

export function getCondition(status: DeploymentStatus | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: Date): Condition {
  const at = metaTime(now);
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

/**
 * Sets a condition unless one of the same status and reason is there; a condition whose
 * status does not change keeps its lastTransitionTime. The new one goes last.
 */
export function setCondition(status: DeploymentStatus, condition: Condition): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = current && current.status === condition.status ? { ...condition, lastTransitionTime: current.lastTransitionTime } : condition;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (!status.conditions.length) delete status.conditions;
}

/** Replica counts from the ReplicaSets, and Available from whether enough pods are available. */
export function calculateStatus(allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined, d: Deployment, now: Date): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const unavailable = Math.max(specReplicaCount(allRSs) - available, 0);
  // Zero counts are omitted on the wire, as Go's omitempty leaves them out.
  const status: DeploymentStatus = {};
  const put = (key: 'replicas' | 'updatedReplicas' | 'readyReplicas' | 'availableReplicas' | 'unavailableReplicas', n: number) => { if (n) status[key] = n; };
  if (d.metadata.generation) status.observedGeneration = d.metadata.generation;
  put('replicas', actualReplicaCount(allRSs));
  put('updatedReplicas', actualReplicaCount([newRS]));
  put('readyReplicas', readyReplicaCount(allRSs));
  put('availableReplicas', available);
  put('unavailableReplicas', unavailable);
  if (d.status?.conditions?.length) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(AVAILABLE, 'True', Reasons.minimumAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition(AVAILABLE, 'False', Reasons.minimumUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

const n = (v: number | undefined) => v ?? 0;

/** Every wanted pod updated and available, nothing old left, and the latest spec observed. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const want = desiredReplicas(d);
  return n(status.updatedReplicas) === want && n(status.replicas) === want && n(status.availableReplicas) === want && n(status.observedGeneration) >= n(d.metadata.generation);
}

/** Whether `next` shows progress over the stored status: more updated, fewer old, more ready or more available pods. */
export function deploymentProgressing(d: Deployment, next: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = n(old.replicas) - n(old.updatedReplicas);
  const newOld = n(next.replicas) - n(next.updatedReplicas);
  return n(next.updatedReplicas) > n(old.updatedReplicas) || newOld < oldOld || n(next.readyReplicas) > n(old.readyReplicas) || n(next.availableReplicas) > n(old.availableReplicas);
}

/** No progress for longer than progressDeadlineSeconds since the Progressing condition was last updated. */
export function deploymentTimedOut(d: Deployment, status: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(status, PROGRESSING);
  if (!cond) return false;
  if (cond.reason === Reasons.newRSAvailable) return false;
  if (cond.reason === Reasons.timedOut) return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (!Number.isFinite(from)) return false;
  return from + d.spec.progressDeadlineSeconds! * 1000 < now.getTime();
}

/** A ReplicaSet's ReplicaFailure as the Deployment's (upstream's ReplicaSetToDeploymentCondition). */
export function fromReplicaSetCondition(c: Condition): Condition {
  return { type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
}

/** Status equality, as upstream's reflect.DeepEqual decides whether to write. */
export function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  const norm = (s: DeploymentStatus | undefined) => JSON.stringify({
    observedGeneration: n(s?.observedGeneration), replicas: n(s?.replicas), updatedReplicas: n(s?.updatedReplicas), readyReplicas: n(s?.readyReplicas),
    availableReplicas: n(s?.availableReplicas), unavailableReplicas: n(s?.unavailableReplicas), collisionCount: s?.collisionCount ?? null,
    conditions: (s?.conditions ?? []).map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '', c.lastUpdateTime ?? '', c.lastTransitionTime ?? '']),
  });
  return norm(a) === norm(b);
}
