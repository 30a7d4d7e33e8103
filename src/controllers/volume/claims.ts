/**
 * One claim's sync (upstream's syncClaim): an unbound claim is bound to the best
 * matching volume, to the volume it names, or handed to its class's provisioner — or,
 * for a WaitForFirstConsumer class, left until the scheduler picks a node; a bound claim
 * is kept bound, or marked Lost when its volume is gone or belongs to another claim.
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../api/objects/index.js';
import {
  ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, claimClass, claimHasClass, defaultStorageClass, findMatchingVolume, isDelayBinding, isVolumeBoundToClaim,
  volumeUnsuitability,
} from '../../api/storage/volumes.js';
import type { Informer } from '../../client/informer.js';
import type { EventRecorder } from '../runtime/events.js';
import type { FreshView } from './fresh.js';
import { claimForEvent, type VolumeWrites } from './writes.js';

export interface ClaimSyncDeps {
  claims: FreshView<PersistentVolumeClaim>;
  volumes: FreshView<PersistentVolume>;
  classes: Informer<StorageClass>;
  /** Pods using a claim, by `namespace/claim`. */
  podsUsing(key: string): Pod[];
  writes: VolumeWrites;
  events: EventRecorder;
}

export async function syncClaim(d: ClaimSyncDeps, key: string): Promise<void> {
  const [namespace, name] = key.split('/') as [string, string];
  const pvc = d.claims.get(name, namespace);
  if (!pvc) return;
  if (pvc.metadata.annotations?.[ANN_BIND_COMPLETED] === undefined) await syncUnboundClaim(d, pvc);
  else await syncBoundClaim(d, pvc);
}

async function syncUnboundClaim(d: ClaimSyncDeps, pvc: PersistentVolumeClaim): Promise<void> {
  const event = (type: 'Normal' | 'Warning', reason: string, message: string) => d.events.event(claimForEvent(pvc), type, reason, message);
  const wanted = pvc.spec?.volumeName;
  if (!wanted) {
    // Retroactive default class: a claim made while no class was the default gets the one there is now.
    const fallback = claimHasClass(pvc) ? undefined : defaultStorageClass(d.classes.list());
    if (fallback) {
      await d.writes.setClaimClass(pvc, fallback.metadata.name!);
      return;
    }
    const delayBinding = isDelayBinding(pvc, (n) => d.classes.get(n));
    const volume = findMatchingVolume(pvc, d.volumes.list(), { delayBinding });
    if (volume) return d.writes.bind(volume, pvc);
    const provisioningOnNode = pvc.metadata.annotations?.[ANN_SELECTED_NODE] !== undefined;
    if (delayBinding && !provisioningOnNode) {
      waitingForConsumer(d, pvc, event);
    } else if (claimClass(pvc)) {
      await provisionClaim(d, pvc, event);
      return;
    } else {
      event('Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
    }
    await d.writes.updateClaimStatus(pvc, 'Pending');
    return;
  }
  // The user asked for a particular volume.
  const volume = d.volumes.get(wanted);
  if (!volume) {
    // It may yet be created; the volume's add event brings the claim back.
    await d.writes.updateClaimStatus(pvc, 'Pending');
    return;
  }
  if (!volume.spec?.claimRef) {
    const why = volumeUnsuitability(volume, pvc);
    if (why) {
      event('Warning', 'VolumeMismatch', `Cannot bind to requested volume "${wanted}": ${why}`);
      await d.writes.updateClaimStatus(pvc, 'Pending');
      return;
    }
    return d.writes.bind(volume, pvc);
  }
  if (isVolumeBoundToClaim(volume, pvc)) return d.writes.bind(volume, pvc);
  event('Warning', 'FailedBinding', `volume "${wanted}" already bound to a different claim.`);
  if (pvc.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] !== undefined) {
    // Only if someone removed bind-completed from a claim we bound: upstream's "should never happen".
    throw new Error(`Invalid binding of claim "${pvc.metadata.namespace}/${pvc.metadata.name}" to volume "${wanted}": volume already claimed by "${volume.spec.claimRef.namespace}/${volume.spec.claimRef.name}"`);
  }
  await d.writes.updateClaimStatus(pvc, 'Pending');
}

/** Upstream's emitEventForUnboundDelayBindingClaim: say whether a consumer exists and waits to be scheduled. */
function waitingForConsumer(d: ClaimSyncDeps, pvc: PersistentVolumeClaim, event: (type: 'Normal', reason: string, message: string) => void): void {
  const waiting = d.podsUsing(`${pvc.metadata.namespace}/${pvc.metadata.name}`)
    .filter((p) => !p.spec.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .map((p) => p.metadata.name!);
  if (!waiting.length) event('Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
  else if (waiting.length === 1) event('Normal', 'WaitForPodScheduled', `waiting for pod ${waiting[0]} to be scheduled`);
  else event('Normal', 'WaitForPodScheduled', `waiting for pods ${waiting.join(',')} to be scheduled`);
}

/**
 * Every provisioner is external to this controller (the local-path one runs beside it):
 * the claim is annotated with the class's provisioner, which watches for it.
 */
async function provisionClaim(d: ClaimSyncDeps, pvc: PersistentVolumeClaim, event: (type: 'Normal' | 'Warning', reason: string, message: string) => void): Promise<void> {
  const className = claimClass(pvc);
  const sc = d.classes.get(className);
  if (!sc) {
    // The class's add event brings the claim back.
    event('Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
    return;
  }
  const annotated = await d.writes.setClaimProvisioner(pvc, sc.provisioner);
  d.events.event(claimForEvent(annotated), 'Normal', 'ExternalProvisioning',
    `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
}

async function syncBoundClaim(d: ClaimSyncDeps, pvc: PersistentVolumeClaim): Promise<void> {
  const name = pvc.spec?.volumeName;
  if (!name) {
    await d.writes.updateClaimStatusWithEvent(pvc, 'Lost', 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
    return;
  }
  const volume = d.volumes.get(name);
  if (!volume) {
    await d.writes.updateClaimStatusWithEvent(pvc, 'Lost', 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    return;
  }
  const ref = volume.spec?.claimRef;
  // Unbound volume (or one whose update we have not seen): bind it again. Same uid: all is well, finish anything left.
  if (!ref || ref.uid === pvc.metadata.uid) return d.writes.bind(volume, pvc);
  await d.writes.updateClaimStatusWithEvent(pvc, 'Lost', 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
}
