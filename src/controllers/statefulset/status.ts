/**
 * Writing a StatefulSet's status (updateStatefulSetStatus): a finished rolling update
 * makes the update revision current; nothing is written when nothing changed; fields
 * upstream omits when empty are left out.
 */
import type { StatefulSet, StatefulSetStatus } from '../../api/objects/index.js';
import type { ResourceClient } from '../../client/client.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { replicasOf } from './identity.js';

/** completeRollingUpdate: every replica updated and ready. */
function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): void {
  const want = replicasOf(set);
  if (set.spec.updateStrategy?.type !== 'OnDelete' && status.updatedReplicas === want && status.readyReplicas === want && status.replicas === want) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}

const FIELDS = ['observedGeneration', 'replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'currentRevision', 'updateRevision', 'collisionCount'] as const;
/** Fields with `omitempty` upstream: absent rather than zero or empty. */
const OMIT_EMPTY = new Set(['observedGeneration', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'currentRevision', 'updateRevision']);

export async function writeStatus(sets: ResourceClient<StatefulSet>, set: StatefulSet, computed: StatefulSetStatus, fieldManager: string): Promise<void> {
  completeRollingUpdate(set, computed);
  const old = set.status ?? { replicas: 0 };
  const next: StatefulSetStatus = { ...old, replicas: computed.replicas };
  for (const field of FIELDS) {
    const value = computed[field];
    if (OMIT_EMPTY.has(field) && !value) delete next[field];
    else (next as unknown as Record<string, unknown>)[field] = value ?? 0;
  }
  if (FIELDS.every((f) => (old[f] ?? 0) === (next[f] ?? 0))) return;
  try {
    await sets.updateStatus({ ...set, status: next }, { fieldManager });
  } catch (err) {
    // A newer set (or none) is on its way through the watch, with another sync.
    if (isConflict(err) || isNotFound(err)) return;
    throw err;
  }
}
