/**
 * The Job controller against a real API server, the test playing the kubelet with
 * reportPod and moving time only with the fake clock: completions and parallelism,
 * Indexed Jobs, pod-failure back-off and backoffLimit, activeDeadlineSeconds, suspend and
 * resume, restarts of OnFailure pods, and finished pods counted exactly once through the
 * tracking finalizer even when they are deleted at once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Job, Pod } from '../../api/objects/index.js';
import { resources } from '../../client/resources.js';
import type { Informer } from '../../client/informer.js';
import { eventMessages, startControllerTestBed, waitFor, waitUntil, type ControllerTestBed } from '../../testing/controllers.js';
import { reportPod } from '../../testing/pods.js';
import { MAX_POD_FAILURE_BACKOFF_MS, remainingBackoff } from './backoff.js';
import { TRACKING_FINALIZER } from './pods.js';

const on = (...informers: Array<Informer<Pod> | Informer<Event> | Informer<Job>>) => informers as unknown as Informer[];

const newJob = (name: string, spec: Record<string, unknown> = {}, restartPolicy = 'Never'): Job => ({
  apiVersion: 'batch/v1', kind: 'Job',
  metadata: { name, namespace: 'default' },
  spec: { template: { spec: { restartPolicy, containers: [{ name: 'work', image: 'busybox' }] } }, ...spec },
} as Job);

describe('job controller', () => {
  let bed: ControllerTestBed;
  let jobs: Informer<Job>;
  let pods: Informer<Pod>;
  let events: Informer<Event>;
  const jobClient = () => bed.env.client.resource<Job>(resources.jobs);
  const podClient = () => bed.env.client.resource<Pod>(resources.pods);
  const podsOf = (job: string) => pods.list('default').filter((p) => p.metadata.labels?.['batch.kubernetes.io/job-name'] === job);
  const running = (job: string) => podsOf(job).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const jobWhen = (name: string, test: (j: Job) => boolean, what: string) => waitFor(jobs, (j) => j.metadata.name === name && test(j), what);
  const condition = (j: Job, type: string) => j.status?.conditions?.find((c) => c.type === type);
  const messages = (name: string) => eventMessages(events, name, 'Job');
  const finish = async (pod: Pod, outcome: 'Succeeded' | 'Failed' | 'Running') => reportPod(bed.env.client, pods.get(pod.metadata.name!, 'default') ?? pod, outcome, bed.clock.now());

  before(async () => {
    bed = await startControllerTestBed('job', ['job']);
    jobs = bed.ctx.informers.for<Job>(resources.jobs);
    pods = bed.ctx.informers.for<Pod>(resources.pods);
    events = bed.ctx.informers.for<Event>(resources.events);
    await events.waitForSync();
  });
  after(async () => { await bed.stop(); });

  it('runs completions 3 with parallelism 2 to Complete, counting each pod through the finalizer', async () => {
    const created = await jobClient().create(newJob('three', { completions: 3, parallelism: 2 }));
    assert.deepEqual(created.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': created.metadata.uid } });
    assert.equal(created.spec.manualSelector, false);
    assert.equal(created.metadata.labels?.['job-name'], 'three');
    await waitUntil(on(pods), () => running('three').length === 2, 'two pods');
    for (const pod of podsOf('three')) {
      assert.equal(pod.metadata.generateName, 'three-');
      assert.deepEqual(pod.metadata.finalizers, [TRACKING_FINALIZER]);
      assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'three', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      for (const key of ['controller-uid', 'batch.kubernetes.io/controller-uid']) assert.equal(pod.metadata.labels?.[key], created.metadata.uid);
      assert.equal(pod.metadata.labels?.['job-name'], 'three');
    }
    let job = await jobWhen('three', (j) => j.status?.active === 2, 'active 2');
    assert.equal(job.status?.startTime, '2026-01-01T00:00:00Z');
    assert.deepEqual(job.status?.uncountedTerminatedPods, {});
    for (const pod of running('three')) await finish(pod, 'Running');
    await jobWhen('three', (j) => j.status?.ready === 2, 'ready 2');

    // Only one more pod: never more than the completions left.
    await finish(running('three')[0]!, 'Succeeded');
    await jobWhen('three', (j) => j.status?.succeeded === 1 && j.status.active === 2, 'one succeeded, two active');
    await waitUntil(on(pods), () => podsOf('three').length === 3 && podsOf('three').every((p) => p.status?.phase !== 'Succeeded' || !p.metadata.finalizers?.length), 'third pod, finalizer of the finished one gone');
    for (const pod of running('three')) await finish(pod, 'Succeeded');
    job = await jobWhen('three', (j) => condition(j, 'Complete')?.status === 'True', 'Complete');
    assert.equal(job.status?.succeeded, 3);
    assert.equal(job.status?.active, undefined);
    assert.equal(job.status?.failed, undefined);
    assert.equal(job.status?.completionTime, '2026-01-01T00:00:00Z');
    const met = condition(job, 'SuccessCriteriaMet')!;
    assert.equal(met.reason, 'CompletionsReached');
    assert.equal(met.message, 'Reached expected number of succeeded pods');
    assert.equal(condition(job, 'Complete')!.reason, 'CompletionsReached');
    assert.equal(podsOf('three').length, 3);
    assert.ok(podsOf('three').every((p) => !p.metadata.finalizers?.length), 'no pod keeps the finalizer');
    await waitUntil(on(events), () => messages('three').includes('Completed: Job completed') && messages('three').filter((m) => m.startsWith('SuccessfulCreate: Created pod: three-')).length === 3, 'events');
    const event = events.list('default').find((e) => e.reason === 'Completed' && e.involvedObject.name === 'three')!;
    assert.equal(event.source?.component, 'job-controller');
  });

  it('Indexed: one pod per index with its annotation, label, hostname and JOB_COMPLETION_INDEX; completedIndexes as ranges', async () => {
    await jobClient().create(newJob('idx', { completions: 4, parallelism: 4, completionMode: 'Indexed' }));
    await waitUntil(on(pods), () => running('idx').length === 4, 'four pods');
    const byIndex = new Map(podsOf('idx').map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    assert.deepEqual([...byIndex.keys()].sort(), ['0', '1', '2', '3']);
    const pod2 = byIndex.get('2')!;
    assert.match(pod2.metadata.name!, /^idx-2-[a-z0-9]{5}$/);
    assert.equal(pod2.metadata.labels?.['batch.kubernetes.io/job-completion-index'], '2');
    assert.equal(pod2.spec.hostname, 'idx-2');
    assert.deepEqual((pod2.spec.containers[0] as { env?: unknown }).env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);

    await finish(byIndex.get('0')!, 'Succeeded');
    await finish(byIndex.get('2')!, 'Succeeded');
    await finish(byIndex.get('3')!, 'Succeeded');
    await jobWhen('idx', (j) => j.status?.completedIndexes === '0,2-3' && j.status.succeeded === 3, 'completedIndexes 0,2-3');
    // A failed index gets a new pod with the same index.
    await finish(byIndex.get('1')!, 'Failed');
    await jobWhen('idx', (j) => j.status?.failed === 1, 'failed 1');
    bed.clock.advance(10_000);
    await waitUntil(on(pods), () => running('idx').length === 1, 'replacement pod');
    assert.equal(running('idx')[0]!.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], '1');
    await finish(running('idx')[0]!, 'Succeeded');
    const job = await jobWhen('idx', (j) => condition(j, 'Complete')?.status === 'True', 'Complete');
    assert.equal(job.status?.completedIndexes, '0-3');
    assert.equal(job.status?.succeeded, 4);
    assert.equal(job.status?.failed, 1);
  });

  it('waits out the pod-failure back-off before replacing a failed pod, and fails at backoffLimit', async () => {
    await jobClient().create(newJob('flaky', { backoffLimit: 1 }));
    await waitUntil(on(pods), () => running('flaky').length === 1, 'first pod');
    await finish(running('flaky')[0]!, 'Failed');
    // The same status write that counts the failure shows no replacement: the back-off holds it.
    let job = await jobWhen('flaky', (j) => j.status?.failed === 1, 'failed 1');
    assert.equal(job.status?.active, undefined);
    assert.equal(running('flaky').length, 0);
    bed.clock.advance(10_000);
    await waitUntil(on(pods), () => running('flaky').length === 1, 'replacement after 10 s');
    await finish(running('flaky')[0]!, 'Failed');
    job = await jobWhen('flaky', (j) => condition(j, 'Failed')?.status === 'True', 'Failed');
    assert.equal(job.status?.failed, 2);
    for (const type of ['FailureTarget', 'Failed']) {
      assert.equal(condition(job, type)?.reason, 'BackoffLimitExceeded');
      assert.equal(condition(job, type)?.message, 'Job has reached the specified backoff limit');
    }
    assert.equal(job.status?.completionTime, undefined);
    await waitUntil(on(events), () => messages('flaky').includes('BackoffLimitExceeded: Job has reached the specified backoff limit'), 'failure event');
    assert.equal(events.list('default').find((e) => e.reason === 'BackoffLimitExceeded')!.type, 'Warning');
  });

  it('back-off doubles from 10 s per consecutive failure, capped at 10 minutes, from the last failure', () => {
    const at = (failures: number, sinceMs: number) => remainingBackoff({ failuresAfterLastSuccess: failures, lastFailureMs: 0 }, sinceMs);
    assert.equal(at(0, 0), 0);
    assert.equal(at(1, 0), 10_000);
    assert.equal(at(1, 4_000), 6_000);
    assert.equal(at(2, 0), 20_000);
    assert.equal(at(3, 0), 40_000);
    assert.equal(at(6, 0), 320_000);
    assert.equal(at(7, 0), 600_000);
    assert.equal(at(8, 0), MAX_POD_FAILURE_BACKOFF_MS);
    assert.equal(at(30, 0), 600_000);
    assert.equal(at(2, 25_000), 0);
  });

  it('fails a Job active longer than activeDeadlineSeconds, deleting its pods and counting them failed', async () => {
    await jobClient().create(newJob('slow', { completions: 4, parallelism: 2, activeDeadlineSeconds: 30 }));
    await waitUntil(on(pods), () => running('slow').length === 2, 'two pods');
    for (const pod of running('slow')) await finish(pod, 'Running');
    await jobWhen('slow', (j) => j.status?.ready === 2, 'ready 2');
    await bed.clock.parked(1);
    bed.clock.advance(29_000);
    assert.equal(condition(jobs.get('slow', 'default')!, 'Failed'), undefined);
    bed.clock.advance(1_000);
    const job = await jobWhen('slow', (j) => condition(j, 'Failed')?.status === 'True', 'Failed');
    assert.equal(condition(job, 'Failed')!.reason, 'DeadlineExceeded');
    assert.equal(condition(job, 'Failed')!.message, 'Job was active longer than specified deadline');
    assert.equal(job.status?.failed, 2);
    assert.equal(job.status?.active, undefined);
    assert.equal(job.status?.terminating, 0);
    await waitUntil(on(pods), () => podsOf('slow').length === 0, 'pods deleted');
    await waitUntil(on(events), () => messages('slow').includes('DeadlineExceeded: Job was active longer than specified deadline') && messages('slow').filter((m) => m.startsWith('SuccessfulDelete: Deleted pod: slow-')).length === 2, 'events');
  });

  it('suspends (no pods, Suspended condition, no startTime) and resumes with a fresh startTime', async () => {
    await jobClient().create(newJob('paused', { completions: 2, parallelism: 2, suspend: true }));
    let job = await jobWhen('paused', (j) => condition(j, 'Suspended')?.status === 'True', 'Suspended');
    assert.equal(condition(job, 'Suspended')!.reason, 'JobSuspended');
    assert.equal(condition(job, 'Suspended')!.message, 'Job suspended');
    assert.equal(job.status?.startTime, undefined);
    assert.equal(podsOf('paused').length, 0);

    bed.clock.advance(60_000);
    const resumedAt = bed.clock.now().toISOString().replace('.000Z', 'Z');
    await jobClient().patch('paused', 'default', 'merge', { spec: { suspend: false } });
    job = await jobWhen('paused', (j) => condition(j, 'Suspended')?.status === 'False' && j.status?.active === 2, 'resumed');
    assert.equal(condition(job, 'Suspended')!.reason, 'JobResumed');
    assert.equal(job.status?.startTime, resumedAt);
    await waitUntil(on(pods), () => running('paused').length === 2, 'two pods');

    // Suspending a running Job deletes its pods; they are not failures.
    await jobClient().patch('paused', 'default', 'merge', { spec: { suspend: true } });
    job = await jobWhen('paused', (j) => condition(j, 'Suspended')?.status === 'True' && !j.status?.active, 'suspended again');
    await waitUntil(on(pods), () => podsOf('paused').length === 0, 'pods deleted');
    job = await jobWhen('paused', (j) => j.status?.terminating === 0, 'nothing terminating');
    assert.equal(job.status?.failed, undefined);
    await waitUntil(on(events), () => ['Suspended: Job suspended', 'Resumed: Job resumed'].every((m) => messages('paused').includes(m)), 'events');
  });

  it('restartPolicy OnFailure: container restarts count toward backoffLimit', async () => {
    await jobClient().create(newJob('restarts', { backoffLimit: 2 }, 'OnFailure'));
    await waitUntil(on(pods), () => running('restarts').length === 1, 'a pod');
    const pod = await finish(running('restarts')[0]!, 'Running');
    await podClient().updateStatus({ ...pod, status: { ...pod.status, containerStatuses: pod.status!.containerStatuses!.map((c) => ({ ...c, restartCount: 1 })) } });
    await jobWhen('restarts', (j) => j.status?.ready === 1, 'seen running');
    assert.equal(condition(jobs.get('restarts', 'default')!, 'Failed'), undefined);
    const again = pods.get(pod.metadata.name!, 'default')!;
    await podClient().updateStatus({ ...again, status: { ...again.status, containerStatuses: again.status!.containerStatuses!.map((c) => ({ ...c, restartCount: 2 })) } });
    const job = await jobWhen('restarts', (j) => condition(j, 'Failed')?.status === 'True', 'Failed');
    assert.equal(condition(job, 'Failed')!.reason, 'BackoffLimitExceeded');
    assert.equal(job.status?.failed, 1);
  });

  it('never loses a finished pod deleted at once, and counts a deleted running pod as failed and replaces it', async () => {
    await jobClient().create(newJob('gone', { completions: 2, parallelism: 1 }));
    await waitUntil(on(pods), () => running('gone').length === 1, 'a pod');
    const first = await finish(running('gone')[0]!, 'Succeeded');
    await podClient().delete(first.metadata.name!, 'default');
    await jobWhen('gone', (j) => j.status?.succeeded === 1, 'succeeded 1');
    await waitUntil(on(pods), () => !pods.get(first.metadata.name!, 'default') && running('gone').length === 1, 'first gone, second running');

    const second = running('gone')[0]!;
    await podClient().delete(second.metadata.name!, 'default');
    await jobWhen('gone', (j) => j.status?.failed === 1, 'deleted pod counted failed');
    bed.clock.advance(10_000);
    await waitUntil(on(pods), () => running('gone').length === 1 && running('gone')[0]!.metadata.uid !== second.metadata.uid, 'replacement');
    await finish(running('gone')[0]!, 'Succeeded');
    const job = await jobWhen('gone', (j) => condition(j, 'Complete')?.status === 'True', 'Complete');
    assert.equal(job.status?.succeeded, 2);
    assert.equal(job.status?.failed, 1);
  });

  it('without completions: the first success stops new pods, and the Job completes when the rest finish', async () => {
    await jobClient().create(newJob('queue', { parallelism: 2 }));
    await waitUntil(on(pods), () => running('queue').length === 2, 'two workers');
    const [a, b] = running('queue');
    await finish(a!, 'Succeeded');
    await jobWhen('queue', (j) => j.status?.succeeded === 1 && j.status.active === 1, 'one done, one working');
    assert.equal(podsOf('queue').length, 2);
    await finish(b!, 'Succeeded');
    const job = await jobWhen('queue', (j) => condition(j, 'Complete')?.status === 'True', 'Complete');
    assert.equal(job.status?.succeeded, 2);
  });

  it('reported no errors', () => {
    assert.deepEqual(bed.errors, []);
  });
});
