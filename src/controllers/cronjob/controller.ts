/**
 * The CronJob controller (kube-controller-manager's `cronjob`): starts a Job from each
 * CronJob at its schedule times. A work queue keyed by CronJob is fed by CronJob and Job
 * informers and requeues every CronJob for its next schedule time on the clock, so
 * nothing polls. Status writes that conflict are dropped: the newer CronJob's watch event
 * brings it back to the queue.
 */
import { controlledBy, indexByControllerUid } from '../runtime/indexes.js';
import type { CronJob, Job } from '../../api/objects/index.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { objectKey } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { WorkQueue, type ReconcileResult } from '../../client/workqueue.js';
import { resolveOwner } from '../runtime/owners.js';
import type { Controller, ControllerContext } from '../runtime/context.js';
import { parseSchedule } from '../../util/cron/schedule.js';
import { cleanupFinishedJobs, reconcileChildren, startDueJob, type CronJobParts } from './sync.js';
import { nextScheduleDelay } from './times.js';

const COMPONENT = 'cronjob-controller';

export function startCronJobController(ctx: ControllerContext): Controller {
  const cronJobsInformer = ctx.informers.for<CronJob>(resources.cronjobs);
  const jobsInformer = ctx.informers.for<Job>(resources.jobs);
  indexByControllerUid(jobsInformer);
  const parts: CronJobParts = {
    cronjobs: ctx.client.resource<CronJob>(resources.cronjobs),
    jobs: ctx.client.resource<Job>(resources.jobs),
    clock: ctx.clock,
    recorder: ctx.events(COMPONENT),
  };

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = key.split('/') as [string, string];
    const shared = cronJobsInformer.get(name, namespace);
    if (!shared) return undefined;
    // Only the status is rewritten: copy just that, not the Job template.
    let cj: CronJob = { ...shared, apiVersion: 'batch/v1', kind: 'CronJob', status: structuredClone(shared.status ?? {}) };
    const jobs = controlledBy(jobsInformer, cj.metadata.uid!).filter((j) => j.metadata.namespace === namespace);
    const cleaned = await cleanupFinishedJobs(parts, cj, jobs);
    const children = await reconcileChildren(parts, cj, jobs);
    cj = children.cj;
    const started = await startDueJob(parts, cj);
    if (cleaned || children.changed || started.changed) {
      try {
        await parts.cronjobs.updateStatus(cj);
      } catch (err) {
        // A newer CronJob exists; its event requeues it. A Job created here is found again by name.
        if (isConflict(err) || isNotFound(err)) return undefined;
        throw err;
      }
    }
    return started.requeueAfterMs === undefined ? undefined : { requeueAfterMs: Math.max(0, started.requeueAfterMs) };
  };

  const queue = new WorkQueue({ reconcile, workers: 2, clock: ctx.clock, onError: (_key, err) => ctx.onError(COMPONENT, err) });

  /** The CronJob a Job's controller reference names, if it exists with that uid. */
  const cronJobOf = (job: Job): CronJob | undefined => resolveOwner(job, 'CronJob', cronJobsInformer);
  const jobChanged = (job: Job) => {
    const cj = cronJobOf(job);
    if (cj) queue.add(objectKey(cj));
  };

  /** A new schedule or zone moves the next look to its next time; any other change is looked at now. */
  const cronJobUpdated = (old: CronJob, cj: CronJob) => {
    const key = objectKey(cj);
    if (old.spec.schedule === cj.spec.schedule && old.spec.timeZone === cj.spec.timeZone) return queue.add(key);
    try {
      const schedule = parseSchedule(cj.spec.schedule, cj.spec.timeZone ?? 'UTC');
      const delay = nextScheduleDelay(cj, ctx.clock.now().getTime(), schedule);
      if (delay !== undefined) queue.addAfter(key, delay);
    } catch {
      parts.recorder.event({ ...cj, apiVersion: 'batch/v1', kind: 'CronJob' }, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cj.spec.schedule}`);
    }
  };

  const synced = Promise.all([cronJobsInformer.waitForSync(), jobsInformer.waitForSync()]).then(() => {
    cronJobsInformer.addHandler({ add: (cj) => queue.add(objectKey(cj)), update: cronJobUpdated, delete: (cj) => queue.add(objectKey(cj)) });
    jobsInformer.addHandler({ add: jobChanged, update: (old, job) => { jobChanged(job); if (cronJobOf(old)?.metadata.uid !== cronJobOf(job)?.metadata.uid) jobChanged(old); }, delete: jobChanged });
  });
  return { synced, stop: () => queue.stop() };
}
