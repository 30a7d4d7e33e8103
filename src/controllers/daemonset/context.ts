/** What the DaemonSet controller's parts share: clients, caches, events, pending writes. */
import type { DaemonSet, Node, Pod } from '../../api/objects/index.js';
import type { ResourceClient } from '../../client/client.js';
import type { Clock } from '../../client/clock.js';
import type { Informer } from '../../client/informer.js';
import type { RevisionHistory } from '../history/index.js';
import type { EventRecorder } from '../runtime/events.js';
import type { PendingWrites } from '../runtime/pending-writes.js';
import type { FailedPodBackoff } from './backoff.js';

export const COMPONENT = 'daemonset-controller';

export interface DaemonContext {
  daemonSets: ResourceClient<DaemonSet>;
  pods: ResourceClient<Pod>;
  podCache: Informer<Pod>;
  nodeCache: Informer<Node>;
  history: RevisionHistory;
  events: EventRecorder;
  pending: PendingWrites<Pod>;
  backoff: FailedPodBackoff;
  clock: Clock;
  fieldManager: string;
}

/** What one sync works from: the set, its claimed pods grouped by target node, the nodes, the revision hash. */
export interface SyncState {
  ds: DaemonSet;
  key: string;
  nodes: Node[];
  /** Live pods (terminal pods already being deleted left out) by the node they are for. */
  podsByNode: Map<string, Pod[]>;
  hash: string;
  /** Sync again after this long (back-off, availability); the smallest asked for wins. */
  requeueAfterMs?: number;
}

export function requeueAfter(state: SyncState, ms: number): void {
  if (ms > 0) state.requeueAfterMs = Math.min(state.requeueAfterMs ?? Infinity, ms);
}
