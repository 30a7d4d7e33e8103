/**
 * When a CronJob should have started and when to look at it next (upstream's
 * mostRecentScheduleTime, nextScheduleTime and nextScheduleTimeDuration).
 */
import type { CronJob } from '../../api/objects/index.js';
import type { Schedule } from '../../util/cron/schedule.js';

export type MissedSchedules = 'none' | 'few' | 'many';

export interface RecentSchedule {
  /** The last schedule time, or the CronJob's creation (moved up to the starting deadline when asked). */
  earliestMs: number;
  /** The latest schedule time in (earliest, now], if any. */
  mostRecentMs?: number;
  missed: MissedSchedules;
  /** A schedule that parses but never fires (31 February). */
  error?: string;
}

/** More missed start times than this are reported (and not all started), as upstream does. */
const MANY_MISSED = 100;

/** The requeue lands this long after the schedule time, so clocks a little apart still see it due. */
export const NEXT_SCHEDULE_DELTA_MS = 100;

export function mostRecentScheduleTime(cj: CronJob, nowMs: number, schedule: Schedule, includeStartingDeadline: boolean): RecentSchedule {
  let earliestMs = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || 0;
  const sds = cj.spec.startingDeadlineSeconds;
  if (includeStartingDeadline && sds != null) earliestMs = Math.max(earliestMs, nowMs - sds * 1000);
  const t1 = schedule.next(earliestMs);
  if (t1 === undefined) return { earliestMs, missed: 'none', error: 'time difference between two schedules is less than 1 second' };
  if (nowMs < t1) return { earliestMs, missed: 'none' };
  const t2 = schedule.next(t1);
  if (t2 === undefined || nowMs < t2) return { earliestMs, mostRecentMs: t1, missed: 'none' };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) return { earliestMs, missed: 'none', error: 'time difference between two schedules is less than 1 second' };
  // A rough count of the intervals since t1; then walk the schedule over the last two of
  // them, which finds the exact latest time also for uneven schedules (30 6-16/4 * * 1-5).
  const missedCount = Math.floor(Math.trunc((nowMs - t1) / 1000) / between) + 1;
  let mostRecentMs: number | undefined;
  for (let t = schedule.next(t1 + (missedCount - 2) * between * 1000); t !== undefined && t <= nowMs; t = schedule.next(t)) mostRecentMs = t;
  return { earliestMs, mostRecentMs, missed: missedCount > MANY_MISSED ? 'many' : 'few' };
}

/** The schedule time a Job is due for now, if any. */
export function nextScheduleTime(cj: CronJob, nowMs: number, schedule: Schedule): RecentSchedule & { dueMs?: number } {
  const recent = mostRecentScheduleTime(cj, nowMs, schedule, true);
  if (recent.mostRecentMs === undefined || recent.mostRecentMs > nowMs) return recent;
  return { ...recent, dueMs: recent.mostRecentMs };
}

/** Ms until the schedule time after the last one handled (plus a small margin); undefined if it never fires again. */
export function nextScheduleDelay(cj: CronJob, nowMs: number, schedule: Schedule): number | undefined {
  const recent = mostRecentScheduleTime(cj, nowMs, schedule, false);
  let fromMs: number;
  if (recent.error) fromMs = nowMs;
  else fromMs = recent.mostRecentMs ?? (recent.missed === 'none' ? recent.earliestMs : nowMs);
  const next = schedule.next(fromMs);
  return next === undefined ? undefined : next + NEXT_SCHEDULE_DELTA_MS - nowMs;
}
