/**
 * A DaemonSet's status (updateDaemonSetStatus/storeDaemonSetStatus): per eligible node,
 * whether it has a pod, whether the oldest one is ready, available, at the current
 * revision; pods on nodes that should not run one are misscheduled. Written only when a
 * number changed or the generation was not yet observed.
 */
import type { DaemonSetStatus } from '../../api/objects/index.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { isPodAvailable, isPodReady, podCondition } from '../runtime/pods.js';
import { requeueAfter, type DaemonContext, type SyncState } from './context.js';
import { nodeShouldRunDaemonPod } from './eligibility.js';
import { byAge, isPodUpdated } from './pods.js';

const COUNTS = ['desiredNumberScheduled', 'currentNumberScheduled', 'numberMisscheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'] as const;
/** `omitempty` upstream: left out when zero. */
const OMIT_EMPTY = new Set<string>(['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'observedGeneration']);

export function computeStatus(dc: DaemonContext, state: SyncState): Record<(typeof COUNTS)[number], number> {
  const { ds } = state;
  const now = dc.clock.now();
  const s = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  for (const node of state.nodes) {
    const pods = state.podsByNode.get(node.metadata.name!) ?? [];
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (pods.length) s.numberMisscheduled++;
      continue;
    }
    s.desiredNumberScheduled++;
    if (!pods.length) continue;
    s.currentNumberScheduled++;
    const pod = [...pods].sort(byAge)[0]!;
    if (isPodReady(pod)) {
      s.numberReady++;
      if (isPodAvailable(pod, ds.spec.minReadySeconds ?? 0, now)) s.numberAvailable++;
    }
    if (isPodUpdated(ds, pod, state.hash)) s.updatedNumberScheduled++;
  }
  s.numberUnavailable = s.desiredNumberScheduled - s.numberAvailable;
  return s;
}

/**
 * With minReadySeconds a ready pod becomes available by the clock alone, which no watch
 * event announces (status and surge replacements depend on it): sync again then.
 */
export function recheckAvailability(dc: DaemonContext, state: SyncState): void {
  const minReadyMs = (state.ds.spec.minReadySeconds ?? 0) * 1000;
  if (!minReadyMs) return;
  const now = dc.clock.now().getTime();
  for (const pods of state.podsByNode.values()) {
    for (const pod of pods) {
      if (!isPodReady(pod)) continue;
      const since = Date.parse(podCondition(pod, 'Ready')?.lastTransitionTime ?? '');
      requeueAfter(state, (Number.isFinite(since) ? since : now) + minReadyMs - now);
    }
  }
}

export async function writeStatus(dc: DaemonContext, state: SyncState, observe: boolean, collisionCount: number): Promise<void> {
  const { ds } = state;
  const counts = computeStatus(dc, state);
  const old: Partial<DaemonSetStatus> = ds.status ?? {};
  const generation = ds.metadata.generation ?? 0;
  const unchanged = COUNTS.every((f) => (old[f] ?? 0) === counts[f]) && (!observe || (old.observedGeneration ?? 0) >= generation) && (old.collisionCount ?? 0) === collisionCount;
  if (unchanged) return;
  const next: Record<string, unknown> = { ...old, ...counts };
  if (observe) next.observedGeneration = generation;
  if (collisionCount) next.collisionCount = collisionCount;
  for (const field of OMIT_EMPTY) if (!next[field]) delete next[field];
  try {
    await dc.daemonSets.updateStatus({ ...ds, status: next as unknown as DaemonSetStatus }, { fieldManager: dc.fieldManager });
  } catch (err) {
    // The set changed or went away meanwhile; its watch event brings another sync.
    if (isConflict(err) || isNotFound(err)) return;
    throw err;
  }
}
