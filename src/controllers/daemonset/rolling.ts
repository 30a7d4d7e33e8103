/**
 * A DaemonSet's rolling update (upstream's rollingUpdate in update.go). Without surge,
 * old pods are deleted (the manage pass recreates them at the new revision) while no more
 * than maxUnavailable nodes lack an available pod; old pods that are not available anyway
 * go at once. With maxSurge, a new pod is started beside an available old one on up to
 * maxSurge nodes, and the old one is deleted once the new one is available.
 */
import type { DaemonSet, Pod } from '../../api/objects/index.js';
import { isPodAvailable } from '../runtime/pods.js';
import type { DaemonContext, SyncState } from './context.js';
import { nodeShouldRunDaemonPod } from './eligibility.js';
import { syncNodes } from './manage.js';
import { isPodUpdated } from './pods.js';
import { surgeCount, unavailableCount } from './strategy.js';

/** At most one new and one old live pod on a node; undefined when there are more (manage prunes them first). */
function newAndOld(ds: DaemonSet, pods: Pod[], hash: string): { newPod?: Pod; oldPod?: Pod } | undefined {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(ds, pod, hash)) { if (newPod) return undefined; newPod = pod; } else { if (oldPod) return undefined; oldPod = pod; }
  }
  return { newPod, oldPod };
}

export async function rollingUpdate(dc: DaemonContext, state: SyncState): Promise<void> {
  const { ds, hash } = state;
  const now = dc.clock.now();
  const minReady = ds.spec.minReadySeconds ?? 0;
  const available = (pod: Pod) => isPodAvailable(pod, minReady, now);
  const eligible = state.nodes.filter((n) => nodeShouldRunDaemonPod(n, ds).shouldRun);
  const byNode = new Map(state.podsByNode);
  for (const node of eligible) if (!byNode.has(node.metadata.name!)) byNode.set(node.metadata.name!, []);
  const desired = eligible.length;
  const maxSurge = surgeCount(ds, desired);
  // Neither surge nor unavailability allowed would stall the update: upstream then allows one unavailable.
  const maxUnavailable = desired > 0 && maxSurge === 0 && unavailableCount(ds, desired) === 0 ? 1 : unavailableCount(ds, desired);
  const nodeNames = [...byNode.keys()].sort();

  if (maxSurge === 0) {
    let unavailable = 0;
    const replace: Pod[] = [];
    const candidates: Pod[] = [];
    for (const node of nodeNames) {
      const found = newAndOld(ds, byNode.get(node)!, hash);
      if (!found) { unavailable++; continue; }
      const { newPod, oldPod } = found;
      if ((!newPod && !oldPod) || (newPod && oldPod)) unavailable++;
      else if (newPod) { if (!available(newPod)) unavailable++; }
      else if (!available(oldPod!)) { replace.push(oldPod!); unavailable++; }
      else if (unavailable < maxUnavailable) candidates.push(oldPod!);
    }
    const budget = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    const remove = [...replace, ...candidates.slice(0, budget)];
    if (remove.length) await syncNodes(dc, state, remove, []);
    return;
  }

  const remove: Pod[] = [];
  const sunset: Pod[] = [];
  const allowedNew: string[] = [];
  const candidateNew: string[] = [];
  let surging = 0;
  let numAvailable = 0;
  const shouldRun = (node: string) => {
    const n = dc.nodeCache.get(node);
    return n ? nodeShouldRunDaemonPod(n, ds).shouldRun : false;
  };
  for (const node of nodeNames) {
    const found = newAndOld(ds, byNode.get(node)!, hash);
    if (!found) { surging++; continue; }
    const { newPod, oldPod } = found;
    if (oldPod ? available(oldPod) : newPod && available(newPod)) numAvailable++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(node)) remove.push(oldPod);
        else allowedNew.push(node);
      } else if (!shouldRun(node)) sunset.push(oldPod);
      else if (surging < maxSurge) candidateNew.push(node);
      continue;
    }
    // Already surged here: the old pod goes once the new one is available.
    if (!available(newPod)) surging++;
    else remove.push(oldPod);
  }
  // With surge the owner expects full availability: pods on nodes no longer eligible go only as others become available.
  const deletable = Math.min(Math.max(0, numAvailable - desired), sunset.length);
  remove.push(...sunset.slice(0, deletable));
  const budget = Math.min(Math.max(0, maxSurge - surging), candidateNew.length);
  const create = [...allowedNew, ...candidateNew.slice(0, budget)];
  if (remove.length || create.length) await syncNodes(dc, state, remove, create);
}
