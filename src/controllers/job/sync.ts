/**
 * One reconcile of a Job (upstream's syncJob): count its pods, decide whether it has
 * failed (backoffLimit, activeDeadlineSeconds) or met its success criteria, otherwise
 * run or suspend its pods, then record the status (tracking.ts).
 */
import type { Job, Pod } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import type { ReconcileResult } from '../../client/workqueue.js';
import { isPodActive, isPodReady } from '../runtime/pods.js';
import { completionIndex, mergeIndexes, parseIndexes } from './indexes.js';
import { deleteActivePods, manageJob } from './manage.js';
import { hasTrackingFinalizer, isPodFailed, isSucceeded, isTerminating, restartsOfRunningPods } from './pods.js';
import { asJob, isIndexed, type JobControllerParts, type JobState } from './state.js';
import {
  ensureCondition, isJobFinished, isSuspended, MESSAGE_BACKOFF_LIMIT, MESSAGE_COMPLETIONS, MESSAGE_DEADLINE, newCondition,
  REASON_BACKOFF_LIMIT, REASON_COMPLETIONS, REASON_DEADLINE, trueCondition,
} from './status.js';
import { trackStatus } from './tracking.js';

/**
 * `pods` are the Job's pods as claimed from the informer; `expectationsMet` says whether
 * the pods this controller created or deleted earlier are all visible in them.
 */
export async function syncJob(p: JobControllerParts, key: string, shared: Job, pods: Pod[], expectationsMet: boolean): Promise<ReconcileResult> {
  if (isJobFinished(shared)) {
    p.backoff.delete(key);
    return undefined;
  }
  const mode = shared.spec.completionMode;
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
    p.recorder.event(asJob(shared), 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
    return undefined;
  }
  const now = p.clock.now();
  // Only the status is rewritten (spec and metadata are read): copy just that, not the pod template.
  const status = structuredClone(shared.status ?? {});
  const job: Job = { ...shared, status };
  status.uncountedTerminatedPods ??= {};
  const st = newState(p, key, job, pods, now);
  const suspended = isSuspended(job);
  // A suspended Job is not running: its start (and activeDeadlineSeconds' clock) begins
  // afresh on resume. Clearing it while suspended also keeps to the status rule that a
  // running Job's startTime only goes from unset to set.
  if (suspended) delete status.startTime;
  else if (!status.startTime) status.startTime = metaTime(now);

  decideFailure(st, now);
  if (isIndexed(job)) {
    // Succeeded pods still holding the finalizer have not made it into completedIndexes yet.
    const completions = job.spec.completions ?? 0;
    st.prevSucceededIndexes = parseIndexes(status.completedIndexes, completions);
    const fresh = pods.filter((pod) => isSucceeded(pod) && hasTrackingFinalizer(pod)).map(completionIndex).filter((ix): ix is number => ix !== undefined && ix < completions);
    st.succeededIndexes = mergeIndexes(st.prevSucceededIndexes, fresh);
    st.succeeded = st.succeededIndexes.length;
  }

  let active = st.active.length;
  let manageError: unknown;
  let suspendChanged = false;
  if (st.finished) {
    const before = active;
    const result = await deleteActivePods(p, st);
    manageError = result.error;
    active -= result.deleted;
    // Not finished while pods may still be running or not yet visible.
    if (result.deleted !== before || !expectationsMet) st.finished = undefined;
  } else {
    let managed = false;
    if (expectationsMet && !job.metadata.deletionTimestamp) {
      ({ active, error: manageError } = await manageJob(p, st, now));
      managed = true;
    }
    const completions = job.spec.completions;
    // Without completions, one success ends the Job once nothing runs any more.
    const complete = completions == null ? st.succeeded > 0 && active === 0 : st.succeeded >= completions && active === 0;
    if (complete) st.finished = newCondition('SuccessCriteriaMet', REASON_COMPLETIONS, MESSAGE_COMPLETIONS, now);
    else if (managed) suspendChanged = updateSuspended(p, st, now);
  }

  const before = shared.status ?? {};
  const needsFlush = suspendChanged || active !== (before.active ?? 0) || st.ready !== before.ready || st.terminating !== before.terminating || status.startTime !== before.startTime;
  status.active = active;
  status.ready = st.ready;
  status.terminating = st.terminating;
  await trackStatus(p, st, needsFlush, now);
  if (manageError) throw manageError;
  return st.requeueMs.length ? { requeueAfterMs: Math.min(...st.requeueMs) } : undefined;
}

function newState(p: JobControllerParts, key: string, job: Job, pods: Pod[], now: Date): JobState {
  const status = job.status!;
  const uncounted = { succeeded: new Set(status.uncountedTerminatedPods?.succeeded), failed: new Set(status.uncountedTerminatedPods?.failed) };
  const beingRemoved = p.expectations.finalizersBeingRemoved(key);
  const active = pods.filter(isPodActive);
  const completions = job.spec.completions ?? 0;
  // Finished pods not yet in the status: they hold the finalizer and are in no uncounted list.
  const notYetCounted = (pod: Pod, list: Set<string>) => hasTrackingFinalizer(pod) && !list.has(pod.metadata.uid!) && !beingRemoved.has(pod.metadata.uid!)
    && (!isIndexed(job) || ((completionIndex(pod) ?? completions) < completions));
  const newSucceeded = pods.filter((pod) => isSucceeded(pod) && notYetCounted(pod, uncounted.succeeded));
  const newFailed = pods.filter((pod) => isPodFailed(pod, job) && notYetCounted(pod, uncounted.failed));
  return {
    key, job, pods, active, uncounted,
    finalizersBeingRemoved: beingRemoved,
    succeeded: (status.succeeded ?? 0) + newSucceeded.length + uncounted.succeeded.size,
    failed: (status.failed ?? 0) + newFailed.length + uncounted.failed.size,
    prevSucceededIndexes: [],
    succeededIndexes: [],
    backoff: p.backoff.next(key, newSucceeded, newFailed, now.getTime()),
    ready: active.filter(isPodReady).length,
    terminating: pods.filter(isTerminating).length,
    requeueMs: [],
  };
}

/** A Job on its way to Complete stays so; otherwise backoffLimit, then the deadline, may fail it. */
function decideFailure(st: JobState, now: Date): void {
  const job = st.job;
  const met = trueCondition(job, 'SuccessCriteriaMet');
  if (met) {
    st.finished = met;
    return;
  }
  const target = trueCondition(job, 'FailureTarget');
  if (target) {
    st.finished = newCondition('Failed', target.reason ?? '', target.message ?? '', now);
    return;
  }
  const backoffLimit = job.spec.backoffLimit ?? 6;
  if (st.failed > backoffLimit || pastBackoffLimitOnFailure(job, st.pods)) {
    st.finished = newCondition('FailureTarget', REASON_BACKOFF_LIMIT, MESSAGE_BACKOFF_LIMIT, now);
    return;
  }
  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline == null || isSuspended(job) || !job.status?.startTime) return;
  const left = Date.parse(job.status.startTime) + deadline * 1000 - now.getTime();
  if (left <= 0) st.finished = newCondition('FailureTarget', REASON_DEADLINE, MESSAGE_DEADLINE, now);
  else st.requeueMs.push(left);
}

/** restartPolicy OnFailure: container restarts of running pods count toward backoffLimit (any restart, if it is 0). */
function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec.template.spec.restartPolicy !== 'OnFailure') return false;
  const restarts = restartsOfRunningPods(pods);
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** The Suspended condition follows spec.suspend; resuming restarts the clock of activeDeadlineSeconds. */
function updateSuspended(p: JobControllerParts, st: JobState, now: Date): boolean {
  const status = st.job.status!;
  if (isSuspended(st.job)) {
    if (!ensureCondition(status, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)) return false;
    p.recorder.event(asJob(st.job), 'Normal', 'Suspended', 'Job suspended');
    return true;
  }
  if (!ensureCondition(status, 'Suspended', 'False', 'JobResumed', 'Job resumed', now)) return false;
  p.recorder.event(asJob(st.job), 'Normal', 'Resumed', 'Job resumed');
  status.startTime = metaTime(now);
  return true;
}
