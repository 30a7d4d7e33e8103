/**
 * Counting finished pods without losing or repeating a count (upstream's
 * trackJobStatusAndRemoveFinalizers). Every Job pod is created with the tracking
 * finalizer, so it cannot vanish before it is counted. A finished pod is counted in three
 * writes, each safe to repeat after a crash:
 *   1. its UID goes into status.uncountedTerminatedPods (Indexed successes: its index
 *      into completedIndexes), together with any interim condition;
 *   2. its finalizer is removed;
 *   3. UIDs whose pods no longer carry the finalizer move from the uncounted lists into
 *      status.succeeded / status.failed.
 * Once nothing is uncounted and no pod is terminating, the Job gets Complete or Failed.
 */
import type { Job, JobStatus, Pod } from '../../api/objects/index.js';
import { isNotFound } from '../../client/errors.js';
import { completionIndex, formatIndexes, mergeIndexes } from './indexes.js';
import { removeTrackingFinalizer } from './manage.js';
import { hasTrackingFinalizer, isPodFailed, isSucceeded } from './pods.js';
import { asJob, isIndexed, type JobControllerParts, type JobState } from './state.js';
import { ensureCondition, newCondition, normalizedStatus, trueCondition } from './status.js';

/** Keeps status.uncountedTerminatedPods small (about 20 KB of UIDs). */
const MAX_UNCOUNTED = 500;

export async function trackStatus(p: JobControllerParts, st: JobState, needsFlush: boolean, now: Date): Promise<void> {
  const indexed = isIndexed(st.job);
  const completions = st.job.spec.completions ?? 0;
  const withFinalizer = new Set(st.pods.filter((pod) => hasTrackingFinalizer(pod) && !st.finalizersBeingRemoved.has(pod.metadata.uid!)).map((pod) => pod.metadata.uid!));
  if (countRemoved(st.job.status!, withFinalizer)) needsFlush = true;

  const toRelease: Pod[] = [];
  const newIndexes: number[] = [];
  const uncounted = st.job.status!.uncountedTerminatedPods!;
  let reachedMax = false;
  const pods = indexed ? [...st.pods].sort((a, b) => (completionIndex(a) ?? -1) - (completionIndex(b) ?? -1)) : st.pods;
  for (const pod of pods) {
    const uid = pod.metadata.uid!;
    if (!hasTrackingFinalizer(pod) || st.finalizersBeingRemoved.has(uid)) continue;
    const failed = isPodFailed(pod, st.job);
    // Running pods keep their finalizer until they finish, or the Job ends or goes away.
    if (!(st.job.metadata.deletionTimestamp || st.finished || isSucceeded(pod) || failed)) continue;
    toRelease.push(pod);
    const ix = completionIndex(pod);
    if (isSucceeded(pod) && !st.uncounted.failed.has(uid)) {
      // An Indexed success is recorded by its index alone.
      if (indexed) {
        if (ix !== undefined && ix < completions && !st.prevSucceededIndexes.includes(ix)) { newIndexes.push(ix); needsFlush = true; }
      } else if (!st.uncounted.succeeded.has(uid)) {
        (uncounted.succeeded ??= []).push(uid);
        needsFlush = true;
      }
    } else if (failed || (st.finished && st.finished.type !== 'SuccessCriteriaMet')) {
      // Once the Job has failed, every pod not yet succeeded counts as failed.
      if (!st.uncounted.failed.has(uid) && (!indexed || (ix !== undefined && ix < completions))) {
        (uncounted.failed ??= []).push(uid);
        needsFlush = true;
      }
    }
    if (newIndexes.length + (uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) >= MAX_UNCOUNTED) {
      reachedMax = true;
      break;
    }
  }
  if (indexed) {
    st.succeededIndexes = mergeIndexes(st.succeededIndexes, newIndexes);
    const text = formatIndexes(st.succeededIndexes);
    if (text !== (st.job.status!.completedIndexes ?? '')) needsFlush = true;
    st.job.status!.completedIndexes = text;
    st.job.status!.succeeded = st.succeededIndexes.length;
  }
  // The interim condition is written before any finalizer goes, so a restart finishes the same way.
  if (st.finished?.type === 'FailureTarget') {
    st.job.status!.conditions = [...(st.job.status!.conditions ?? []), st.finished];
    needsFlush = true;
    st.finished = newCondition('Failed', st.finished.reason!, st.finished.message!, now);
  }
  if (st.finished?.type === 'SuccessCriteriaMet') {
    if (!trueCondition(st.job, 'SuccessCriteriaMet')) {
      st.job.status!.conditions = [...(st.job.status!.conditions ?? []), st.finished];
      needsFlush = true;
    }
    st.finished = newCondition('Complete', st.finished.reason!, st.finished.message!, now);
  }

  if (needsFlush) {
    await flush(p, st);
    p.backoff.commit(st.key, st.backoff);
    needsFlush = false;
  }
  const releaseError = await releasePods(p, st, toRelease, withFinalizer);
  if (countRemoved(st.job.status!, withFinalizer)) needsFlush = true;
  if (releaseError) {
    if (needsFlush) await flush(p, st);
    throw releaseError;
  }
  const finished = !reachedMax && enactFinished(st, now);
  if (finished || needsFlush) await flush(p, st);
  if (finished) recordFinished(p, st);
}

/** Moves UIDs whose pods no longer carry the finalizer (or are gone) from the uncounted lists into the counters. */
function countRemoved(status: JobStatus, withFinalizer: Set<string>): boolean {
  const u = (status.uncountedTerminatedPods ??= {});
  let changed = false;
  for (const kind of ['succeeded', 'failed'] as const) {
    const list = u[kind] ?? [];
    const still = list.filter((uid) => withFinalizer.has(uid));
    if (still.length === list.length) continue;
    status[kind] = (status[kind] ?? 0) + list.length - still.length;
    u[kind] = still;
    changed = true;
  }
  return changed;
}

async function releasePods(p: JobControllerParts, st: JobState, pods: Pod[], withFinalizer: Set<string>): Promise<unknown> {
  let error: unknown;
  await Promise.all(pods.map(async (pod) => {
    const uid = pod.metadata.uid!;
    p.expectations.expectFinalizerRemoved(st.key, uid);
    try {
      await removeTrackingFinalizer(p, pod);
      withFinalizer.delete(uid);
    } catch (err) {
      if (isNotFound(err)) { withFinalizer.delete(uid); return; }
      p.expectations.finalizerRemovalObserved(st.key, uid);
      error ??= err;
    }
  }));
  return error;
}

/** Complete or Failed, once every finished pod is counted and none is still terminating. */
function enactFinished(st: JobState, now: Date): boolean {
  const finished = st.finished;
  if (!finished) return false;
  const u = st.job.status!.uncountedTerminatedPods ?? {};
  if ((u.succeeded?.length ?? 0) + (u.failed?.length ?? 0) > 0 || st.terminating > 0) return false;
  ensureCondition(st.job.status!, finished.type, 'True', finished.reason ?? '', finished.message ?? '', now);
  if (finished.type === 'Complete') st.job.status!.completionTime = finished.lastTransitionTime;
  return true;
}

function recordFinished(p: JobControllerParts, st: JobState): void {
  const job = asJob(st.job);
  const finished = st.finished!;
  if (finished.type === 'Complete') {
    const completions = job.spec.completions;
    if (completions != null && (job.status?.succeeded ?? 0) > completions) {
      p.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
    }
    p.recorder.event(job, 'Normal', 'Completed', 'Job completed');
  } else {
    p.recorder.event(job, 'Warning', finished.reason ?? 'Failed', finished.message ?? '');
  }
}

/** Writes the status; the server's answer (with its resourceVersion) becomes the working copy. */
async function flush(p: JobControllerParts, st: JobState): Promise<void> {
  const written = await p.jobs.updateStatus({ ...st.job, status: normalizedStatus(st.job.status!) } as Job);
  written.status ??= {};
  written.status.uncountedTerminatedPods ??= {};
  st.job = written;
}
