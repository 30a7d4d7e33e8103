/**
 * Writing a StatefulSet's pods (StatefulPodControl): claims before the pod, the retention
 * policy's owner references once the pod has a uid, and an event per write worded as
 * upstream's ("create Pod web-0 in StatefulSet web successful").
 */
import type { Pod, StatefulSet } from '../../api/objects/index.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/errors.js';
import { objectKey } from '../../client/informer.js';
import { createClaims, claimsMatchRetention, updateClaimsForRetention } from './claims.js';
import type { SetContext } from './context.js';
import { identityMatches, withIdentity } from './identity.js';

function recordPodEvent(sc: SetContext, verb: 'create' | 'update' | 'delete', set: StatefulSet, pod: Pod, err?: unknown): void {
  const title = verb[0]!.toUpperCase() + verb.slice(1);
  if (err === undefined) sc.events.event(set, 'Normal', `Successful${title}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
  else sc.events.event(set, 'Warning', `Failed${title}`, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message ?? String(err)}`);
}

/**
 * Creates the pod after its claims. Resolves false when the pod already exists (the
 * cache is behind; its watch event brings the pod and another sync).
 */
export async function createPod(sc: SetContext, set: StatefulSet, pod: Pod): Promise<boolean> {
  try {
    await createClaims(sc, set, pod);
  } catch (err) {
    recordPodEvent(sc, 'create', set, pod, err);
    throw err;
  }
  let created: Pod;
  try {
    created = await sc.pods.create(pod, { fieldManager: sc.fieldManager });
  } catch (err) {
    if (isAlreadyExists(err)) return false;
    recordPodEvent(sc, 'create', set, pod, err);
    throw err;
  }
  sc.pending.created(objectKey(set), created);
  try {
    await updateClaimsForRetention(sc, set, created);
  } catch (err) {
    recordPodEvent(sc, 'update', set, created, err);
    throw err;
  }
  recordPodEvent(sc, 'create', set, created);
  return true;
}

export async function deletePod(sc: SetContext, set: StatefulSet, pod: Pod): Promise<void> {
  try {
    await sc.pods.delete(pod.metadata.name!, pod.metadata.namespace, { preconditions: { uid: pod.metadata.uid } });
  } catch (err) {
    if (isNotFound(err)) return;
    recordPodEvent(sc, 'delete', set, pod, err);
    throw err;
  }
  sc.pending.deleted(objectKey(set), pod);
  recordPodEvent(sc, 'delete', set, pod);
}

/**
 * Puts back what a member must have (UpdateStatefulPod): its identity labels, its claims
 * (created if missing), and claim owners as the retention policy says. A pod's volumes
 * cannot change once created, so only missing claims are made for them.
 */
export async function updatePod(sc: SetContext, set: StatefulSet, pod: Pod): Promise<void> {
  try {
    await createClaims(sc, set, pod);
    if (!claimsMatchRetention(sc, set, pod)) await updateClaimsForRetention(sc, set, pod);
    if (identityMatches(set, pod)) return;
    await sc.pods.update(withIdentity(pod), { fieldManager: sc.fieldManager });
  } catch (err) {
    // Changed meanwhile: the newer pod's watch event brings another sync.
    if (isConflict(err)) return;
    recordPodEvent(sc, 'update', set, pod, err);
    throw err;
  }
  recordPodEvent(sc, 'update', set, pod);
}
