/**
 * The Job controller (kube-controller-manager's `job`): runs a Job's pods to the wanted
 * number of completions, counts them through the tracking finalizer, and marks the Job
 * Complete or Failed. Informers on Jobs and pods feed a work queue keyed by Job; a second
 * queue strips the tracking finalizer from pods no live Job will count any more (their
 * Job is gone or finished, or they were orphaned).
 *
 * Pod events queue their Job at once; upstream holds them for a second to batch a burst
 * of pod changes into one sync (the queue's dedupe does most of that here).
 */
import { controlledBy, indexByControllerUid, indexOrphans } from '../runtime/indexes.js';
import type { Job, Pod } from '../../api/objects/index.js';
import { isNotFound } from '../../client/errors.js';
import { objectKey } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { adoptersOf, resolveOwner } from '../runtime/owners.js';
import type { Controller, ControllerContext } from '../runtime/context.js';
import { controllerOf } from '../runtime/pods.js';
import { BackoffStore } from './backoff.js';
import { claimPods } from './claim.js';
import { Expectations } from './expectations.js';
import { removeTrackingFinalizer } from './manage.js';
import { hasTrackingFinalizer } from './pods.js';
import { COMPONENT, type JobControllerParts } from './state.js';
import { isJobFinished } from './status.js';
import { syncJob } from './sync.js';

export function startJobController(ctx: ControllerContext): Controller {
  const jobsInformer = ctx.informers.for<Job>(resources.jobs);
  const podsInformer = ctx.informers.for<Pod>(resources.pods);
  indexByControllerUid(podsInformer);
  indexOrphans(podsInformer);
  const parts: JobControllerParts = {
    jobs: ctx.client.resource<Job>(resources.jobs),
    pods: ctx.client.resource<Pod>(resources.pods),
    clock: ctx.clock,
    recorder: ctx.events(COMPONENT),
    backoff: new BackoffStore(),
    expectations: new Expectations(ctx.clock),
  };

  /** The Job a controller reference names, if it exists with that uid. */
  const jobOf = (pod: Pod): Job | undefined => resolveOwner(pod, 'Job', jobsInformer);

  const reconcile = async (key: string) => {
    const [namespace, name] = key.split('/') as [string, string];
    const job = jobsInformer.get(name, namespace);
    if (!job) {
      parts.expectations.forget(key);
      parts.backoff.delete(key);
      return undefined;
    }
    if (isJobFinished(job)) {
      parts.backoff.delete(key);
      releaseFinishedJobPods(job);
      return undefined;
    }
    // Read before listing pods: a pod created after this check is seen on the next round.
    const expectationsMet = parts.expectations.satisfied(key);
    const pods = await claimPods(parts, podsInformer, job);
    return syncJob(parts, key, job, pods, expectationsMet);
  };

  /** Orphaned pods (or pods of a gone or finished Job) lose the tracking finalizer, so they can be deleted. */
  const cleanupOrphan = async (podKey: string) => {
    const [namespace, name] = podKey.split('/') as [string, string];
    const pod = podsInformer.get(name, namespace);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = controllerOf(pod);
    if (ref && (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1')) return;
    if (ref) {
      const job = jobOf(pod);
      if (job && !isJobFinished(job)) return;
      // The informer may lag a Job created a moment ago: ask the server before letting go.
      try {
        const fresh = await parts.jobs.get(ref.name, namespace);
        if (fresh.metadata.uid === ref.uid && !isJobFinished(fresh)) return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    try {
      await removeTrackingFinalizer(parts, pod);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };

  const onError = (err: unknown) => ctx.onError(COMPONENT, err);
  const queue = new WorkQueue({ reconcile, workers: 4, clock: ctx.clock, onError: (_key, err) => onError(err) });
  const orphans = new WorkQueue({ reconcile: cleanupOrphan, workers: 2, clock: ctx.clock, onError: (_key, err) => onError(err) });

  const releaseFinishedJobPods = (job: Job) => {
    for (const pod of controlledBy(podsInformer, job.metadata.uid!)) if (hasTrackingFinalizer(pod)) orphans.add(objectKey(pod));
  };

  const podDeleted = (pod: Pod, final: boolean) => {
    const job = jobOf(pod);
    if (!job || isJobFinished(job)) {
      if (!final && hasTrackingFinalizer(pod)) orphans.add(objectKey(pod));
      return;
    }
    const key = objectKey(job);
    parts.expectations.deletionObserved(key);
    if (final || !hasTrackingFinalizer(pod)) parts.expectations.finalizerRemovalObserved(key, pod.metadata.uid!);
    queue.add(key);
  };

  const podChanged = (pod: Pod, old?: Pod) => {
    if (pod.metadata.deletionTimestamp) return podDeleted(pod, false);
    const oldJob = old && jobOf(old);
    const job = jobOf(pod);
    if (oldJob && oldJob.metadata.uid !== job?.metadata.uid) queue.add(objectKey(oldJob));
    if (job) {
      const key = objectKey(job);
      if (!old) parts.expectations.creationObserved(key);
      if (!hasTrackingFinalizer(pod)) parts.expectations.finalizerRemovalObserved(key, pod.metadata.uid!);
      queue.add(key);
      return;
    }
    if (controllerOf(pod)) return;
    if (hasTrackingFinalizer(pod)) orphans.add(objectKey(pod));
    // Jobs whose (non-empty) selector matches the orphan: one of them may adopt it.
    for (const candidate of adoptersOf(pod, jobsInformer)) queue.add(objectKey(candidate));
  };

  const jobChanged = (old: Job | undefined, job: Job) => {
    const key = objectKey(job);
    queue.add(key);
    if (isJobFinished(job)) releaseFinishedJobPods(job);
    // A new or changed activeDeadlineSeconds: look again when it runs out.
    const deadline = job.spec.activeDeadlineSeconds;
    if (deadline != null && job.status?.startTime && old?.spec.activeDeadlineSeconds !== deadline) {
      queue.addAfter(key, Date.parse(job.status.startTime) + deadline * 1000 - ctx.clock.now().getTime());
    }
  };

  const synced = Promise.all([jobsInformer.waitForSync(), podsInformer.waitForSync()]).then(() => {
    // Only with both caches filled does "no such Job" mean a pod is orphaned.
    jobsInformer.addHandler({
      add: (job) => jobChanged(undefined, job),
      update: (old, job) => jobChanged(old, job),
      delete: (job) => {
        queue.add(objectKey(job));
        releaseFinishedJobPods(job);
      },
    });
    podsInformer.addHandler({ add: (pod) => podChanged(pod), update: (old, pod) => podChanged(pod, old), delete: (pod) => podDeleted(pod, true) });
  });
  return {
    synced,
    stop() {
      queue.stop();
      orphans.stop();
    },
  };
}
