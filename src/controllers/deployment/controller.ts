/**
 * The Deployment controller (kube-controller-manager's `deployment`): rolls a Deployment's
 * pods from one ReplicaSet to the next as its template changes, by the RollingUpdate or
 * Recreate strategy; resizes its ReplicaSets when it is scaled (proportionally mid-rollout);
 * keeps revisionHistoryLimit old ReplicaSets for `kubectl rollout undo`; reports progress
 * and availability in its status. The ReplicaSet controller does the pods.
 *
 * One sync (upstream's syncDeployment): claim ReplicaSets; a Deployment being deleted
 * only gets its status; a paused one or one being resized is only resized; otherwise its
 * strategy takes one step.
 */
import type { Deployment, Pod, ReplicaSet } from '../../api/objects/index.js';
import { isConflict } from '../../client/errors.js';
import { objectKey } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../runtime/context.js';
import { controllerOf } from '../runtime/pods.js';
import { indexByControllerUid, indexOrphans } from '../runtime/indexes.js';
import { dependentHandlers, resolveOwner } from '../runtime/owners.js';
import { wakeups } from '../replicaset/wakeups.js';
import { COMPONENT, RetrySync, saveDeployment, startRun, type DeploymentDeps } from './context.js';
import { rolloutRecreate } from './recreate.js';
import { claimReplicaSets } from './replicasets.js';
import { rolloutRolling } from './rolling.js';
import { checkPausedConditions, isScalingEvent, syncScaleOnly, syncStatusOnly } from './sync.js';

/** Upstream's --concurrent-deployment-syncs default. */
const WORKERS = 5;
/**
 * How long a ReplicaSet's status changes wait to be folded together before a sync.
 * Upstream syncs at once; with thousands of pods starting, that was one status write per pod.
 */
const STATUS_BATCH_MS = 100;

export function startDeploymentController(ctx: ControllerContext): Controller {
  const deployments = ctx.informers.for<Deployment>(resources.deployments);
  const replicaSets = ctx.informers.for<ReplicaSet>(resources.replicasets);
  const pods = ctx.informers.for<Pod>(resources.pods);
  indexByControllerUid(replicaSets);
  indexOrphans(replicaSets);
  indexByControllerUid(pods);
  const deps: DeploymentDeps = {
    deployments: ctx.client.resource<Deployment>(resources.deployments),
    replicaSets: ctx.client.resource<ReplicaSet>(resources.replicasets),
    rsInformer: replicaSets,
    podInformer: pods,
    clock: ctx.clock,
    events: ctx.events(COMPONENT),
  };

  const reconcile = async (key: string): Promise<void> => {
    const [namespace, name] = key.split('/') as [string, string];
    const cached = deployments.get(name, namespace);
    if (!cached) return;
    const run = startRun(deps, cached, (ms) => wakeUp(key, ms));
    const d = run.d;
    const selector = d.spec.selector ?? {};
    if (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length) {
      deps.events.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...d.status, observedGeneration: d.metadata.generation };
        await saveDeployment(run);
      }
      return;
    }
    const rsList = await claimReplicaSets(run);
    if (d.metadata.deletionTimestamp) {
      await syncStatusOnly(run, rsList);
      return;
    }
    await checkPausedConditions(run);
    if (run.d.spec.paused || await isScalingEvent(run, rsList)) {
      await syncScaleOnly(run, rsList);
    } else if (run.d.spec.strategy?.type === 'Recreate') {
      await rolloutRecreate(run, rsList);
    } else {
      await rolloutRolling(run, rsList);
    }
  };

  const queue = new WorkQueue({
    reconcile,
    workers: WORKERS,
    clock: ctx.clock,
    // A conflict means a cache is behind; the retry reads the newer state. Neither is worth reporting.
    onError: (_key, err) => { if (!isConflict(err) && !(err instanceof RetrySync)) ctx.onError(COMPONENT, err); },
  });
  const wakeUp = wakeups(() => queue, ctx.clock);
  const enqueue = (d: Deployment) => queue.add(objectKey(d));

  /** The Deployment controlling a ReplicaSet, or for an orphan every Deployment that may adopt it. */
  const owned = dependentHandlers('Deployment', deployments, enqueue);

  const synced = Promise.all([deployments.waitForSync(), replicaSets.waitForSync(), pods.waitForSync()]).then(() => {
    deployments.addHandler({ add: enqueue, update: (_old, cur) => enqueue(cur), delete: enqueue });
    replicaSets.addHandler({
      add: owned.add,
      update: (old, cur) => {
        const ref = controllerOf(cur);
        if (ref && ref.uid === controllerOf(old)?.uid && old.metadata.generation === cur.metadata.generation) {
          // Status-only changes of an owned set (pods becoming ready, one by one) are folded into one sync.
          const owner = resolveOwner(cur, 'Deployment', deployments, ref);
          if (owner) queue.addBatched(objectKey(owner), STATUS_BATCH_MS);
          return;
        }
        owned.update!(old, cur);
      },
      delete: owned.delete,
    });
    // Recreate waits for the old pods to be gone: their deletion is what lets it continue.
    pods.addHandler({
      delete: (pod) => {
        const rs = resolveOwner(pod, 'ReplicaSet', replicaSets);
        const owner = rs && resolveOwner(rs, 'Deployment', deployments);
        if (owner?.spec.strategy?.type === 'Recreate') enqueue(owner);
      },
    });
  });
  return { synced, stop: () => queue.stop() };
}
