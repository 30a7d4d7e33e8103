/**
 * The ReplicaSet controller and the ReplicationController manager (kube-controller-manager's
 * `replicaset` and `replicationcontroller`): keep `spec.replicas` pods of each set, adopting
 * matching orphans and releasing pods that stopped matching, and report replica counts.
 * One implementation serves both kinds (see kinds.ts).
 *
 * Pod events feed the expectations: a pod seen appearing was one the controller created;
 * one seen going (or marked for deletion) was one it deleted.
 */
import type { Pod } from '../../api/objects/index.js';
import type { KObject } from '../../api/types.js';
import { isConflict } from '../../client/errors.js';
import { objectKey } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../runtime/context.js';
import { controllerOf } from '../runtime/pods.js';
import { ControllerExpectations } from './expectations.js';
import { indexByControllerUid, indexOrphans } from '../runtime/indexes.js';
import { adoptersOf, resolveOwner, sameLabels } from '../runtime/owners.js';
import { replicaSetKind, replicationControllerKind, type ReplicaKind } from './kinds.js';
import { podControl } from './pod-control.js';
import { createSync } from './sync.js';
import { wakeups } from './wakeups.js';

/** Upstream's --concurrent-replicaset-syncs / --concurrent-rc-syncs default. */
const WORKERS = 5;

/**
 * How long status-only pod changes wait to be folded together before a sync. Upstream
 * syncs at once; with thousands of pods starting, that was one status write per pod.
 */
const STATUS_BATCH_MS = 100;

export function startReplicaSetController(ctx: ControllerContext): Controller {
  return startReplicaController(ctx, replicaSetKind);
}

export function startReplicationControllerController(ctx: ControllerContext): Controller {
  return startReplicaController(ctx, replicationControllerKind);
}

export function startReplicaController(ctx: ControllerContext, kind: ReplicaKind): Controller {
  const sets = ctx.informers.for(kind.resource);
  const pods = ctx.informers.for<Pod>(resources.pods);
  indexByControllerUid(sets);
  indexByControllerUid(pods);
  indexOrphans(pods);
  const podClient = ctx.client.resource<Pod>(resources.pods);
  const expectations = new ControllerExpectations(ctx.clock);
  const reconcile = createSync({
    kind, sets, pods, expectations,
    requeueAfter: wakeups(() => queue, ctx.clock),
    setClient: ctx.client.resource(kind.resource),
    podClient,
    control: podControl(podClient, ctx.events(kind.component), kind.component),
    clock: ctx.clock,
    fieldManager: kind.component,
  });
  const queue = new WorkQueue({
    reconcile,
    workers: WORKERS,
    clock: ctx.clock,
    // A conflict means the cache is behind; the retry reads the newer state. Not worth reporting.
    onError: (_key, err) => { if (!isConflict(err)) ctx.onError(kind.component, err); },
  });

  /** The set a pod's controller reference names, if it is one of ours and still the same object. */
  const resolve = (pod: Pod, ref = controllerOf(pod)): KObject | undefined => resolveOwner(pod, kind.kind, sets, ref);
  /** Sets whose selector matches an orphan, which may want to adopt it. */
  const matchingSets = (pod: Pod): KObject[] => adoptersOf(pod, sets, (set) => kind.view(set).selector);
  const enqueue = (set: KObject) => queue.add(objectKey(set));

  const podGone = (pod: Pod) => {
    const set = resolve(pod);
    if (!set) return;
    expectations.deletionObserved(objectKey(set), objectKey(pod));
    enqueue(set);
  };
  const podAdded = (pod: Pod) => {
    // Already on its way out (e.g. seen first after a restart): count it as going.
    if (pod.metadata.deletionTimestamp) return podGone(pod);
    const ref = controllerOf(pod);
    if (ref) {
      const set = resolve(pod, ref);
      if (!set) return;
      expectations.creationObserved(objectKey(set));
      return enqueue(set);
    }
    for (const set of matchingSets(pod)) enqueue(set);
  };
  const podUpdated = (old: Pod, cur: Pod) => {
    const labelsChanged = !sameLabels(old.metadata.labels, cur.metadata.labels);
    if (cur.metadata.deletionTimestamp) {
      // Marked for deletion: replace it now rather than when the kubelet finally removes it.
      podGone(cur);
      if (labelsChanged) podGone(old);
      return;
    }
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = curRef?.uid !== oldRef?.uid;
    if (refChanged && oldRef) {
      const previous = resolve(old, oldRef);
      if (previous) enqueue(previous);
    }
    if (curRef) {
      // A status change of an owned pod only moves the set's status: fold a burst into one sync.
      const set = resolve(cur, curRef);
      if (set) queue.addBatched(objectKey(set), STATUS_BATCH_MS);
      return;
    }
    if (labelsChanged || refChanged) for (const set of matchingSets(cur)) enqueue(set);
  };

  const synced = Promise.all([sets.waitForSync(), pods.waitForSync()]).then(() => {
    sets.addHandler({
      add: enqueue,
      update: (old, cur) => {
        if (old.metadata?.uid !== cur.metadata?.uid) expectations.forget(objectKey(old));
        enqueue(cur);
      },
      delete: (set) => {
        expectations.forget(objectKey(set));
        enqueue(set);
      },
    });
    pods.addHandler({ add: podAdded, update: podUpdated, delete: podGone });
  });
  return { synced, stop: () => queue.stop() };
}
