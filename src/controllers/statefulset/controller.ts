/**
 * The StatefulSet controller (upstream's pkg/controller/statefulset): pods with stable
 * ordinal names, their own claims, ordered or parallel creation and deletion, and rolling
 * updates by ControllerRevision. Informers on sets, pods, revisions and claims feed a
 * work queue keyed by set; each sync reads the caches (after they show this controller's
 * own last writes) and does what sync.ts describes.
 */
import { claimCandidates, indexByControllerUid, indexOrphans } from '../runtime/indexes.js';
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet } from '../../api/objects/index.js';
import { isConflict } from '../../client/errors.js';
import { objectKey } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { WorkQueue, type ReconcileResult } from '../../client/workqueue.js';
import { labelSelectorFromObject } from '../../apiserver/selectors/labels.js';
import { RevisionHistory } from '../history/index.js';
import { adoptersOf, dependentHandlers } from '../runtime/owners.js';
import type { Controller, ControllerContext } from '../runtime/context.js';
import { claimDependents, freshOwnerCheck } from '../runtime/adoption.js';
import { PendingWrites } from '../runtime/pending-writes.js';
import { controllerRef, podCondition } from '../runtime/pods.js';
import { COMPONENT, type SetContext } from './context.js';
import { isMember, isRunningAndReady } from './identity.js';
import { setRevisions, truncateHistory } from './revisions.js';
import { writeStatus } from './status.js';
import { updateStatefulSet, type Revisions } from './sync.js';

export function startStatefulSetController(ctx: ControllerContext): Controller {
  const setCache = ctx.informers.for<StatefulSet>(resources.statefulsets);
  const podCache = ctx.informers.for<Pod>(resources.pods);
  indexByControllerUid(podCache);
  indexOrphans(podCache);
  const revisionCache = ctx.informers.for<ControllerRevision>(resources.controllerrevisions);
  const claimCache = ctx.informers.for<PersistentVolumeClaim>(resources.persistentvolumeclaims);
  const sets = ctx.client.resource<StatefulSet>(resources.statefulsets);
  const fieldManager = COMPONENT;
  const sc: SetContext = {
    pods: ctx.client.resource<Pod>(resources.pods),
    claims: ctx.client.resource<PersistentVolumeClaim>(resources.persistentvolumeclaims),
    podCache, claimCache,
    history: new RevisionHistory(ctx.client, revisionCache, { apiVersion: 'apps/v1', kind: 'StatefulSet' }, fieldManager),
    events: ctx.events(COMPONENT),
    pending: new PendingWrites(podCache, ctx.clock),
    clock: ctx.clock,
    fieldManager,
  };

  const sync = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = key.split('/') as [string, string];
    const set = setCache.get(name, namespace);
    if (!set) { sc.pending.forget(key); return; }
    // Until the cache shows the pods just created or deleted, acting on it would repeat them.
    if (!sc.pending.settled(key)) return;
    const selector = labelSelectorFromObject(set.spec.selector);
    const canAdopt = freshOwnerCheck(sets, set);
    const pods = await claimDependents(claimCandidates(podCache, set), {
      owner: set, ownerRef: controllerRef(set, 'apps/v1', 'StatefulSet'), resource: sc.pods, fieldManager, canAdopt,
      matches: (pod) => selector.matches(pod.metadata.labels) && isMember(set, pod),
    });
    const revisions = await sc.history.claim(set, (labels) => selector.matches(labels), canAdopt);
    let revs: Revisions | undefined;
    try {
      revs = await setRevisions(sc, set, revisions);
      const status = await updateStatefulSet(sc, set, revs, pods);
      await writeStatus(sets, set, status, fieldManager);
    } finally {
      await truncateHistory(sc, set, pods, revisions, revs);
    }
    return availabilityRecheck(set, pods, ctx.clock.now());
  };
  const reconcile = async (key: string): Promise<ReconcileResult> => {
    try {
      return await sync(key);
    } catch (err) {
      // The cache was behind: the newer object's watch event is on its way and queues another sync.
      if (isConflict(err)) return;
      throw err;
    }
  };

  const queue = new WorkQueue({ reconcile, clock: ctx.clock, workers: 4, onError: (_key, err) => ctx.onError(COMPONENT, err) });
  const enqueue = (set: StatefulSet) => queue.add(objectKey(set));
  /** The set controlling a pod or revision, or for an orphan every set that may adopt it. */
  const owned = dependentHandlers('StatefulSet', setCache, enqueue);

  const synced = Promise.all([setCache.waitForSync(), podCache.waitForSync(), revisionCache.waitForSync(), claimCache.waitForSync()]).then(() => {
    setCache.addHandler({ add: enqueue, update: (_old, set) => enqueue(set), delete: (set) => queue.add(objectKey(set)) });
    podCache.addHandler(owned);
    revisionCache.addHandler(owned);
    // Claims carry the set's selector labels: a changed or deleted claim concerns the sets selecting it.
    const enqueueSelecting = (claim: PersistentVolumeClaim) => { for (const set of adoptersOf(claim, setCache)) enqueue(set); };
    claimCache.addHandler({ update: (_old, claim) => enqueueSelecting(claim), delete: enqueueSelecting });
  });
  return { synced, stop: () => queue.stop() };
}

/**
 * With minReadySeconds, a pod becomes available by the clock alone: sync again when the
 * first ready pod that is not yet available will be.
 */
function availabilityRecheck(set: StatefulSet, pods: Pod[], now: Date): ReconcileResult {
  const minReadyMs = (set.spec.minReadySeconds ?? 0) * 1000;
  if (!minReadyMs) return undefined;
  let soonest = Infinity;
  for (const pod of pods) {
    if (!isRunningAndReady(pod)) continue;
    const since = Date.parse(podCondition(pod, 'Ready')?.lastTransitionTime ?? '');
    const due = (Number.isFinite(since) ? since : now.getTime()) + minReadyMs - now.getTime();
    if (due > 0) soonest = Math.min(soonest, due);
  }
  return Number.isFinite(soonest) ? { requeueAfterMs: soonest } : undefined;
}
