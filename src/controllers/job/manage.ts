/**
 * Keeping the right number of pods running (upstream's manageJob): active pods are
 * min(parallelism, completions left); a suspended Job has none; replacements for failed
 * pods wait out the pod-failure back-off; Indexed Jobs create the lowest missing indexes.
 */
import type { Pod } from '../../api/objects/index.js';
import { ApiError, isConflict, isNotFound } from '../../client/errors.js';
import { isPodReady } from '../runtime/pods.js';
import { remainingBackoff } from './backoff.js';
import { duplicateIndexPods, firstPendingIndexes } from './indexes.js';
import { deleteFirst, hasTrackingFinalizer, onlyReplaceFailedPods, podForJob, TRACKING_FINALIZER } from './pods.js';
import { asJob, isIndexed, type JobControllerParts, type JobState } from './state.js';
import { isSuspended } from './status.js';

/** At most this many pods are created or deleted in one sync (MaxPodCreateDeletePerSync). */
const MAX_PER_SYNC = 500;

/** Runs one round of pod management; returns the active count after it (and the first error). */
export async function manageJob(p: JobControllerParts, st: JobState, now: Date): Promise<{ active: number; error?: unknown }> {
  const job = st.job;
  let active = st.active.length;
  if (isSuspended(job)) {
    const removed = await deleteJobPods(p, st, activePodsForRemoval(st, active));
    return { active: active - removed.deleted, error: removed.error };
  }
  const parallelism = job.spec.parallelism ?? 1;
  const completions = job.spec.completions;
  let wantActive: number;
  if (completions == null) {
    // Without completions, the first success means "done": let what runs finish, start nothing new.
    wantActive = st.succeeded > 0 ? active : parallelism;
  } else {
    wantActive = Math.max(0, Math.min(completions - st.succeeded, parallelism));
  }

  const toDelete = activePodsForRemoval(st, Math.max(0, active - wantActive)).slice(0, MAX_PER_SYNC);
  if (toDelete.length) {
    // Deleting and creating in one round could fight each other; deletion goes first.
    const removed = await deleteJobPods(p, st, toDelete);
    return { active: active - removed.deleted, error: removed.error };
  }

  let diff = wantActive - (onlyReplaceFailedPods(job) ? st.terminating : 0) - active;
  if (diff <= 0) return { active };
  const wait = remainingBackoff(st.backoff, now.getTime());
  if (wait > 0) {
    st.requeueMs.push(wait);
    return { active };
  }
  diff = Math.min(diff, MAX_PER_SYNC);
  let indexes: number[] | undefined;
  if (isIndexed(job)) {
    indexes = firstPendingIndexes(st.succeededIndexes, st.active, diff, completions ?? 0);
    diff = indexes.length;
  }
  const created = await createPods(p, st, diff, indexes);
  return { active: active + created.created, error: created.error };
}

/**
 * Slow start (upstream's batches of 1, 2, 4, …): if the first creations fail (quota, a
 * webhook), the rest are not attempted, and their expectations are dropped.
 */
async function createPods(p: JobControllerParts, st: JobState, count: number, indexes?: number[]): Promise<{ created: number; error?: unknown }> {
  const job = asJob(st.job);
  p.expectations.expect(st.key, count, 0);
  let created = 0;
  let error: unknown;
  let attempted = 0;
  for (let batch = Math.min(1, count); attempted < count; batch = Math.min(batch * 2, count - attempted)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, i) => {
      const pod = podForJob(job, indexes?.[attempted + i]);
      return p.pods.create(pod, { fieldManager: 'job-controller' });
    }));
    attempted += batch;
    for (const r of results) {
      if (r.status === 'fulfilled') {
        created++;
        p.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`);
        continue;
      }
      p.expectations.creationObserved(st.key);
      // A namespace being torn down refuses every creation; that is not the Job's failure.
      if (r.reason instanceof ApiError && r.reason.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) continue;
      error ??= r.reason;
      p.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
    }
    if (error) break;
  }
  for (let i = attempted; i < count; i++) p.expectations.creationObserved(st.key);
  return { created, error };
}

/**
 * Pods to remove: for Indexed Jobs first those with a missing, out-of-range or repeated
 * index, then (all Jobs) the least advanced until `atLeast` are chosen.
 */
function activePodsForRemoval(st: JobState, atLeast: number): Pod[] {
  let remove: Pod[] = [];
  let left = st.active;
  if (isIndexed(st.job)) ({ remove, keep: left } = duplicateIndexPods(st.active, st.job.spec.completions ?? 0, deleteFirst));
  if (remove.length < atLeast) remove = [...remove, ...[...left].sort(deleteFirst).slice(0, atLeast - remove.length)];
  return remove;
}

/**
 * Deletes pods the Job no longer wants (too many, or suspended). Their finalizer goes
 * first: a pod removed on purpose is not a failure to count.
 */
async function deleteJobPods(p: JobControllerParts, st: JobState, pods: Pod[]): Promise<{ deleted: number; error?: unknown }> {
  if (!pods.length) return { deleted: 0 };
  p.expectations.expect(st.key, 0, pods.length);
  const job = asJob(st.job);
  let deleted = 0;
  let error: unknown;
  await Promise.all(pods.map(async (pod) => {
    try {
      if (hasTrackingFinalizer(pod)) await removeTrackingFinalizer(p, pod);
      await p.pods.delete(pod.metadata.name!, pod.metadata.namespace, { preconditions: { uid: pod.metadata.uid } });
      p.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      deleted++;
      if (isPodReady(pod)) st.ready--;
      st.terminating++;
    } catch (err) {
      p.expectations.deletionObserved(st.key);
      // Already gone (or replaced by another pod of that name): nothing to delete.
      if (isNotFound(err) || isConflict(err)) { deleted++; return; }
      error ??= err;
      p.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${err instanceof Error ? err.message : String(err)}`);
    }
  }));
  return { deleted, error };
}

/**
 * Deletes the active pods of a Job that has failed (or met its success criteria),
 * keeping their finalizers: they are counted as failed before they go.
 */
export async function deleteActivePods(p: JobControllerParts, st: JobState): Promise<{ deleted: number; error?: unknown }> {
  const job = asJob(st.job);
  let deleted = 0;
  let error: unknown;
  await Promise.all(st.active.map(async (pod) => {
    try {
      await p.pods.delete(pod.metadata.name!, pod.metadata.namespace, { preconditions: { uid: pod.metadata.uid } });
      p.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) {
        error ??= err;
        p.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
    }
    deleted++;
    if (isPodReady(pod)) st.ready--;
    st.terminating++;
  }));
  return { deleted, error };
}

/** Strategic merge patch taking only our finalizer out, so other finalizers are untouched. */
export async function removeTrackingFinalizer(p: Pick<JobControllerParts, 'pods'>, pod: Pod): Promise<void> {
  await p.pods.patch(pod.metadata.name!, pod.metadata.namespace, 'strategic', { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [TRACKING_FINALIZER] } }, { fieldManager: 'job-controller' });
}
