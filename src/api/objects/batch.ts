/** TypeScript shapes of batch/v1 objects (the fields Skiff's controllers use). */
import type { KObject, ObjectMeta } from '../types.js';
import type { Condition, LabelSelectorSpec, ObjectReference, PodTemplateSpec } from './core.js';

export interface JobSpec {
  parallelism?: number;
  completions?: number;
  completionMode?: 'NonIndexed' | 'Indexed';
  backoffLimit?: number;
  backoffLimitPerIndex?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  suspend?: boolean;
  manualSelector?: boolean;
  selector?: LabelSelectorSpec;
  template: PodTemplateSpec;
  podReplacementPolicy?: 'TerminatingOrFailed' | 'Failed';
  [field: string]: unknown;
}
export interface JobStatus {
  conditions?: Condition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  completedIndexes?: string;
  failedIndexes?: string;
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
}
export interface Job extends KObject { metadata: ObjectMeta; spec: JobSpec; status?: JobStatus }

export interface CronJobSpec {
  schedule: string;
  timeZone?: string;
  startingDeadlineSeconds?: number;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  suspend?: boolean;
  jobTemplate: { metadata?: ObjectMeta; spec: JobSpec };
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
}
export interface CronJobStatus { active?: ObjectReference[]; lastScheduleTime?: string; lastSuccessfulTime?: string }
export interface CronJob extends KObject { metadata: ObjectMeta; spec: CronJobSpec; status?: CronJobStatus }
