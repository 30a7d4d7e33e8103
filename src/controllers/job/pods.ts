/**
 * Pods as the job controller sees them: the tracking finalizer, what counts as failed,
 * when a pod finished, the pod a Job creates, and which active pods go first.
 */
import type { Container, Job, Pod } from '../../api/objects/index.js';
import { controllerRef, isPodReady, podCondition } from '../runtime/pods.js';
import { COMPLETION_INDEX } from './indexes.js';

/** Holds a finished pod until its Job has counted it (batch.kubernetes.io/job-tracking). */
export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata.finalizers?.includes(TRACKING_FINALIZER) ?? false;
}

export const isSucceeded = (pod: Pod): boolean => pod.status?.phase === 'Succeeded';

/**
 * Upstream's isPodFailed: Failed phase, or — unless only failed pods are replaced
 * (podReplacementPolicy Failed or a pod failure policy) — deleted before it succeeded,
 * so pods that never reach a terminal phase (evicted, deleted by hand) still count.
 */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return Boolean(pod.metadata.deletionTimestamp) && pod.status?.phase !== 'Succeeded';
}

export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec.podReplacementPolicy === 'Failed' || job.spec.podFailurePolicy != null;
}

/** Being deleted but not yet terminal (status.terminating counts these). */
export function isTerminating(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.metadata.deletionTimestamp) && phase !== 'Succeeded' && phase !== 'Failed';
}

/**
 * When a pod finished (upstream's getFinishedTime, which dates pod-failure back-off): its
 * containers' last finishedAt, else when it turned not ready, else its deletion time less
 * the grace period, else its creation.
 */
export function finishedAt(pod: Pod): number {
  const statuses = pod.status?.containerStatuses ?? [];
  let latest: number | undefined;
  for (const s of statuses) {
    const t = Date.parse(s.state?.terminated?.finishedAt ?? '');
    if (!Number.isFinite(t)) { latest = undefined; break; }
    latest = Math.max(latest ?? t, t);
  }
  if (statuses.length && latest !== undefined) return latest;
  const ready = podCondition(pod, 'Ready');
  const notReadySince = Date.parse(ready?.status === 'False' ? ready.lastTransitionTime ?? '' : '');
  if (Number.isFinite(notReadySince)) return notReadySince;
  const deleted = Date.parse(pod.metadata.deletionTimestamp ?? '');
  if (Number.isFinite(deleted)) return deleted - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
}

/** Container restarts of running and pending pods (restartPolicy OnFailure counts these toward backoffLimit). */
export function restartsOfRunningPods(pods: Pod[]): number {
  let total = 0;
  for (const pod of pods) {
    if (pod.status?.phase !== 'Running' && pod.status?.phase !== 'Pending') continue;
    for (const s of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]) total += s.restartCount ?? 0;
  }
  return total;
}

/** `<job>-<index>-`, shortened so the generated name stays within 63 characters (podGenerateNameWithIndex). */
function indexedGenerateName(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > 58 ? prefix.slice(0, 58 - suffix.length) + suffix : prefix;
}

/** Every container learns its index from the annotation (JOB_COMPLETION_INDEX), unless it sets the variable itself. */
function withIndexEnv(containers: Container[] | undefined): Container[] | undefined {
  return containers?.map((c) => {
    const env = (c.env as Array<{ name: string }> | undefined) ?? [];
    if (env.some((e) => e.name === 'JOB_COMPLETION_INDEX')) return c;
    return { ...c, env: [...env, { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } }] };
  });
}

/** The pod a Job creates from its template: owned by the Job, tracked by the finalizer; Indexed pods carry their index. */
export function podForJob(job: Job, index?: number): Pod {
  const template = structuredClone(job.spec.template);
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: `${job.metadata.name}-`,
      namespace: job.metadata.namespace,
      labels: { ...meta.labels },
      annotations: { ...meta.annotations },
      finalizers: [...new Set([...(meta.finalizers ?? []), TRACKING_FINALIZER])],
      ownerReferences: [controllerRef(job, 'batch/v1', 'Job')],
    },
    spec: template.spec,
  };
  if (index !== undefined) {
    pod.metadata.generateName = indexedGenerateName(job.metadata.name!, index);
    pod.metadata.annotations![COMPLETION_INDEX] = String(index);
    pod.metadata.labels![COMPLETION_INDEX] = String(index);
    pod.spec.hostname = `${job.metadata.name}-${index}`;
    pod.spec.containers = withIndexEnv(pod.spec.containers)!;
    if (pod.spec.initContainers) pod.spec.initContainers = withIndexEnv(pod.spec.initContainers);
  }
  if (!Object.keys(pod.metadata.annotations!).length) delete pod.metadata.annotations;
  return pod;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Order of active pods to remove (controller.ActivePods): unscheduled before scheduled,
 * pending before running, not ready before ready, more restarts first, newer first.
 */
export function deleteFirst(a: Pod, b: Pod): number {
  const scheduled = (p: Pod) => (p.spec.nodeName ? 1 : 0);
  if (scheduled(a) !== scheduled(b)) return scheduled(a) - scheduled(b);
  const rank = (p: Pod) => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const ready = (p: Pod) => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  const restarts = (p: Pod) => (p.status?.containerStatuses ?? []).reduce((n, s) => Math.max(n, s.restartCount ?? 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return (Date.parse(b.metadata.creationTimestamp ?? '') || 0) - (Date.parse(a.metadata.creationTimestamp ?? '') || 0);
}
