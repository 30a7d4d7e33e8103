/**
 * The CronJob controller against a real API server, on the fake clock: Jobs started at
 * their schedule times (named by minute, annotated with the time in the CronJob's zone),
 * Forbid and Replace, suspend, startingDeadlineSeconds and many missed times, history
 * limits, and the API server refusing schedules robfig/cron would refuse. Jobs are
 * finished by writing their status (no job controller runs here).
 *
 * The API server stamps creationTimestamp with the real time, from which a new CronJob's
 * schedule counts, so each test first moves the fake clock to its CronJob's creation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob, Event, Job } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import { ApiError } from '../../client/errors.js';
import { resources } from '../../client/resources.js';
import type { Informer } from '../../client/informer.js';
import { eventMessages, startControllerTestBed, waitFor, waitUntil, type ControllerTestBed } from '../../testing/controllers.js';

const on = (...informers: Array<Informer<Job> | Informer<Event> | Informer<CronJob>>) => informers as unknown as Informer[];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const hourOf = (ms: number) => new Date(ms).getUTCHours();

const cronJob = (name: string, schedule: string, spec: Partial<CronJob['spec']> = {}): CronJob => ({
  apiVersion: 'batch/v1', kind: 'CronJob',
  metadata: { name, namespace: 'default' },
  spec: {
    schedule,
    jobTemplate: { metadata: { labels: { app: name } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
    ...spec,
  },
} as CronJob);

describe('cronjob controller', () => {
  let bed: ControllerTestBed;
  let cronJobs: Informer<CronJob>;
  let jobs: Informer<Job>;
  let events: Informer<Event>;
  const cjClient = () => bed.env.client.resource<CronJob>(resources.cronjobs);
  const jobClient = () => bed.env.client.resource<Job>(resources.jobs);
  const jobsOf = (cj: string) => jobs.list('default').filter((j) => j.metadata.ownerReferences?.some((r) => r.kind === 'CronJob' && r.name === cj)).map((j) => j.metadata.name!).sort();
  const messages = (name: string) => eventMessages(events, name, 'CronJob');
  const cronJobWhen = (name: string, test: (cj: CronJob) => boolean, what: string) => waitFor(cronJobs, (cj) => cj.metadata.name === name && test(cj), what);
  const name = (cj: string, at: number) => `${cj}-${Math.floor(at / MINUTE)}`;
  /** Moves the fake clock to `ms` (forward only). */
  const advanceTo = (ms: number) => bed.clock.advance(Math.max(0, ms - bed.clock.now().getTime()));

  /**
   * A whole UTC hour at least an hour ahead of both the real clock (creation times) and
   * the fake one: a schedule in that hour has no time due before the test moves there.
   */
  const quietHour = () => Math.ceil((Math.max(Date.now(), bed.clock.now().getTime()) + HOUR) / HOUR) * HOUR;
  /** Creates the CronJob and brings the fake clock up to its creation; returns its creation time. */
  const create = async (cj: CronJob): Promise<number> => {
    const created = await cjClient().create(cj);
    const at = Date.parse(created.metadata.creationTimestamp!);
    advanceTo(at);
    return at;
  };
  const finishJob = async (jobName: string, outcome: 'Complete' | 'Failed', startedAt: number) => {
    const job = await jobClient().get(jobName, 'default');
    const at = metaTime(bed.clock.now());
    const cond = { type: outcome, status: 'True' as const, lastTransitionTime: at, lastProbeTime: at, reason: outcome === 'Complete' ? 'CompletionsReached' : 'BackoffLimitExceeded', message: '' };
    await jobClient().updateStatus({ ...job, status: { startTime: metaTime(new Date(startedAt)), conditions: [cond], ...(outcome === 'Complete' ? { completionTime: at, succeeded: 1 } : { failed: 1 }) } });
  };

  before(async () => {
    bed = await startControllerTestBed('cronjob', ['cronjob']);
    cronJobs = bed.ctx.informers.for<CronJob>(resources.cronjobs);
    jobs = bed.ctx.informers.for<Job>(resources.jobs);
    events = bed.ctx.informers.for<Event>(resources.events);
    await Promise.all([cronJobs.waitForSync(), jobs.waitForSync(), events.waitForSync()]);
  });
  after(async () => { await bed.stop(); });

  it('reads the schedule in spec.timeZone', async () => {
    const created = await create(cronJob('ny', '0 9 * * *', { timeZone: 'America/New_York' }));
    // The next 09:00 in New York after creation, found by walking the hours.
    let nine = Math.ceil(created / HOUR) * HOUR;
    const hourIn = (t: number) => Number(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hourCycle: 'h23' }).format(t));
    while (hourIn(nine) !== 9) nine += HOUR;
    advanceTo(nine + 100);
    await waitUntil(on(jobs), () => jobsOf('ny').length === 1, 'Job at 09:00 New York');
    const job = jobs.get(name('ny', nine), 'default')!;
    assert.ok(job, `Job ${name('ny', nine)} (have ${jobsOf('ny')})`);
    assert.match(job.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp']!, /T09:00:00-0[45]:00$/);
    await cjClient().delete('ny', 'default');
  });

  it('starts a Job at each schedule time, named by the minute and annotated with the time', async () => {
    const first = quietHour();
    await create(cronJob('tick', `0,5 ${hourOf(first)} * * *`));
    advanceTo(first + 100);
    await waitUntil(on(jobs), () => jobsOf('tick').length === 1, 'first Job');
    const job = jobs.get(name('tick', first), 'default')!;
    assert.ok(job, `Job ${name('tick', first)} exists (have ${jobsOf('tick')})`);
    assert.equal(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(first).toISOString().replace('.000Z', 'Z'));
    assert.equal(job.metadata.labels?.app, 'tick');
    assert.equal(job.metadata.ownerReferences?.[0]?.kind, 'CronJob');
    assert.equal(job.metadata.ownerReferences?.[0]?.controller, true);
    const cj = await cronJobWhen('tick', (c) => c.status?.active?.length === 1, 'active 1');
    assert.equal(cj.status?.lastScheduleTime, metaTime(new Date(first)));
    assert.deepEqual(cj.status?.active?.[0], { kind: 'Job', namespace: 'default', name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: cj.status!.active![0]!.resourceVersion });

    // Allow (the default): the next time starts another Job while the first still runs.
    advanceTo(first + 5 * MINUTE + 100);
    await waitUntil(on(jobs), () => jobsOf('tick').length === 2, 'second Job');
    assert.ok(jobs.get(name('tick', first + 5 * MINUTE), 'default'));
    await finishJob(name('tick', first), 'Complete', first);
    const done = await cronJobWhen('tick', (c) => c.status?.active?.length === 1 && Boolean(c.status.lastSuccessfulTime), 'first seen completed');
    assert.equal(done.status?.active?.[0]?.name, name('tick', first + 5 * MINUTE));
    await waitUntil(on(events), () => [`SuccessfulCreate: Created job ${name('tick', first)}`, `SawCompletedJob: Saw completed job: ${name('tick', first)}, condition: Complete`].every((m) => messages('tick').includes(m)), 'events');
    assert.equal(events.list('default').find((e) => e.reason === 'SawCompletedJob')!.source?.component, 'cronjob-controller');
    await cjClient().delete('tick', 'default');
  });

  it('Forbid skips a time while a Job runs (starting it late once free); Replace deletes the running Job', async () => {
    const first = quietHour();
    const schedule = `0-2 ${hourOf(first)} * * *`;
    await create(cronJob('solo', schedule, { concurrencyPolicy: 'Forbid' }));
    await create(cronJob('swap', schedule, { concurrencyPolicy: 'Replace' }));
    advanceTo(first + 100);
    await waitUntil(on(jobs), () => jobsOf('solo').length === 1 && jobsOf('swap').length === 1, 'first Jobs');
    await cronJobWhen('solo', (c) => c.status?.active?.length === 1, 'solo active');
    await cronJobWhen('swap', (c) => c.status?.active?.length === 1, 'swap active');
    advanceTo(first + MINUTE + 100);
    await waitUntil(on(events), () => messages('solo').includes('JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid'), 'JobAlreadyActive');
    await waitUntil(on(jobs), () => jobsOf('swap').length === 1 && jobsOf('swap')[0] === name('swap', first + MINUTE), 'swap replaced');
    await waitUntil(on(events), () => messages('swap').includes(`SuccessfulDelete: Deleted job ${name('swap', first)}`), 'delete event');
    assert.deepEqual(jobsOf('solo'), [name('solo', first)]);

    // lastScheduleTime stayed at the first time, so once that Job is done the skipped time starts, late (upstream does the same).
    await finishJob(name('solo', first), 'Complete', first);
    await waitUntil(on(jobs), () => jobsOf('solo').includes(name('solo', first + MINUTE)), 'skipped time started late');
    await cronJobWhen('solo', (c) => c.status?.active?.length === 1 && c.status.active[0]!.name === name('solo', first + MINUTE), 'solo active again');
    await cjClient().delete('solo', 'default');
    await cjClient().delete('swap', 'default');
  });

  it('keeps successfulJobsHistoryLimit and failedJobsHistoryLimit finished Jobs', async () => {
    const first = quietHour();
    await create(cronJob('hist', `0-3 ${hourOf(first)} * * *`, { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }));
    const times = [0, 1, 2, 3].map((i) => first + i * MINUTE);
    for (const t of times) {
      advanceTo(t + 100);
      await waitUntil(on(jobs), () => jobsOf('hist').includes(name('hist', t)), `Job at ${new Date(t).toISOString()}`);
    }
    await finishJob(name('hist', times[0]!), 'Complete', times[0]!);
    await finishJob(name('hist', times[1]!), 'Complete', times[1]!);
    await finishJob(name('hist', times[2]!), 'Failed', times[2]!);
    await finishJob(name('hist', times[3]!), 'Failed', times[3]!);
    // The oldest of each kind goes; the newest of each stays.
    await waitUntil(on(jobs), () => jobsOf('hist').join() === [name('hist', times[1]!), name('hist', times[3]!)].sort().join(), 'history trimmed');
    await waitUntil(on(events), () => [0, 2].every((i) => messages('hist').includes(`SuccessfulDelete: Deleted job ${name('hist', times[i]!)}`)), 'delete events');
    await cjClient().delete('hist', 'default');
  });

  it('suspended: no Jobs; resumed: the most recent missed time starts at once', async () => {
    const first = quietHour();
    await create(cronJob('nap', `0-3 ${hourOf(first)} * * *`, { suspend: true }));
    advanceTo(first + 3 * MINUTE + 30_000);
    await cjClient().patch('nap', 'default', 'merge', { spec: { suspend: false } });
    await waitUntil(on(jobs), () => jobsOf('nap').length === 1, 'one Job');
    assert.deepEqual(jobsOf('nap'), [name('nap', first + 3 * MINUTE)]);
    await cjClient().delete('nap', 'default');
  });

  it('startingDeadlineSeconds: a time missed by more is skipped; without it, it starts late', async () => {
    const first = quietHour();
    const schedule = `0,10 ${hourOf(first)} * * *`;
    await create(cronJob('strict', schedule, { startingDeadlineSeconds: 10 }));
    await create(cronJob('lenient', schedule));
    // Jump 30 s past the time, as if the controller had been down.
    advanceTo(first + 30_000);
    await waitUntil(on(jobs), () => jobsOf('lenient').length === 1, 'late Job');
    advanceTo(first + 10 * MINUTE + 100);
    await waitUntil(on(jobs), () => jobsOf('strict').length === 1 && jobsOf('lenient').length === 2, 'next times');
    assert.deepEqual(jobsOf('strict'), [name('strict', first + 10 * MINUTE)]);
    await cjClient().delete('strict', 'default');
    await cjClient().delete('lenient', 'default');
  });

  it('more than 100 missed times: a warning, and one Job for the latest', async () => {
    // Suspended while the clock moves 150 minutes on; then resumed.
    const created = await create(cronJob('behind', '* * * * *', { suspend: true }));
    advanceTo(Math.max(created, bed.clock.now().getTime()) + 150 * MINUTE + 30_000);
    await cjClient().patch('behind', 'default', 'merge', { spec: { suspend: false } });
    await waitUntil(on(events), () => messages('behind').includes('TooManyMissedTimes: too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew'), 'warning');
    await waitUntil(on(jobs), () => jobsOf('behind').length === 1, 'one Job');
    assert.deepEqual(jobsOf('behind'), [name('behind', Math.floor(bed.clock.now().getTime() / MINUTE) * MINUTE)]);
    await cjClient().delete('behind', 'default');
  });

  it('the API server refuses schedules and zones upstream refuses, with its messages', async () => {
    const refusal = async (cj: CronJob) => {
      try {
        await cjClient().create(cj);
      } catch (err) {
        assert.ok(err instanceof ApiError && err.status === 422, String(err));
        return err.message;
      }
      assert.fail('created');
    };
    assert.equal(await refusal(cronJob('bad', 'error')), 'CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "error": expected exactly 5 fields, found 1: [error]');
    assert.equal(await refusal(cronJob('bad', '61 * * * *')), 'CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61');
    assert.equal(await refusal(cronJob('bad', 'TZ=UTC 0 * * * *')), 'CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
    assert.equal(await refusal(cronJob('bad', '0 * * * *', { timeZone: 'Mars/Olympus' })), 'CronJob.batch "bad" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus');
    assert.equal(await refusal(cronJob('bad', '0 * * * *', { timeZone: '' })), 'CronJob.batch "bad" is invalid: spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string');
    const ok = await cjClient().create(cronJob('every', '@every 2h', { suspend: true }));
    assert.equal(ok.spec.schedule, '@every 2h');
    await cjClient().delete('every', 'default');
  });

  it('reported no errors', () => {
    assert.deepEqual(bed.errors, []);
  });
});
