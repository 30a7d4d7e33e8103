/** What one sync of a Job works with (upstream's syncJobCtx) and the controller's shared parts. */
import type { Condition, Job, Pod } from '../../api/objects/index.js';
import type { ResourceClient } from '../../client/client.js';
import type { Clock } from '../../client/clock.js';
import type { EventRecorder } from '../runtime/events.js';
import type { BackoffRecord, BackoffStore } from './backoff.js';
import type { Expectations } from './expectations.js';

export const COMPONENT = 'job-controller';

export interface JobControllerParts {
  jobs: ResourceClient<Job>;
  pods: ResourceClient<Pod>;
  clock: Clock;
  recorder: EventRecorder;
  backoff: BackoffStore;
  expectations: Expectations;
}

export interface JobState {
  key: string;
  /** A copy of the Job whose status this sync rewrites; replaced by the server's answer after each write. */
  job: Job;
  /** The Job's pods (claimed), as the informer had them. */
  pods: Pod[];
  /** Neither finished nor being deleted. */
  active: Pod[];
  /** status.uncountedTerminatedPods as read at the start of the sync. */
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  /** Pods whose finalizer this controller removed but the informer still shows with it. */
  finalizersBeingRemoved: Set<string>;
  succeeded: number;
  failed: number;
  /** Indexed Jobs: status.completedIndexes as read, and with newly succeeded indexes added. */
  prevSucceededIndexes: number[];
  succeededIndexes: number[];
  /**
   * Where the Job is heading: FailureTarget or SuccessCriteriaMet (interim conditions
   * recorded first), then Failed or Complete once every pod is counted and gone.
   */
  finished?: Condition;
  backoff: BackoffRecord;
  ready: number;
  terminating: number;
  /** Delays after which the Job must be looked at again (deadline, pod-failure back-off). */
  requeueMs: number[];
}

/** `batch/v1` and `Job` set, so events name their object (list items may lack them). */
export function asJob(job: Job): Job {
  return { ...job, apiVersion: 'batch/v1', kind: 'Job' };
}

export function isIndexed(job: Job): boolean {
  return job.spec.completionMode === 'Indexed';
}
