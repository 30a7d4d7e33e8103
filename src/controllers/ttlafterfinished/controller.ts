/**
 * The TTL-after-finished controller (kube-controller-manager's `ttl-after-finished`):
 * a finished Job with spec.ttlSecondsAfterFinished is deleted that many seconds after it
 * finished — the lastTransitionTime of its Complete or Failed condition — on the clock.
 *
 * Before deleting, the Job is read afresh from the server (its TTL may have been changed
 * since the informer saw it) and deleted with a uid precondition, so a Job recreated
 * under the same name is never the one removed. Propagation is Background: the Job goes
 * at once and the garbage collector removes its pods (upstream uses Foreground, which
 * keeps the Job until its pods are gone).
 */
import type { Job } from '../../api/objects/index.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { objectKey } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { WorkQueue, type ReconcileResult } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../runtime/context.js';

const COMPONENT = 'ttl-after-finished-controller';

/** When the Job finished (its Complete or Failed condition turned True), in ms; undefined if it has not. */
export function finishedAtMs(job: Job): number | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  if (!c) return undefined;
  const t = Date.parse(c.lastTransitionTime ?? '');
  return Number.isFinite(t) ? t : undefined;
}

/** Ms until the Job's TTL runs out (≤ 0: expired); undefined when it has none, has not finished or is being deleted. */
export function ttlLeftMs(job: Job, nowMs: number): number | undefined {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl == null || job.metadata.deletionTimestamp) return undefined;
  const finished = finishedAtMs(job);
  return finished === undefined ? undefined : finished + ttl * 1000 - nowMs;
}

export function startTtlAfterFinishedController(ctx: ControllerContext): Controller {
  const jobsInformer = ctx.informers.for<Job>(resources.jobs);
  const jobs = ctx.client.resource<Job>(resources.jobs);

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = key.split('/') as [string, string];
    const cached = jobsInformer.get(name, namespace);
    if (!cached) return undefined;
    const left = ttlLeftMs(cached, ctx.clock.now().getTime());
    if (left === undefined) return undefined;
    if (left > 0) return { requeueAfterMs: left };
    let fresh: Job;
    try {
      fresh = await jobs.get(name, namespace);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const freshLeft = ttlLeftMs(fresh, ctx.clock.now().getTime());
    if (freshLeft === undefined) return undefined;
    if (freshLeft > 0) return { requeueAfterMs: freshLeft };
    try {
      await jobs.delete(name, namespace, { propagationPolicy: 'Background', preconditions: { uid: fresh.metadata.uid } });
    } catch (err) {
      // Gone already, or replaced by another Job of that name (which gets its own turn).
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
    return undefined;
  };

  // One worker: deletions are quick, and keys are then handled in the order they became due.
  const queue = new WorkQueue({ reconcile, clock: ctx.clock, onError: (_key, err) => ctx.onError(COMPONENT, err) });
  const enqueue = (job: Job) => {
    if (job.spec.ttlSecondsAfterFinished != null && !job.metadata.deletionTimestamp && finishedAtMs(job) !== undefined) queue.add(objectKey(job));
  };
  const synced = jobsInformer.waitForSync().then(() => {
    jobsInformer.addHandler({ add: enqueue, update: (_old, job) => enqueue(job) });
  });
  return { synced, stop: () => queue.stop() };
}
