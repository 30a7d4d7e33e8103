/**
 * Keeping one daemon pod on every eligible node (upstream's manage/podsShouldBeOnNode/
 * syncNodes): a pod is created for an eligible node without one; failed pods are deleted
 * (with back-off) and succeeded ones too, to be recreated; extra pods on a node are
 * deleted (all but the oldest, or with maxSurge the oldest old and new ones); pods on
 * nodes no longer eligible are deleted, and so are pods for nodes that no longer exist.
 */
import type { Node, Pod } from '../../api/objects/index.js';
import { isNotFound } from '../../client/errors.js';
import { isPodAvailable, isPodReady } from '../runtime/pods.js';
import { requeueAfter, type DaemonContext, type SyncState } from './context.js';
import { nodeShouldRunDaemonPod } from './eligibility.js';
import { byAge, daemonPodTemplate, isPodUpdated, podForNode } from './pods.js';
import { surgeCount } from './strategy.js';
import { slowStartBatch } from '../runtime/slow-start.js';

const BURST_REPLICAS = 250;

/** What to do on one node: create a pod there, delete these pods. */
function podsShouldBeOnNode(dc: DaemonContext, state: SyncState, node: Node): { create: boolean; remove: Pod[] } {
  const { ds } = state;
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
  const pods = state.podsByNode.get(node.metadata.name!);
  const remove: Pod[] = [];
  if (shouldRun && !pods?.length) return { create: true, remove };
  if (!shouldContinueRunning) return { create: false, remove: (pods ?? []).filter((p) => !p.metadata.deletionTimestamp) };

  const running: Pod[] = [];
  for (const pod of pods ?? []) {
    if (pod.metadata.deletionTimestamp) continue;
    if (pod.status?.phase === 'Failed') {
      // The kubelet may keep rejecting the pod: delete and recreate no faster than the back-off allows.
      const key = `${ds.metadata.uid}/${ds.status?.observedGeneration ?? 0}/${node.metadata.name}`;
      const wait = dc.backoff.remaining(key);
      if (wait > 0) { requeueAfter(state, wait); continue; }
      dc.backoff.next(key);
      dc.events.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${node.metadata.name}, will try to kill it`);
      remove.push(pod);
    } else if (pod.status?.phase === 'Succeeded') {
      dc.events.event(ds, 'Normal', 'SucceededDaemonPod', `Found succeeded daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${node.metadata.name}, will try to delete it`);
      remove.push(pod);
    } else {
      running.push(pod);
    }
  }
  running.sort(byAge);
  if (surgeCount(ds, 1) === 0) {
    remove.push(...running.slice(1));
    return { create: false, remove };
  }
  if (running.length <= 1) return { create: running.length === 0 && shouldRun, remove };
  // Surging: keep the oldest new pod and, while it is not yet available, the oldest old one.
  let oldestNew: Pod | undefined;
  let oldestOld: Pod | undefined;
  for (const pod of running) {
    if (isPodUpdated(ds, pod, state.hash)) { if (!oldestNew) { oldestNew = pod; continue; } } else if (!oldestOld) { oldestOld = pod; continue; }
    remove.push(pod);
  }
  if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec.minReadySeconds ?? 0, dc.clock.now()))) remove.push(oldestOld);
  return { create: false, remove };
}

/** Creates and deletes what the nodes call for; resolves whether anything was written. */
export async function manage(dc: DaemonContext, state: SyncState): Promise<boolean> {
  const create: string[] = [];
  const remove: Pod[] = [];
  for (const node of state.nodes) {
    const todo = podsShouldBeOnNode(dc, state, node);
    if (todo.create) create.push(node.metadata.name!);
    remove.push(...todo.remove);
  }
  // Pods for nodes that are gone: nothing else will remove them (upstream leaves bound ones to the pod GC).
  const existing = new Set(state.nodes.map((n) => n.metadata.name!));
  const orphaned: Pod[] = [];
  for (const [node, pods] of state.podsByNode) if (!existing.has(node)) orphaned.push(...pods.filter((p) => !p.metadata.deletionTimestamp));
  await syncNodes(dc, state, remove, create, orphaned);
  return create.length + remove.length + orphaned.length > 0;
}

/**
 * Deletes `remove` and creates a pod on each of `create` (at most 250 of each per sync,
 * creations in slow-start batches: 1, 2, 4, … so a failing create does not repeat for
 * every node). Pods for vanished nodes are deleted at once, as nothing will confirm it.
 */
export async function syncNodes(dc: DaemonContext, state: SyncState, remove: Pod[], create: string[], orphaned: Pod[] = []): Promise<void> {
  const { ds } = state;
  const errors: unknown[] = [];
  const template = daemonPodTemplate(ds, state.hash);
  const nodes = create.slice(0, BURST_REPLICAS);
  const created = await slowStartBatch(nodes.length, 1, (i) => createPod(dc, state, podForNode(ds, template, nodes[i]!)));
  errors.push(...created.errors ?? []);
  const deletions = [...remove.slice(0, BURST_REPLICAS).map((pod) => ({ pod, force: false })), ...orphaned.map((pod) => ({ pod, force: true }))];
  const results = await Promise.allSettled(deletions.map(({ pod, force }) => deletePod(dc, state, pod, force)));
  for (const r of results) if (r.status === 'rejected') errors.push(r.reason);
  if (errors.length === 1) throw errors[0];
  if (errors.length) throw new AggregateError(errors, errors.map((e) => (e as Error).message ?? String(e)).join('; '));
}

async function createPod(dc: DaemonContext, state: SyncState, pod: Pod): Promise<void> {
  try {
    const created = await dc.pods.create(pod, { fieldManager: dc.fieldManager });
    dc.pending.created(state.key, created);
    dc.events.event(state.ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  } catch (err) {
    dc.events.event(state.ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message ?? String(err)}`);
    throw err;
  }
}

async function deletePod(dc: DaemonContext, state: SyncState, pod: Pod, force: boolean): Promise<void> {
  try {
    await dc.pods.delete(pod.metadata.name!, pod.metadata.namespace, { preconditions: { uid: pod.metadata.uid }, ...(force ? { gracePeriodSeconds: 0 } : {}) });
    dc.pending.deleted(state.key, pod);
    dc.events.event(state.ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
  } catch (err) {
    if (isNotFound(err)) return;
    dc.events.event(state.ds, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message ?? String(err)}`);
    throw err;
  }
}
