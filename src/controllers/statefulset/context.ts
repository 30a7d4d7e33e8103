/** What the StatefulSet controller's parts share: clients, caches, events, pending writes. */
import type { PersistentVolumeClaim, Pod } from '../../api/objects/index.js';
import type { ResourceClient } from '../../client/client.js';
import type { Clock } from '../../client/clock.js';
import type { Informer } from '../../client/informer.js';
import type { RevisionHistory } from '../history/index.js';
import type { EventRecorder } from '../runtime/events.js';
import type { PendingWrites } from '../runtime/pending-writes.js';

export const COMPONENT = 'statefulset-controller';

export interface SetContext {
  pods: ResourceClient<Pod>;
  claims: ResourceClient<PersistentVolumeClaim>;
  podCache: Informer<Pod>;
  claimCache: Informer<PersistentVolumeClaim>;
  history: RevisionHistory;
  events: EventRecorder;
  pending: PendingWrites<Pod>;
  clock: Clock;
  fieldManager: string;
}
