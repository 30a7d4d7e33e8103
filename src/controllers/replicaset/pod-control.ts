/**
 * Creating and deleting a set's pods, with the events upstream's PodControl records on
 * the owner: `SuccessfulCreate` / `FailedCreate`, `SuccessfulDelete` / `FailedDelete`.
 */
import type { Pod } from '../../api/objects/index.js';
import type { ResourceClient } from '../../client/client.js';
import { ApiError, isNotFound } from '../../client/errors.js';
import type { EventRecorder } from '../runtime/events.js';
import { controllerRef } from '../runtime/pods.js';
import type { ReplicaSetView } from './kinds.js';

export interface PodControl {
  create(set: ReplicaSetView): Promise<Pod>;
  /** Resolves false when the pod was already gone. */
  delete(set: ReplicaSetView, pod: Pod): Promise<boolean>;
}

/** The pod a set's template makes (upstream's GetPodFromTemplate). */
function podFromTemplate(set: ReplicaSetView): Pod {
  const meta = set.template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${set.name}-`,
      namespace: set.namespace,
      ownerReferences: [controllerRef(set.obj, set.obj.apiVersion!, set.obj.kind!)],
    },
    spec: structuredClone(set.template.spec),
  };
  if (meta.labels) pod.metadata.labels = { ...meta.labels };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

/** Whether the API refused because the namespace is being torn down (creates there are pointless, not errors). */
export function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof ApiError && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

export function podControl(pods: ResourceClient<Pod>, events: EventRecorder, fieldManager: string): PodControl {
  return {
    async create(set) {
      const pod = podFromTemplate(set);
      if (!pod.metadata.labels || !Object.keys(pod.metadata.labels).length) throw new Error('unable to create pods, no labels');
      try {
        const created = await pods.create(pod, { fieldManager });
        events.event(set.obj, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
        return created;
      } catch (err) {
        if (!isNamespaceTerminating(err)) events.event(set.obj, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
        throw err;
      }
    },
    async delete(set, pod) {
      try {
        await pods.delete(pod.metadata.name!, pod.metadata.namespace);
        events.event(set.obj, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        events.event(set.obj, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
        throw err;
      }
    },
  };
}
