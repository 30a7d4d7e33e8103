/**
 * Workload defaults (pkg/apis/apps/v1/defaults.go, pkg/apis/batch/v1/defaults.go,
 * pkg/apis/core/v1/defaults.go for ReplicationController).
 */
import type { KObject } from '../types.js';
import { defaultTemplate } from './pod.js';
import { ensureObj, setDefault, type Obj } from './util.js';

const specOf = (obj: KObject): Obj => ensureObj(obj as Obj, 'spec');

export function defaultDeployment(obj: KObject): void {
  const spec = specOf(obj);
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObj(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = ensureObj(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec);
}

export function defaultReplicaSet(obj: KObject): void {
  const spec = specOf(obj);
  setDefault(spec, 'replicas', 1);
  defaultTemplate(spec);
}

export function defaultStatefulSet(obj: KObject): void {
  const spec = specOf(obj);
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const us = ensureObj(spec, 'updateStrategy');
  setDefault(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = ensureObj(us, 'rollingUpdate');
    setDefault(ru, 'partition', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  const retention = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  for (const t of Array.isArray(spec.volumeClaimTemplates) ? (spec.volumeClaimTemplates as Obj[]) : []) {
    const ps = ensureObj(t, 'spec');
    setDefault(ps, 'volumeMode', 'Filesystem');
    // Upstream fills the template's apiVersion/kind so stored templates are self-describing.
    setDefault(t, 'apiVersion', 'v1');
    setDefault(t, 'kind', 'PersistentVolumeClaim');
  }
  defaultTemplate(spec);
}

export function defaultDaemonSet(obj: KObject): void {
  const spec = specOf(obj);
  const us = ensureObj(spec, 'updateStrategy');
  setDefault(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = ensureObj(us, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec);
}

function defaultJobSpec(spec: Obj): void {
  // Upstream: with neither set both become 1; with only parallelism set, completions stays nil.
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  // TerminatingOrFailed, or Failed when a pod failure policy is set.
  setDefault(spec, 'podReplacementPolicy', spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed');
  defaultTemplate(spec);
}

export function defaultJob(obj: KObject): void {
  const spec = specOf(obj);
  defaultJobSpec(spec);
  setDefault(spec, 'manualSelector', false);
  // The job strategy's generateSelector (upstream runs it in PrepareForCreate; here the uid
  // is already assigned): pods are selected by the Job's uid, and carry its name and uid
  // under both the prefixed and the legacy label keys. A user's own values are kept.
  const meta = ensureObj(obj as Obj, 'metadata');
  if (spec.manualSelector !== true && typeof meta.uid === 'string') {
    const labels = ensureObj(ensureObj(ensureObj(spec, 'template'), 'metadata'), 'labels');
    for (const key of ['job-name', 'batch.kubernetes.io/job-name']) setDefault(labels, key, meta.name);
    for (const key of ['controller-uid', 'batch.kubernetes.io/controller-uid']) setDefault(labels, key, meta.uid);
    setDefault(ensureObj(ensureObj(spec, 'selector'), 'matchLabels'), 'batch.kubernetes.io/controller-uid', meta.uid);
  }
  // SetDefaults_Job: a Job without labels takes its pod template's.
  const templateLabels = ((spec.template as Obj | undefined)?.metadata as Obj | undefined)?.labels as Obj | undefined;
  if (templateLabels && Object.keys(templateLabels).length && !Object.keys((meta.labels as Obj | undefined) ?? {}).length) meta.labels = { ...templateLabels };
}

export function defaultCronJob(obj: KObject): void {
  const spec = specOf(obj);
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  const jobTemplate = ensureObj(spec, 'jobTemplate');
  defaultJobSpec(ensureObj(jobTemplate, 'spec'));
}

export function defaultReplicationController(obj: KObject): void {
  const spec = specOf(obj);
  const template = spec.template as Obj | undefined;
  const labels = ((template?.metadata as Obj | undefined)?.labels ?? undefined) as Record<string, string> | undefined;
  // The selector and the controller's own labels default to the template labels.
  if (labels && Object.keys(labels).length) {
    if (!spec.selector || !Object.keys(spec.selector as Obj).length) spec.selector = { ...labels };
    const meta = ensureObj(obj as Obj, 'metadata');
    if (!meta.labels || !Object.keys(meta.labels as Obj).length) meta.labels = { ...labels };
  }
  setDefault(spec, 'replicas', 1);
  defaultTemplate(spec);
}
