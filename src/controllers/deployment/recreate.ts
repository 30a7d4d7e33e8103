/**
 * The Recreate strategy (upstream's recreate.go): scale every old ReplicaSet to zero,
 * wait until none of their pods is left running (terminating ones included), and only
 * then create or grow the new ReplicaSet to full size. Old and new pods never run together.
 */
import type { Pod, ReplicaSet } from '../../api/objects/index.js';
import { deploymentComplete } from './conditions.js';
import { scaleReplicaSetAndRecordEvent, type Run } from './context.js';
import { syncRolloutStatus } from './progress.js';
import { getAllReplicaSetsAndSyncRevision } from './replicasets.js';
import { cleanupDeployment } from './sync.js';
import { controlledBy } from '../runtime/indexes.js';
import { actualReplicaCount, desiredReplicas, filterActive } from './rollout-math.js';

export async function rolloutRecreate(run: Run, rsList: ReplicaSet[]): Promise<void> {
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(run, rsList, false);
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) {
    if ((await scaleReplicaSetAndRecordEvent(run, rs, 0)).scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(run, [...oldRSs, newRS], newRS);
  if (oldPodsRunning(run, newRS, oldRSs)) return syncRolloutStatus(run, [...oldRSs, newRS], newRS);
  if (!newRS) ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(run, rsList, true));
  const grown = await scaleReplicaSetAndRecordEvent(run, newRS!, desiredReplicas(run.d));
  if (deploymentComplete(run.d, run.d.status ?? {})) await cleanupDeployment(run, oldRSs);
  return syncRolloutStatus(run, [...oldRSs, grown.rs], grown.rs);
}

/** Whether an old ReplicaSet still has pods, or any pod of theirs has not finished (terminating ones count). */
function oldPodsRunning(run: Run, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  const pods = run.deps.podInformer;
  return oldRSs.some((rs) => rs.metadata.uid !== newRS?.metadata.uid && controlledBy(pods, rs.metadata.uid!).some(running));
}

const running = (pod: Pod) => pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded';
