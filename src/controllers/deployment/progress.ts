/**
 * The status at the end of a rollout step (upstream's syncRolloutStatus): counts, and the
 * Progressing condition — NewReplicaSetAvailable once complete, ReplicaSetUpdated on any
 * progress (which restarts the deadline), ProgressDeadlineExceeded when
 * progressDeadlineSeconds pass without progress. A Deployment that might time out is
 * looked at again when its deadline would pass, since nothing else would wake it.
 */
import type { DeploymentStatus, ReplicaSet } from '../../api/objects/index.js';
import {
  PROGRESSING, REPLICA_FAILURE, Reasons, calculateStatus, deploymentComplete, deploymentProgressing, deploymentTimedOut, fromReplicaSetCondition,
  getCondition, hasProgressDeadline, newCondition, removeCondition, sameStatus, setCondition,
} from './conditions.js';
import { saveDeployment, type Run } from './context.js';

export async function syncRolloutStatus(run: Run, allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined): Promise<void> {
  const d = run.d;
  const now = run.deps.clock.now();
  const next = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(next, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const alreadyComplete = (next.replicas ?? 0) === (next.updatedReplicas ?? 0) && current?.reason === Reasons.newRSAvailable;
  if (hasProgressDeadline(d) && !alreadyComplete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, next)) {
      const message = `${subject} has successfully progressed.`;
      setCondition(next, newCondition(PROGRESSING, 'True', Reasons.newRSAvailable, message, now));
    } else if (deploymentProgressing(d, next)) {
      // Progress refreshes lastUpdateTime even with an unchanged reason (setCondition would keep the old one).
      const condition = newCondition(PROGRESSING, 'True', Reasons.rsUpdated, `${subject} is progressing.`, now);
      if (current?.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
      removeCondition(next, PROGRESSING);
      setCondition(next, condition);
    } else if (deploymentTimedOut(d, next, now)) {
      setCondition(next, newCondition(PROGRESSING, 'False', Reasons.timedOut, `${subject} has timed out progressing.`, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(next, fromReplicaSetCondition(failure));
  else removeCondition(next, REPLICA_FAILURE);

  requeueStuck(run, next);
  if (sameStatus(d.status, next)) return;
  d.status = next;
  await saveDeployment(run);
}

/** The new ReplicaSet's ReplicaFailure, else the first old one's. */
function replicaFailure(allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined) {
  const of = (rs: ReplicaSet | undefined) => rs?.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  return of(newRS) ?? allRSs.map(of).find(Boolean);
}

/**
 * Schedules a look when the progress deadline would pass (upstream's requeueStuckDeployment).
 * Done before the status is written, from the status about to be written, so anyone
 * who sees that status can rely on the wake-up being scheduled.
 */
function requeueStuck(run: Run, next: DeploymentStatus): void {
  const d = run.d;
  const cond = getCondition(next, PROGRESSING);
  if (!hasProgressDeadline(d) || !cond) return;
  if (deploymentComplete(d, next) || cond.reason === Reasons.timedOut || cond.reason === Reasons.newRSAvailable) return;
  const since = Date.parse(cond.lastUpdateTime ?? '');
  if (!Number.isFinite(since)) return;
  // The deadline passes strictly after lastUpdateTime + progressDeadlineSeconds; times are whole seconds.
  const after = since + d.spec.progressDeadlineSeconds! * 1000 - run.deps.clock.now().getTime();
  run.requeueAfter(Math.max(after + 1000, 0));
}
