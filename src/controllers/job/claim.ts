/**
 * Which pods belong to a Job (upstream's PodControllerRefManager.ClaimPods): those whose
 * controller reference is the Job, plus orphans its selector matches (adopted: owner
 * reference and tracking finalizer added); owned pods the selector no longer matches are
 * released. Adoption is refused while the Job is being deleted.
 */
import { controlledBy, orphansIn } from '../runtime/indexes.js';
import type { Job, Pod } from '../../api/objects/index.js';
import type { Informer } from '../../client/informer.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { freshOwnerCheck } from '../runtime/adoption.js';
import { labelSelectorFromObject } from '../../apiserver/selectors/labels.js';
import { controllerRef } from '../runtime/pods.js';
import { hasTrackingFinalizer, TRACKING_FINALIZER } from './pods.js';
import type { JobControllerParts } from './state.js';

export async function claimPods(p: JobControllerParts, podsInformer: Informer<Pod>, job: Job): Promise<Pod[]> {
  const uid = job.metadata.uid!;
  const owned = controlledBy(podsInformer, uid).filter((pod) => pod.metadata.namespace === job.metadata.namespace);
  let matches: (labels: Record<string, string>) => boolean;
  try {
    // No selector selects nothing (a Job's selector is always generated, unless manual).
    matches = job.spec.selector ? labelSelectorFromObject(job.spec.selector).matches : () => false;
  } catch {
    return owned;
  }
  const claimed: Pod[] = [];
  for (const pod of owned) {
    if (matches(pod.metadata.labels ?? {}) || pod.metadata.deletionTimestamp || job.metadata.deletionTimestamp) claimed.push(pod);
    else await release(p, pod, uid);
  }
  if (job.metadata.deletionTimestamp) return claimed;
  const orphans = orphansIn(podsInformer, job.metadata.namespace!).filter((pod) => !pod.metadata.deletionTimestamp && matches(pod.metadata.labels ?? {}));
  // A fresh read: never adopt for a Job that is being deleted or was replaced (upstream's RecheckDeletionTimestamp).
  if (orphans.length && !(await freshOwnerCheck(p.jobs, job)())) return claimed;
  for (const pod of orphans) {
    const adopted = await adopt(p, pod, job);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

/** Merge patches pinned to the pod's resourceVersion: a pod changed meanwhile is looked at again on its next event. */
async function adopt(p: JobControllerParts, pod: Pod, job: Job): Promise<Pod | undefined> {
  const meta = pod.metadata;
  try {
    return await p.pods.patch(meta.name!, meta.namespace, 'merge', {
      metadata: {
        resourceVersion: meta.resourceVersion,
        ownerReferences: [...(meta.ownerReferences ?? []), controllerRef({ ...job, apiVersion: 'batch/v1', kind: 'Job' }, 'batch/v1', 'Job')],
        finalizers: hasTrackingFinalizer(pod) ? meta.finalizers : [...(meta.finalizers ?? []), TRACKING_FINALIZER],
      },
    }, { fieldManager: 'job-controller' });
  } catch (err) {
    if (isNotFound(err) || isConflict(err)) return undefined;
    throw err;
  }
}

async function release(p: JobControllerParts, pod: Pod, jobUid: string): Promise<void> {
  const meta = pod.metadata;
  try {
    await p.pods.patch(meta.name!, meta.namespace, 'merge', {
      metadata: { resourceVersion: meta.resourceVersion, ownerReferences: (meta.ownerReferences ?? []).filter((r) => r.uid !== jobUid) },
    }, { fieldManager: 'job-controller' });
  } catch (err) {
    if (!isNotFound(err) && !isConflict(err)) throw err;
  }
}
