/**
 * Pod-failure back-off (upstream's backoffStore): after consecutive failures the Job
 * waits before creating replacement pods — 10 s after the first, doubling with each
 * further failure, capped at 10 minutes (job_controller.go's MaxJobPodFailureBackOff; the
 * documentation still says six) — counted from when the last failed pod finished.
 * A success resets the count. Kept in memory per Job, as upstream does.
 */
import type { Pod } from '../../api/objects/index.js';
import { finishedAt } from './pods.js';

export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureMs?: number;
}

export class BackoffStore {
  private readonly records = new Map<string, BackoffRecord>();

  /**
   * The record once `newSucceeded` and `newFailed` (pods not yet counted) are taken into
   * account; not stored. Finish times are read no later than `nowMs`: a time stamped by
   * a clock ahead of ours (the API server's deletionTimestamp) must not stretch the wait.
   */
  next(key: string, newSucceeded: Pod[], newFailed: Pod[], nowMs: number): BackoffRecord {
    const previous = this.records.get(key) ?? { failuresAfterLastSuccess: 0 };
    if (!newFailed.length) return newSucceeded.length ? { failuresAfterLastSuccess: 0 } : { ...previous };
    const finished = (pod: Pod) => Math.min(finishedAt(pod), nowMs);
    const failures = newFailed.map(finished).sort((a, b) => a - b);
    if (!newSucceeded.length) return { failuresAfterLastSuccess: previous.failuresAfterLastSuccess + failures.length, lastFailureMs: failures[failures.length - 1] };
    // Only failures after the latest success count.
    const lastSuccess = Math.max(...newSucceeded.map(finished));
    const after = failures.filter((t) => t > lastSuccess);
    return after.length ? { failuresAfterLastSuccess: after.length, lastFailureMs: after[after.length - 1] } : { failuresAfterLastSuccess: 0 };
  }

  /** Keeps `record` once the pods it counted are recorded in the Job's status. */
  commit(key: string, record: BackoffRecord): void {
    this.records.set(key, record);
  }

  delete(key: string): void {
    this.records.delete(key);
  }
}

/** How long pod creation must still wait at `nowMs`; 0 when it may go ahead. */
export function remainingBackoff(record: BackoffRecord, nowMs: number): number {
  if (!record.failuresAfterLastSuccess || record.lastFailureMs === undefined) return 0;
  let delay = POD_FAILURE_BACKOFF_MS;
  for (let i = 1; i < record.failuresAfterLastSuccess && delay < MAX_POD_FAILURE_BACKOFF_MS; i++) delay *= 2;
  delay = Math.min(delay, MAX_POD_FAILURE_BACKOFF_MS);
  return Math.max(0, delay - (nowMs - record.lastFailureMs));
}
