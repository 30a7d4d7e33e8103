/**
 * One reconcile of a ReplicaSet or ReplicationController (upstream's syncReplicaSet):
 * claim the pods it should own, create or delete pods towards `spec.replicas` unless
 * earlier creates/deletes are still unseen (expectations), then write the status.
 */
import { claimCandidates, controlledBy } from '../runtime/indexes.js';
import { slowStartBatch } from '../runtime/slow-start.js';
import type { Pod } from '../../api/objects/index.js';
import type { KObject } from '../../api/types.js';
import { labelSelectorFromObject } from '../../apiserver/selectors/labels.js';
import type { ResourceClient } from '../../client/client.js';
import type { Clock } from '../../client/clock.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { objectKey, type Informer } from '../../client/informer.js';
import { controllerOf, controllerRef, isPodActive } from '../runtime/pods.js';
import { claimDependents, freshOwnerCheck } from '../runtime/adoption.js';
import type { ControllerExpectations } from './expectations.js';
import type { ReplicaKind, ReplicaSetView } from './kinds.js';
import type { PodControl } from './pod-control.js';
import { isNamespaceTerminating } from './pod-control.js';
import { podsToDelete } from './pod-ranking.js';
import { calculateStatus, nextAvailableInMs, statusUnchanged } from './status.js';

/** At most this many pods are created or deleted in one reconcile (upstream's BurstReplicas). */
export const BURST_REPLICAS = 500;

export interface SyncDeps {
  kind: ReplicaKind;
  sets: Informer;
  pods: Informer<Pod>;
  setClient: ResourceClient;
  podClient: ResourceClient<Pod>;
  control: PodControl;
  expectations: ControllerExpectations;
  clock: Clock;
  fieldManager: string;
  /** Looks at the set again after `ms` of clock time. */
  requeueAfter(key: string, ms: number): void;
}

export function createSync(d: SyncDeps): (key: string) => Promise<void> {
  /** Pods of the set's siblings under the same controller (a Deployment's sets), for ranking deletions. */
  const relatedPods = (set: ReplicaSetView): Pod[] => {
    const ref = controllerOf(set.obj);
    if (!ref) return [];
    const seen = new Set<string>();
    const related: Pod[] = [];
    for (const sibling of controlledBy(d.sets, ref.uid)) {
      if (sibling.metadata?.namespace !== set.namespace) continue;
      for (const pod of controlledBy(d.pods, sibling.metadata!.uid!)) {
        if (seen.has(pod.metadata.uid!)) continue;
        seen.add(pod.metadata.uid!);
        related.push(pod);
      }
    }
    return related;
  };

  const manageReplicas = async (set: ReplicaSetView, pods: Pod[]): Promise<void> => {
    const diff = pods.length - set.replicas;
    if (diff < 0) {
      const wanted = Math.min(-diff, BURST_REPLICAS);
      d.expectations.expectCreations(set.key, wanted);
      const { successes, error } = await slowStartBatch(wanted, 1, async () => {
        try {
          await d.control.create(set);
        } catch (err) {
          // A namespace being torn down refuses every create; that is not this set's failure.
          if (!isNamespaceTerminating(err)) throw err;
        }
      });
      // Creates never made will never be observed.
      for (let i = successes; i < wanted; i++) d.expectations.creationObserved(set.key);
      if (error) throw error;
    } else if (diff > 0) {
      const victims = podsToDelete(pods, relatedPods(set), Math.min(diff, BURST_REPLICAS), d.clock.now());
      d.expectations.expectDeletions(set.key, victims.map((p) => objectKey(p)));
      const errors: unknown[] = [];
      await Promise.all(victims.map(async (pod) => {
        try {
          if (!(await d.control.delete(set, pod))) d.expectations.deletionObserved(set.key, objectKey(pod));
        } catch (err) {
          d.expectations.deletionObserved(set.key, objectKey(pod));
          errors.push(err);
        }
      }));
      if (errors.length) throw errors[0];
    }
  };

  const writeStatus = async (set: ReplicaSetView, status: ReturnType<typeof calculateStatus>): Promise<KObject> => {
    const next = { ...status, observedGeneration: set.generation };
    try {
      return await d.setClient.updateStatus({ ...set.obj, status: next });
    } catch (err) {
      if (!isConflict(err)) throw err;
      // Changed since it was cached: write the same counts onto the current object once (as upstream does).
      const fresh = await d.setClient.get(set.name, set.namespace);
      return d.setClient.updateStatus({ ...fresh, status: { ...next, observedGeneration: fresh.metadata?.generation } });
    }
  };

  return async (key) => {
    const [namespace, name] = key.split('/') as [string, string];
    const obj = d.sets.get(name, namespace);
    if (!obj) {
      d.expectations.forget(key);
      return;
    }
    const set = d.kind.view(obj);
    const needsSync = d.expectations.satisfied(key);
    const selector = labelSelectorFromObject(set.selector);
    // Active pods only: finished or terminating ones neither count nor get adopted.
    const pods = await claimDependents(claimCandidates(d.pods, set.obj).filter(isPodActive), {
      owner: set.obj,
      ownerRef: controllerRef(set.obj, d.kind.apiVersion, d.kind.kind),
      matches: (pod) => selector.matches(pod.metadata.labels),
      resource: d.podClient,
      fieldManager: d.fieldManager,
      canAdopt: freshOwnerCheck(d.setClient, set.obj),
    });
    let manageError: Error | undefined;
    if (needsSync && !set.deleting) {
      try {
        await manageReplicas(set, pods);
      } catch (err) {
        manageError = err instanceof Error ? err : new Error(String(err));
      }
    }
    const now = d.clock.now();
    const status = calculateStatus(set, pods, manageError, now);
    // Availability changes with time alone: look again when the next pod becomes available.
    // Scheduled before the status is written, so whoever sees that status can rely on the wake-up.
    const wait = nextAvailableInMs(set, pods, now);
    if (wait !== undefined && !manageError) d.requeueAfter(key, wait);
    if (!statusUnchanged(set, status)) {
      try {
        await writeStatus(set, status);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    if (manageError) throw manageError;
  };
}
