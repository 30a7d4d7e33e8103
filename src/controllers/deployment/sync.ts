/**
 * Syncs that are not rollouts (upstream's sync.go): a paused Deployment or one being
 * resized only has its ReplicaSets resized, proportionally when a rollout is under way;
 * old ReplicaSets beyond revisionHistoryLimit are deleted; the paused/resumed condition.
 */
import type { ReplicaSet } from '../../api/objects/index.js';
import { isNotFound } from '../../client/errors.js';
import { PROGRESSING, Reasons, calculateStatus, getCondition, hasProgressDeadline, newCondition, sameStatus, setCondition } from './conditions.js';
import { saveDeployment, scaleReplicaSet, scaleReplicaSetAndRecordEvent, type Run } from './context.js';
import { getAllReplicaSetsAndSyncRevision } from './replicasets.js';
import {
  byRevision, bySizeNewer, bySizeOlder, desiredReplicas, desiredReplicasAnnotation, filterActive, findActiveOrLatest, getProportion,
  isRollingUpdate, isSaturated, maxSurge, replicasOf, specReplicaCount,
} from './rollout-math.js';

/** Resizes without rolling out, cleans up history, writes the status. */
export async function syncScaleOnly(run: Run, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(run, rsList, false);
  await scale(run, newRS, oldRSs);
  if (run.d.spec.paused) await cleanupDeployment(run, oldRSs);
  await syncDeploymentStatus(run, [...oldRSs, newRS], newRS);
}

/** A Deployment being deleted: only its status is kept current. */
export async function syncStatusOnly(run: Run, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(run, rsList, false);
  await syncDeploymentStatus(run, [...oldRSs, newRS], newRS);
}

/** Whether the Deployment's size differs from the one its active ReplicaSets were sized for. */
export async function isScalingEvent(run: Run, rsList: ReplicaSet[]): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(run, rsList, false);
  return filterActive([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== desiredReplicas(run.d);
  });
}

/**
 * Resizes the ReplicaSets to the Deployment's size (upstream's scale): a single active
 * ReplicaSet takes the new size; with several, the difference between what they may
 * have (replicas + maxSurge) and what they have is shared in proportion to their sizes,
 * the remainder going to the largest.
 */
export async function scale(run: Run, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const d = run.d;
  const want = desiredReplicas(d);
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if (replicasOf(only) !== want) await scaleReplicaSetAndRecordEvent(run, only, want);
    return;
  }
  // The rollout finished: the old ones go.
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) await scaleReplicaSetAndRecordEvent(run, old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const active = filterActive([...oldRSs, newRS]);
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - specReplicaCount(active);
  let operation: 'up' | 'down' | '' = '';
  if (toAdd > 0) { active.sort(bySizeNewer); operation = 'up'; }
  if (toAdd < 0) { active.sort(bySizeOlder); operation = 'down'; }
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of active) {
    const share = toAdd !== 0 ? getProportion(rs, d, toAdd, added) : 0;
    sizes.set(rs.metadata.name!, replicasOf(rs) + share);
    added += share;
  }
  for (const [i, rs] of active.entries()) {
    let size = sizes.get(rs.metadata.name!)!;
    // What rounding left over goes to (or comes from) the largest.
    if (i === 0 && toAdd !== 0) size = Math.max(size + toAdd - added, 0);
    await scaleReplicaSet(run, rs, size, operation);
  }
}

/** Deletes the oldest old ReplicaSets beyond revisionHistoryLimit, but only empty, settled ones. */
export async function cleanupDeployment(run: Run, oldRSs: ReplicaSet[]): Promise<void> {
  const limit = run.d.spec.revisionHistoryLimit;
  if (limit === undefined || limit === null || limit === 2147483647) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const excess = cleanable.length - limit;
  if (excess <= 0) return;
  cleanable.sort(byRevision);
  for (const rs of cleanable.slice(0, excess)) {
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      await run.deps.replicaSets.delete(rs.metadata.name!, rs.metadata.namespace);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

export async function syncDeploymentStatus(run: Run, allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined): Promise<void> {
  const next = calculateStatus(allRSs, newRS, run.d, run.deps.clock.now());
  if (sameStatus(run.d.status, next)) return;
  run.d.status = next;
  await saveDeployment(run);
}

/**
 * Progressing becomes Unknown/DeploymentPaused while paused and Unknown/DeploymentResumed
 * after, so time spent paused never counts against the progress deadline. A deadline
 * already exceeded stays reported.
 */
export async function checkPausedConditions(run: Run): Promise<void> {
  const d = run.d;
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, PROGRESSING);
  if (cond?.reason === Reasons.timedOut) return;
  const pausedCondition = cond?.reason === Reasons.paused;
  const now = run.deps.clock.now();
  if (d.spec.paused && !pausedCondition) {
    d.status ??= {};
    setCondition(d.status, newCondition(PROGRESSING, 'Unknown', Reasons.paused, 'Deployment is paused', now));
  } else if (!d.spec.paused && pausedCondition) {
    d.status ??= {};
    setCondition(d.status, newCondition(PROGRESSING, 'Unknown', Reasons.resumed, 'Deployment is resumed', now));
  } else {
    return;
  }
  await saveDeployment(run);
}
