/**
 * batch/v1: Job and CronJob.
 * Field names, types and list/patch markers follow upstream's Go types; the
 * descriptions are our own one-line summaries.
 */
import { arr, bool, int32, int64, obj, opaque, ref, str, time, core, meta, frozen, gvk, typeMeta, objectMeta, listMeta } from './dsl.js';

const batch = (name: string, desc?: string) => ref(`io.k8s.api.batch.v1.${name}`, desc);

export const batchV1Definitions = frozen({
  'io.k8s.api.batch.v1.Job': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: batch('JobSpec', 'Desired state of the object.'),
    status: batch('JobStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'Runs pods until a number of them complete successfully.', gvk: gvk('batch', 'v1', 'Job') }),
  'io.k8s.api.batch.v1.JobList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(batch('Job'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('batch', 'v1', 'JobList') }),
  'io.k8s.api.batch.v1.CronJob': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: batch('CronJobSpec', 'Desired state of the object.'),
    status: batch('CronJobStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'Creates jobs on a repeating schedule.', gvk: gvk('batch', 'v1', 'CronJob') }),
  'io.k8s.api.batch.v1.CronJobList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(batch('CronJob'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('batch', 'v1', 'CronJobList') }),
  'io.k8s.api.batch.v1.JobSpec': obj({
    parallelism: int32('Maximum number of pods running at once.'),
    completions: int32('Number of successful pods needed.'),
    activeDeadlineSeconds: int64('Seconds the job may run before it is failed.'),
    podFailurePolicy: batch('PodFailurePolicy'),
    successPolicy: batch('SuccessPolicy'),
    backoffLimit: int32('Retries before the job is marked failed.'),
    backoffLimitPerIndex: int32(),
    maxFailedIndexes: int32(),
    selector: meta('LabelSelector'),
    manualSelector: bool(),
    template: core('PodTemplateSpec'),
    ttlSecondsAfterFinished: int32('Seconds after finishing before the job is deleted.'),
    completionMode: str('NonIndexed or Indexed.'),
    suspend: bool('When true, no pods are created.'),
    podReplacementPolicy: str(),
    managedBy: str(),
    scheduling: batch('JobSchedulingConfiguration'),
  }, { desc: 'Completions, parallelism, retries and the pod template.', required: ['template'] }),
  'io.k8s.api.batch.v1.JobStatus': obj({
    conditions: arr(batch('JobCondition'), { mergeKey: 'type', strategy: 'merge', listType: 'atomic' }),
    startTime: time(),
    completionTime: time(),
    active: int32(),
    succeeded: int32(),
    failed: int32(),
    terminating: int32(),
    completedIndexes: str(),
    failedIndexes: str(),
    uncountedTerminatedPods: batch('UncountedTerminatedPods'),
    ready: int32(),
  }, { desc: 'Observed counts and conditions of a job.' }),
  'io.k8s.api.batch.v1.CronJobSpec': obj({
    schedule: str('Schedule in cron format.'),
    timeZone: str(),
    startingDeadlineSeconds: int64(),
    concurrencyPolicy: str('Allow, Forbid or Replace overlapping runs.'),
    suspend: bool('When true, no new runs start.'),
    jobTemplate: batch('JobTemplateSpec'),
    successfulJobsHistoryLimit: int32('Finished successful jobs to keep.'),
    failedJobsHistoryLimit: int32('Failed jobs to keep.'),
  }, { desc: 'Schedule, concurrency and the job template.', required: ['schedule', 'jobTemplate'] }),
  'io.k8s.api.batch.v1.CronJobStatus': obj({
    active: arr(core('ObjectReference'), { listType: 'atomic' }),
    lastScheduleTime: time(),
    lastSuccessfulTime: time(),
  }, { desc: 'Active jobs and last schedule times.' }),
  'io.k8s.api.batch.v1.PodFailurePolicy': obj({
    rules: arr(batch('PodFailurePolicyRule'), { listType: 'atomic' }),
  }, { required: ['rules'] }),
  'io.k8s.api.batch.v1.SuccessPolicy': obj({
    rules: arr(batch('SuccessPolicyRule'), { listType: 'atomic' }),
  }, { required: ['rules'] }),
  'io.k8s.api.batch.v1.JobSchedulingConfiguration': obj({
    schedulingPolicy: opaque(),
    schedulingConstraints: opaque(),
    disruptionMode: opaque(),
    resourceClaims: arr(opaque(), { mergeKey: 'name', strategy: 'merge', listType: 'map', mapKeys: ['name'] }),
  }),
  'io.k8s.api.batch.v1.JobCondition': obj({
    type: str(),
    status: str('Most recently observed state, written by the system.'),
    lastProbeTime: time(),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
  }, { desc: 'One condition of a job.', required: ['type', 'status'] }),
  'io.k8s.api.batch.v1.UncountedTerminatedPods': obj({
    succeeded: arr(str(), { listType: 'set' }),
    failed: arr(str(), { listType: 'set' }),
  }),
  'io.k8s.api.batch.v1.JobTemplateSpec': obj({
    metadata: objectMeta(),
    spec: batch('JobSpec', 'Desired state of the object.'),
  }, { desc: 'Template of the jobs a cron job creates.' }),
  'io.k8s.api.batch.v1.PodFailurePolicyRule': obj({
    action: str(),
    onExitCodes: batch('PodFailurePolicyOnExitCodesRequirement'),
    onPodConditions: arr(batch('PodFailurePolicyOnPodConditionsPattern'), { listType: 'atomic' }),
  }, { required: ['action'] }),
  'io.k8s.api.batch.v1.SuccessPolicyRule': obj({
    succeededIndexes: str(),
    succeededCount: int32(),
  }),
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': obj({
    containerName: str(),
    operator: str(),
    values: arr(int32(), { listType: 'set' }),
  }, { required: ['operator', 'values'] }),
  'io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern': obj({
    type: str(),
    status: str('Most recently observed state, written by the system.'),
  }, { required: ['type'] }),
});
