/**
 * One reconcile of a CronJob (upstream's cronjob_controllerv2 sync): forget finished and
 * vanished Jobs, trim the history, and start the Job due now — named after its schedule
 * time, so a Job is never started twice for one time — subject to suspend, the starting
 * deadline and the concurrency policy. Returns when to look again: the next schedule time.
 */
import type { CronJob, Job, ObjectReference } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import type { ResourceClient } from '../../client/client.js';
import type { Clock } from '../../client/clock.js';
import { ApiError, isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { EventRecorder } from '../runtime/events.js';
import { finishedConditionType } from '../job/status.js';
import { controllerOf, controllerRef } from '../runtime/pods.js';
import { parseSchedule, type Schedule } from '../../util/cron/schedule.js';
import { nextScheduleDelay, nextScheduleTime } from './times.js';
import { formatRfc3339, isKnownZone } from '../../util/cron/zone.js';

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobParts {
  cronjobs: ResourceClient<CronJob>;
  jobs: ResourceClient<Job>;
  clock: Clock;
  recorder: EventRecorder;
}

const inActive = (cj: CronJob, uid?: string) => (cj.status?.active ?? []).some((r) => r.uid === uid);
const dropActive = (cj: CronJob, uid?: string) => { cj.status!.active = (cj.status!.active ?? []).filter((r) => r.uid !== uid); };
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Jobs the CronJob has seen finish leave the active list; Jobs that vanished too; a success moves lastSuccessfulTime. */
export async function reconcileChildren(p: CronJobParts, cj: CronJob, jobs: Job[]): Promise<{ cj: CronJob; changed: boolean }> {
  let changed = false;
  for (const job of jobs) {
    const uid = job.metadata.uid;
    const finished = finishedConditionType(job);
    if (!inActive(cj, uid) && !finished) {
      // Our cache may lag our own status write: check the server's list before complaining.
      const fresh = await p.cronjobs.get(cj.metadata.name!, cj.metadata.namespace);
      if (inActive(fresh, uid)) {
        cj = { ...fresh, apiVersion: 'batch/v1', kind: 'CronJob', status: fresh.status ?? {} };
        continue;
      }
      p.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata.name}`);
      continue;
    }
    if (inActive(cj, uid) && finished) {
      dropActive(cj, uid);
      p.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, condition: ${finished}`);
      changed = true;
    }
    const completed = finished === 'Complete' ? job.status?.completionTime : undefined;
    if (completed && (!cj.status!.lastSuccessfulTime || Date.parse(completed) > Date.parse(cj.status!.lastSuccessfulTime))) {
      cj.status!.lastSuccessfulTime = completed;
      changed = true;
    }
  }
  const seen = new Set(jobs.map((j) => j.metadata.uid));
  for (const ref of [...(cj.status!.active ?? [])]) {
    if (seen.has(ref.uid)) continue;
    // Not in the informer: ask the server before declaring it gone.
    try {
      await p.jobs.get(ref.name!, ref.namespace ?? cj.metadata.namespace);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      p.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      dropActive(cj, ref.uid);
      changed = true;
    }
  }
  return { cj, changed };
}

/** Keeps the newest successfulJobsHistoryLimit completed and failedJobsHistoryLimit failed Jobs. */
export async function cleanupFinishedJobs(p: CronJobParts, cj: CronJob, jobs: Job[]): Promise<boolean> {
  const { successfulJobsHistoryLimit: keepSucceeded, failedJobsHistoryLimit: keepFailed } = cj.spec;
  let changed = false;
  for (const [kind, limit] of [['Complete', keepSucceeded], ['Failed', keepFailed]] as const) {
    if (limit == null) continue;
    const finished = jobs.filter((j) => finishedConditionType(j) === kind).sort(byStartTime);
    for (const job of finished.slice(0, Math.max(0, finished.length - limit))) if (await deleteJob(p, cj, job)) changed = true;
  }
  return changed;
}

/** Oldest first; Jobs that never started last; names break ties. */
function byStartTime(a: Job, b: Job): number {
  const ta = a.status?.startTime ? Date.parse(a.status.startTime) : undefined;
  const tb = b.status?.startTime ? Date.parse(b.status.startTime) : undefined;
  if (ta === undefined || tb === undefined) return ta === tb ? (a.metadata.name! < b.metadata.name! ? -1 : 1) : ta === undefined ? 1 : -1;
  if (ta !== tb) return ta - tb;
  return a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0;
}

/** Deletes a Job (its pods follow in the background) and forgets it. */
async function deleteJob(p: CronJobParts, cj: CronJob, job: Job): Promise<boolean> {
  try {
    await p.jobs.delete(job.metadata.name!, job.metadata.namespace, { propagationPolicy: 'Background' });
  } catch (err) {
    if (!isNotFound(err)) {
      p.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${errorText(err)}`);
      return false;
    }
  }
  dropActive(cj, job.metadata.uid);
  p.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
  return true;
}

/** The schedule in its zone; warnings as upstream gives them when it cannot be used. */
function scheduleOf(p: CronJobParts, cj: CronJob): Schedule | undefined {
  const { schedule, timeZone } = cj.spec;
  if (timeZone != null && !isKnownZone(timeZone)) {
    p.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(timeZone)}: unknown time zone ${timeZone}`);
    return undefined;
  }
  if (schedule.includes('TZ')) {
    p.recorder.event(cj, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${JSON.stringify(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
  }
  try {
    return parseSchedule(schedule, timeZone ?? 'UTC');
  } catch (err) {
    p.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(schedule)} : ${errorText(err)}`);
    return undefined;
  }
}

/** Starts the Job due now, if any (upstream's syncCronJob after the bookkeeping). */
export async function startDueJob(p: CronJobParts, cj: CronJob): Promise<{ changed: boolean; requeueAfterMs?: number }> {
  if (cj.metadata.deletionTimestamp || cj.spec.suspend) return { changed: false };
  const schedule = scheduleOf(p, cj);
  if (!schedule) return { changed: false };
  const now = p.clock.now().getTime();
  const due = nextScheduleTime(cj, now, schedule);
  if (due.error) {
    p.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec.schedule} : ${due.error}`);
    return { changed: false };
  }
  const again = () => nextScheduleDelay(cj, now, schedule);
  if (due.dueMs === undefined) return { changed: false, requeueAfterMs: again() };
  if (due.missed === 'many') p.recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
  const sds = cj.spec.startingDeadlineSeconds;
  if (sds != null && due.dueMs + sds * 1000 < now) {
    p.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(due.dueMs)}`);
    return { changed: false, requeueAfterMs: again() };
  }
  const name = jobName(cj, due.dueMs);
  const active = cj.status!.active ?? [];
  if (active.some((r) => r.name === name) || cj.status!.lastScheduleTime === metaTime(new Date(due.dueMs))) return { changed: false, requeueAfterMs: again() };
  if (cj.spec.concurrencyPolicy === 'Forbid' && active.length) {
    p.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
    return { changed: false, requeueAfterMs: again() };
  }
  let changed = false;
  if (cj.spec.concurrencyPolicy === 'Replace') {
    for (const ref of active) {
      let job: Job;
      try {
        job = await p.jobs.get(ref.name!, ref.namespace ?? cj.metadata.namespace);
      } catch (err) {
        p.recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${errorText(err)}`);
        throw err;
      }
      if (!(await deleteJob(p, cj, job))) throw new Error(`could not replace job ${job.metadata.namespace}/${job.metadata.name}`);
      changed = true;
    }
  }
  const job = await createJob(p, cj, due.dueMs);
  if (!job) return { changed };
  cj.status!.active = [...(cj.status!.active ?? []), referenceTo(job)];
  cj.status!.lastScheduleTime = metaTime(new Date(due.dueMs));
  return { changed: true, requeueAfterMs: again() };
}

/** Creates the Job for a schedule time; an existing one of ours that is not yet listed as active is taken instead. */
async function createJob(p: CronJobParts, cj: CronJob, scheduledMs: number): Promise<Job | undefined> {
  const request = jobFromTemplate(cj, scheduledMs);
  try {
    const job = await p.jobs.create(request, { fieldManager: 'cronjob-controller' });
    p.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`);
    return job;
  } catch (err) {
    if (err instanceof ApiError && err.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return undefined;
    if (!isAlreadyExists(err)) {
      p.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${errorText(err)}`);
      throw err;
    }
    // Created on an earlier round whose status write was lost, or by someone else.
    const existing = await p.jobs.get(request.metadata.name!, request.metadata.namespace);
    if (controllerOf(existing)?.uid !== cj.metadata.uid || inActive(cj, existing.metadata.uid)) return undefined;
    return existing;
  }
}

/** `<cronjob>-<schedule time in minutes since the epoch>`: one name per schedule time. */
export function jobName(cj: CronJob, scheduledMs: number): string {
  return `${cj.metadata.name}-${Math.floor(scheduledMs / 60_000)}`;
}

export function jobFromTemplate(cj: CronJob, scheduledMs: number): Job {
  const template = cj.spec.jobTemplate;
  const labels = { ...template.metadata?.labels };
  const annotations = { ...template.metadata?.annotations, [SCHEDULED_TIMESTAMP]: formatRfc3339(scheduledMs, cj.spec.timeZone ?? 'UTC') };
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: {
      name: jobName(cj, scheduledMs),
      namespace: cj.metadata.namespace,
      ...(Object.keys(labels).length ? { labels } : {}),
      annotations,
      ownerReferences: [controllerRef(cj, 'batch/v1', 'CronJob')],
    },
    spec: structuredClone(template.spec),
  };
}

function referenceTo(job: Job): ObjectReference {
  return { kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z in UTC: "Thu, 01 Jan 2026 00:05:00 +0000". */
function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
