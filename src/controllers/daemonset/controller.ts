/**
 * The DaemonSet controller (upstream's pkg/controller/daemon): one pod per eligible node
 * (eligibility.ts), pinned there by node affinity for the scheduler to bind; rolling or
 * OnDelete updates by ControllerRevision; status per node. Informers on daemon sets,
 * pods, nodes and revisions feed a work queue keyed by set. A sync acts only once the
 * pod cache shows its own last creates and deletes (otherwise it just refreshes status),
 * and a rolling update step runs only in a sync that had nothing else to create or delete.
 */
import { claimCandidates, indexByControllerUid, indexOrphans } from '../runtime/indexes.js';
import type { ControllerRevision, DaemonSet, Node, Pod } from '../../api/objects/index.js';
import { labelSelectorFromObject } from '../../apiserver/selectors/labels.js';
import { isConflict } from '../../client/errors.js';
import { objectKey } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { WorkQueue, type ReconcileResult } from '../../client/workqueue.js';
import { POD_REVISION_LABEL, RevisionHistory } from '../history/index.js';
import { claimDependents, freshOwnerCheck } from '../runtime/adoption.js';
import { dependentHandlers } from '../runtime/owners.js';
import type { Controller, ControllerContext } from '../runtime/context.js';
import { PendingWrites } from '../runtime/pending-writes.js';
import { controllerRef } from '../runtime/pods.js';
import { FailedPodBackoff } from './backoff.js';
import { COMPONENT, type DaemonContext, type SyncState } from './context.js';
import { nodeShouldRunDaemonPod } from './eligibility.js';
import { manage } from './manage.js';
import { targetNode } from './pods.js';
import { cleanupHistory, constructHistory } from './revisions.js';
import { rollingUpdate } from './rolling.js';
import { recheckAvailability, writeStatus } from './status.js';

export function startDaemonSetController(ctx: ControllerContext): Controller {
  const dsCache = ctx.informers.for<DaemonSet>(resources.daemonsets);
  const podCache = ctx.informers.for<Pod>(resources.pods);
  indexByControllerUid(podCache);
  indexOrphans(podCache);
  const nodeCache = ctx.informers.for<Node>(resources.nodes);
  const revisionCache = ctx.informers.for<ControllerRevision>(resources.controllerrevisions);
  const dc: DaemonContext = {
    daemonSets: ctx.client.resource<DaemonSet>(resources.daemonsets),
    pods: ctx.client.resource<Pod>(resources.pods),
    podCache, nodeCache,
    history: new RevisionHistory(ctx.client, revisionCache, { apiVersion: 'apps/v1', kind: 'DaemonSet' }, COMPONENT),
    events: ctx.events(COMPONENT),
    pending: new PendingWrites(podCache, ctx.clock),
    backoff: new FailedPodBackoff(ctx.clock),
    clock: ctx.clock,
    fieldManager: COMPONENT,
  };

  const sync = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = key.split('/') as [string, string];
    const ds = dsCache.get(name, namespace);
    if (!ds) { dc.pending.forget(key); return; }
    const selectorSpec = ds.spec.selector ?? {};
    if (!Object.keys(selectorSpec.matchLabels ?? {}).length && !(selectorSpec.matchExpressions ?? []).length) {
      dc.events.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    // Pods and revisions of a set being deleted may already be gone: its status cannot be trusted.
    if (ds.metadata.deletionTimestamp) return;
    dc.backoff.gc();
    const selector = labelSelectorFromObject(selectorSpec);
    const canAdopt = freshOwnerCheck(dc.daemonSets, ds);
    const pods = await claimDependents(claimCandidates(podCache, ds), {
      owner: ds, ownerRef: controllerRef(ds, 'apps/v1', 'DaemonSet'), resource: dc.pods, fieldManager: COMPONENT, canAdopt,
      matches: (pod) => selector.matches(pod.metadata.labels),
    });
    const revisions = await dc.history.claim(ds, (labels) => selector.matches(labels), canAdopt);
    const { current, old, collisionCount } = await constructHistory(dc, ds, revisions, pods);
    const state: SyncState = { ds, key, nodes: nodeCache.list(), podsByNode: podsByNode(pods), hash: current.metadata.labels?.[POD_REVISION_LABEL] ?? '' };

    if (!dc.pending.settled(key)) {
      await writeStatus(dc, state, false, collisionCount);
      return requeue(dc, state);
    }
    try {
      const wrote = await manage(dc, state);
      if (!wrote && ds.spec.updateStrategy?.type !== 'OnDelete') await rollingUpdate(dc, state);
      await cleanupHistory(dc, ds, old, pods);
    } finally {
      await writeStatus(dc, state, true, collisionCount);
    }
    return requeue(dc, state);
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
  const enqueue = (ds: DaemonSet) => queue.add(objectKey(ds));
  /** The set controlling a pod or revision, or for an orphan every set that may adopt it. */
  const owned = dependentHandlers('DaemonSet', dsCache, enqueue);
  /** Sets whose placement on `node` differs between two states of it (or for a new node: that should run there). */
  const enqueueForNode = (before: Node | undefined, after: Node) => {
    for (const ds of dsCache.list()) {
      const now = nodeShouldRunDaemonPod(after, ds);
      const then = before ? nodeShouldRunDaemonPod(before, ds) : { shouldRun: false, shouldContinueRunning: false };
      if (now.shouldRun !== then.shouldRun || now.shouldContinueRunning !== then.shouldContinueRunning) enqueue(ds);
    }
  };

  const synced = Promise.all([dsCache.waitForSync(), podCache.waitForSync(), nodeCache.waitForSync(), revisionCache.waitForSync()]).then(() => {
    dsCache.addHandler({ add: enqueue, update: (_old, ds) => enqueue(ds), delete: (ds) => queue.add(objectKey(ds)) });
    podCache.addHandler(owned);
    revisionCache.addHandler(owned);
    nodeCache.addHandler({
      add: (node) => enqueueForNode(undefined, node),
      update: (old, node) => enqueueForNode(old, node),
      // The node's pods must go (see manage.ts); every set may have one there.
      delete: () => { for (const ds of dsCache.list()) enqueue(ds); },
    });
  });
  return { synced, stop: () => queue.stop() };
}

/** Live pods by target node; finished pods already being deleted are none of the controller's business. */
function podsByNode(pods: Pod[]): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of pods) {
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (finished && pod.metadata.deletionTimestamp) continue;
    const node = targetNode(pod);
    if (!node) continue;
    const list = byNode.get(node);
    if (list) list.push(pod);
    else byNode.set(node, [pod]);
  }
  return byNode;
}

function requeue(dc: DaemonContext, state: SyncState): ReconcileResult {
  recheckAvailability(dc, state);
  return state.requeueAfterMs !== undefined && Number.isFinite(state.requeueAfterMs) ? { requeueAfterMs: state.requeueAfterMs } : undefined;
}
