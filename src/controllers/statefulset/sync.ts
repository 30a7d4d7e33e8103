/**
 * One pass of the StatefulSet control loop (upstream's updateStatefulSet):
 *
 * 1. Pods with an ordinal in [start, start+replicas) are the replicas, others with an
 *    ordinal are condemned. Missing replicas are built at the current revision (below
 *    the partition) or the update revision.
 * 2. Each replica, in ordinal order: finished pods are deleted (to be recreated), missing
 *    ones created (claims first). Under OrderedReady the pass stops at the first pod that
 *    is not Running, Ready and available, so pod N+1 is created only after pod N is up.
 * 3. Condemned pods are deleted from the highest ordinal down; under OrderedReady one at a
 *    time, only once every replica is healthy, waiting for each to terminate.
 * 4. RollingUpdate: pods not at the update revision are deleted from the highest ordinal
 *    down to the partition, no more at once than maxUnavailable allows (the rest of the
 *    loop recreates them at the new revision). OnDelete: pods change only when deleted.
 *
 * Parallel management creates and deletes without waiting (in slow-start batches).
 */
import type { ControllerRevision, Pod, StatefulSet, StatefulSetStatus } from '../../api/objects/index.js';
import { templateOf } from '../history/index.js';
import { scaledValue } from '../runtime/intstr.js';
import { slowStartBatch } from '../runtime/slow-start.js';
import { claimsMatchRetention, createClaims, podClaimIsStale, updateClaimsForRetention } from './claims.js';
import type { SetContext } from './context.js';
import {
  endOrdinal, identityMatches, inOrdinalRange, isCreated, isFinished, isHealthy, isPending, isRunningAndAvailable,
  isRunningAndReady, isTerminating, newPod, ordinalOf, podRevision, replicasOf, startOrdinal, storageMatches,
} from './identity.js';
import { createPod, deletePod, updatePod } from './pod-control.js';

export interface Revisions {
  current: ControllerRevision;
  update: ControllerRevision;
  collisionCount: number;
}

/** The set as it was at `revision`: only the template differs (the revision's patch replaces it). */
function atRevision(set: StatefulSet, revision: ControllerRevision): StatefulSet {
  return { ...set, spec: { ...set.spec, template: templateOf(revision) ?? set.spec.template } };
}

/** newVersionedStatefulSetPod: below the partition a new pod keeps the current revision. */
function newVersionedPod(set: StatefulSet, currentSet: StatefulSet, updateSet: StatefulSet, revs: Revisions, ordinal: number): Pod {
  const strategy = set.spec.updateStrategy;
  const rolling = strategy?.rollingUpdate;
  const keepCurrent = (strategy?.type !== 'OnDelete' && !rolling && ordinal < startOrdinal(set) + (set.status?.currentReplicas ?? 0))
    || (rolling !== undefined && ordinal < startOrdinal(set) + (rolling.partition ?? 0));
  return keepCurrent ? newPod(currentSet, ordinal, revs.current.metadata.name!) : newPod(updateSet, ordinal, revs.update.metadata.name!);
}

export function countPods(set: StatefulSet, revs: Revisions, now: Date, pods: Pod[]): Pick<StatefulSetStatus, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'currentReplicas' | 'updatedReplicas'> {
  const counts = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const pod of pods) {
    if (isCreated(pod)) counts.replicas++;
    if (isRunningAndReady(pod)) {
      counts.readyReplicas++;
      if (isRunningAndAvailable(pod, set.spec.minReadySeconds ?? 0, now)) counts.availableReplicas++;
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      if (podRevision(pod) === revs.current.metadata.name) counts.currentReplicas++;
      if (podRevision(pod) === revs.update.metadata.name) counts.updatedReplicas++;
    }
  }
  return counts;
}

/** Runs `fn` over every index: in order, stopping when it asks to (monotonic), or in slow-start batches. */
async function runForAll(count: number, monotonic: boolean, fn: (i: number) => Promise<boolean>): Promise<boolean> {
  if (monotonic) {
    for (let i = 0; i < count; i++) if (await fn(i)) return true;
    return false;
  }
  const { errors = [] } = await slowStartBatch(count, 1, fn);
  if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => String((e as Error)?.message ?? e)).join('; '));
  if (errors.length) throw errors[0];
  return false;
}

/** Performs the writes one pass calls for and answers the status the set should show. */
export async function updateStatefulSet(sc: SetContext, set: StatefulSet, revs: Revisions, pods: Pod[]): Promise<StatefulSetStatus> {
  const now = sc.clock.now();
  const currentSet = atRevision(set, revs.current);
  const updateSet = atRevision(set, revs.update);
  const status: StatefulSetStatus = {
    ...countPods(set, revs, now, pods),
    observedGeneration: set.metadata.generation,
    currentRevision: revs.current.metadata.name, updateRevision: revs.update.metadata.name, collisionCount: revs.collisionCount,
  };

  const replicas: Pod[] = new Array(replicasOf(set));
  const condemned: Pod[] = [];
  for (const pod of pods) {
    const ordinal = ordinalOf(pod);
    if (inOrdinalRange(set, ordinal)) replicas[ordinal - startOrdinal(set)] = pod;
    else if (ordinal >= 0) condemned.push(pod);
  }
  for (let ordinal = startOrdinal(set); ordinal <= endOrdinal(set); ordinal++) {
    const i = ordinal - startOrdinal(set);
    replicas[i] ??= newVersionedPod(set, currentSet, updateSet, revs, ordinal);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const firstUnhealthy = replicas.find((p) => !isHealthy(p)) ?? [...condemned].reverse().find((p) => !isHealthy(p));
  const recount = () => Object.assign(status, countPods(set, revs, now, [...replicas, ...condemned]));

  if (set.metadata.deletionTimestamp) return status;
  const monotonic = set.spec.podManagementPolicy !== 'Parallel';
  const minReady = set.spec.minReadySeconds ?? 0;

  const processReplica = async (i: number): Promise<boolean> => {
    const pod = replicas[i]!;
    // Finished pods (failed, or ended by a node shutdown) are deleted; the next pass recreates them.
    if (isFinished(pod)) {
      if (!isTerminating(pod)) await deletePod(sc, set, pod);
      return true;
    }
    if (!isCreated(pod)) {
      if (podClaimIsStale(sc, set, pod)) return true;
      const created = await createPod(sc, set, pod);
      if (monotonic || !created) return true;
      return false;
    }
    if (isPending(pod)) await createClaims(sc, updateSet, pod);
    if (isTerminating(pod) && monotonic) return true;
    if (!isRunningAndReady(pod) && monotonic) return true;
    if (!isRunningAndAvailable(pod, minReady, now) && monotonic) return true;
    if (identityMatches(set, pod) && storageMatches(set, pod) && claimsMatchRetention(sc, updateSet, pod)) return false;
    await updatePod(sc, updateSet, pod);
    return false;
  };
  if (await runForAll(replicas.length, monotonic, processReplica)) return recount();

  // Condemned pods' claims change owner first (whenScaled: Delete gives them to the pod).
  const fixClaims = async (i: number): Promise<boolean> => {
    if (!claimsMatchRetention(sc, updateSet, condemned[i]!)) await updateClaimsForRetention(sc, updateSet, condemned[i]!);
    return false;
  };
  if (await runForAll(condemned.length, monotonic, fixClaims)) return recount();

  const processCondemned = async (i: number): Promise<boolean> => {
    const pod = condemned[i]!;
    if (isTerminating(pod)) return monotonic;
    if (monotonic && pod !== firstUnhealthy && !isRunningAndAvailable(pod, minReady, now)) return true;
    await deletePod(sc, set, pod);
    return true;
  };
  if (await runForAll(condemned.length, monotonic, processCondemned)) return recount();
  recount();

  if (set.spec.updateStrategy?.type === 'OnDelete') return status;
  await rollingUpdate(sc, set, replicas, revs.update, status);
  return status;
}

/** updateStatefulSetAfterInvariantEstablished: replace old pods, highest ordinal first, within maxUnavailable. */
async function rollingUpdate(sc: SetContext, set: StatefulSet, replicas: Pod[], update: ControllerRevision, status: StatefulSetStatus): Promise<void> {
  const rolling = set.spec.updateStrategy?.rollingUpdate;
  const partition = rolling?.partition ?? 0;
  // Rounded down, but never below one, or the update could not progress.
  const maxUnavailable = Math.max(1, scaledValue(rolling?.maxUnavailable, replicas.length, false, 1));
  const unavailable = replicas.filter((p) => !isHealthy(p)).length;
  if (unavailable >= maxUnavailable) return;
  let budget = maxUnavailable - unavailable;
  for (let target = replicas.length - 1; target >= partition && budget > 0; target--) {
    const pod = replicas[target]!;
    if (podRevision(pod) === update.metadata.name || isTerminating(pod)) continue;
    await deletePod(sc, set, pod);
    budget--;
    status.currentReplicas = (status.currentReplicas ?? 0) - 1;
  }
}
