/** Job conditions and status facts (upstream's job util and condition helpers). */
import type { Condition, Job, JobStatus } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';

export const REASON_BACKOFF_LIMIT = 'BackoffLimitExceeded';
export const MESSAGE_BACKOFF_LIMIT = 'Job has reached the specified backoff limit';
export const REASON_DEADLINE = 'DeadlineExceeded';
export const MESSAGE_DEADLINE = 'Job was active longer than specified deadline';
export const REASON_COMPLETIONS = 'CompletionsReached';
export const MESSAGE_COMPLETIONS = 'Reached expected number of succeeded pods';

export function trueCondition(job: Job, type: string): Condition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** Complete or Failed: the controller leaves the Job alone from then on. */
export function isJobFinished(job: Job): boolean {
  return Boolean(trueCondition(job, 'Complete') || trueCondition(job, 'Failed'));
}

export function finishedConditionType(job: Job): 'Complete' | 'Failed' | undefined {
  return trueCondition(job, 'Complete') ? 'Complete' : trueCondition(job, 'Failed') ? 'Failed' : undefined;
}

export function isSuspended(job: Job): boolean {
  return job.spec.suspend === true;
}

export function newCondition(type: string, reason: string, message: string, now: Date, status: Condition['status'] = 'True'): Condition {
  const at = metaTime(now);
  return { type, status, lastProbeTime: at, lastTransitionTime: at, reason, message };
}

/**
 * ensureJobConditionStatus: sets the condition of `type` (replacing it, with fresh times,
 * when status, reason or message differ); a False condition is never added where none
 * was. Returns whether anything changed.
 */
export function ensureCondition(status: JobStatus, type: string, value: Condition['status'], reason: string, message: string, now: Date): boolean {
  const list = status.conditions ?? [];
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i]!;
    if (c.status === value && (c.reason ?? '') === reason && (c.message ?? '') === message) return false;
    list[i] = newCondition(type, reason, message, now, value);
    status.conditions = list;
    return true;
  }
  if (value === 'False') return false;
  status.conditions = [...list, newCondition(type, reason, message, now, value)];
  return true;
}

/** The status as upstream serialises it: zero counters and empty lists omitted, ready/terminating always present. */
export function normalizedStatus(status: JobStatus): JobStatus {
  const out: JobStatus = { ...status };
  for (const k of ['active', 'succeeded', 'failed'] as const) if (!out[k]) delete out[k];
  if (!out.completedIndexes) delete out.completedIndexes;
  if (!out.conditions?.length) delete out.conditions;
  const u = out.uncountedTerminatedPods ?? {};
  out.uncountedTerminatedPods = { ...(u.succeeded?.length ? { succeeded: u.succeeded } : {}), ...(u.failed?.length ? { failed: u.failed } : {}) };
  out.ready ??= 0;
  out.terminating ??= 0;
  return out;
}
