/**
 * The RollingUpdate strategy (upstream's rolling.go). Each step either grows the new
 * ReplicaSet (never past replicas + maxSurge pods wanted in total) or shrinks old ones
 * (never below replicas − maxUnavailable available pods), then reports progress. Old
 * ReplicaSets' unhealthy pods go before healthy ones, oldest ReplicaSet first.
 */
import type { ReplicaSet } from '../../api/objects/index.js';
import { deploymentComplete } from './conditions.js';
import { scaleReplicaSetAndRecordEvent, type Run } from './context.js';
import { syncRolloutStatus } from './progress.js';
import { getAllReplicaSetsAndSyncRevision } from './replicasets.js';
import { cleanupDeployment } from './sync.js';
import { availableReplicaCount, byCreation, desiredReplicas, filterActive, maxUnavailable, newRSNewReplicas, replicasOf, specReplicaCount } from './rollout-math.js';

export async function rolloutRolling(run: Run, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(run, rsList, true);
  // Created above unless creation failed, which throws.
  const theNew = newRS!;
  let all: ReplicaSet[] = [...oldRSs, theNew];

  const grown = await reconcileNewReplicaSet(run, all, theNew);
  if (grown.scaled) {
    all = [...oldRSs, grown.rs];
    return syncRolloutStatus(run, all, grown.rs);
  }
  const shrunk = await reconcileOldReplicaSets(run, all, filterActive(oldRSs), theNew);
  if (shrunk) return syncRolloutStatus(run, all, theNew);
  if (deploymentComplete(run.d, run.d.status ?? {})) await cleanupDeployment(run, oldRSs);
  return syncRolloutStatus(run, all, theNew);
}

async function reconcileNewReplicaSet(run: Run, all: ReplicaSet[], newRS: ReplicaSet): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const want = desiredReplicas(run.d);
  if (replicasOf(newRS) === want) return { scaled: false, rs: newRS };
  if (replicasOf(newRS) > want) return scaleReplicaSetAndRecordEvent(run, newRS, want);
  return scaleReplicaSetAndRecordEvent(run, newRS, newRSNewReplicas(run.d, all, newRS));
}

/** True when some old ReplicaSet was made smaller. */
async function reconcileOldReplicaSets(run: Run, all: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  if (specReplicaCount(oldRSs) === 0) return false;
  const minAvailable = desiredReplicas(run.d) - maxUnavailable(run.d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  // Pods that can go without breaking availability, counting the new set's not-yet-available pods as gone already.
  const maxScaledDown = specReplicaCount(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const { olds, cleaned } = await cleanupUnhealthyReplicas(run, oldRSs, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSets(run, [...olds, newRS], olds);
  return cleaned + scaledDown > 0;
}

/** Shrinks old ReplicaSets by their unavailable pods first (at most `maxCleanup`), oldest ReplicaSet first. */
async function cleanupUnhealthyReplicas(run: Run, oldRSs: ReplicaSet[], maxCleanup: number): Promise<{ olds: ReplicaSet[]; cleaned: number }> {
  const olds = [...oldRSs].sort(byCreation);
  let cleaned = 0;
  for (const [i, rs] of olds.entries()) {
    if (cleaned >= maxCleanup) break;
    const available = rs.status?.availableReplicas ?? 0;
    if (replicasOf(rs) === 0 || replicasOf(rs) === available) continue;
    const count = Math.min(maxCleanup - cleaned, replicasOf(rs) - available);
    olds[i] = (await scaleReplicaSetAndRecordEvent(run, rs, replicasOf(rs) - count)).rs;
    cleaned += count;
  }
  return { olds, cleaned };
}

/** Shrinks old ReplicaSets, oldest first, while more pods are available than replicas − maxUnavailable. */
async function scaleDownOldReplicaSets(run: Run, all: ReplicaSet[], oldRSs: ReplicaSet[]): Promise<number> {
  const minAvailable = desiredReplicas(run.d) - maxUnavailable(run.d);
  const available = availableReplicaCount(all);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let done = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (done >= budget) break;
    if (replicasOf(rs) === 0) continue;
    const count = Math.min(replicasOf(rs), budget - done);
    await scaleReplicaSetAndRecordEvent(run, rs, replicasOf(rs) - count);
    done += count;
  }
  return done;
}
