/**
 * One volume's sync (upstream's syncVolume): Available while unclaimed (or only
 * pre-bound by name), Bound while its claim points back at it, Released once its claim
 * is gone — then its reclaim policy runs: Retain keeps it, Delete leaves it to the
 * provisioner that made it (for local-path volumes, the agent of their node), Recycle is
 * not supported. A volume we bound to a claim that went elsewhere is unbound again.
 */
import type { PersistentVolume, PersistentVolumeClaim } from '../../api/objects/index.js';
import { ANN_DYNAMICALLY_PROVISIONED, volumeModeMismatch } from '../../api/storage/volumes.js';
import { isNotFound } from '../../client/errors.js';
import type { ResourceClient } from '../../client/client.js';
import type { EventRecorder } from '../runtime/events.js';
import type { FreshView } from './fresh.js';
import { claimForEvent, volumeForEvent, type VolumeWrites } from './writes.js';

export interface VolumeSyncDeps {
  claims: FreshView<PersistentVolumeClaim>;
  volumes: FreshView<PersistentVolume>;
  claimsApi: ResourceClient<PersistentVolumeClaim>;
  writes: VolumeWrites;
  events: EventRecorder;
  enqueueClaim(key: string): void;
}

export async function syncVolume(d: VolumeSyncDeps, name: string): Promise<void> {
  const pv = d.volumes.get(name);
  if (!pv) return;
  const ref = pv.spec?.claimRef;
  // Unused, or reserved by name for a claim whose sync will bind it.
  if (!ref || !ref.uid) {
    await d.writes.updateVolumePhase(pv, 'Available');
    return;
  }
  let pvc = await findClaim(d, pv);
  // The claim it pointed at was deleted and another made with the same name.
  if (pvc && pvc.metadata.uid !== ref.uid) pvc = undefined;
  if (!pvc) {
    const released = pv.status?.phase === 'Released' || pv.status?.phase === 'Failed'
      ? pv
      : await d.writes.updateVolumePhase(pv, 'Released');
    await reclaim(d, released);
    return;
  }
  const claimKey = `${pvc.metadata.namespace}/${pvc.metadata.name}`;
  if (!pvc.spec?.volumeName) {
    if (volumeModeMismatch(pvc, pv)) {
      d.events.event(volumeForEvent(pv), 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${pvc.metadata.name}" due to incompatible volumeMode.`);
      d.events.event(claimForEvent(pvc), 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume "${pv.metadata.name}" to requested PersistentVolumeClaim due to incompatible volumeMode.`);
      return;
    }
    // Bound (or provisioned) for a claim that does not know yet: its sync finishes the binding.
    d.enqueueClaim(claimKey);
    return;
  }
  if (pvc.spec.volumeName === pv.metadata.name) {
    await d.writes.updateVolumePhase(pv, 'Bound');
    return;
  }
  // The claim is bound to another volume.
  if (pv.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] !== undefined && pv.spec?.persistentVolumeReclaimPolicy === 'Delete') {
    // Provisioned for this claim, which meanwhile got another volume: not needed any more.
    const released = pv.status?.phase === 'Released' || pv.status?.phase === 'Failed' ? pv : await d.writes.updateVolumePhase(pv, 'Released');
    await reclaim(d, released);
    return;
  }
  // Ours: a binding that lost the race — undo it. The user's pre-binding: keep the name, drop the uid.
  await d.writes.unbindVolume(pv);
}

/**
 * The claim the volume points at: the cache, then the API server — a claim created a
 * moment ago (a provisioned volume can arrive first) must not get its volume released.
 */
async function findClaim(d: VolumeSyncDeps, pv: PersistentVolume): Promise<PersistentVolumeClaim | undefined> {
  const ref = pv.spec!.claimRef!;
  const cached = d.claims.get(ref.name ?? '', ref.namespace);
  if (cached || pv.status?.phase === 'Released' || pv.status?.phase === 'Failed') return cached;
  try {
    return await d.claimsApi.get(ref.name ?? '', ref.namespace);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The reclaim policy of a released volume (upstream's reclaimVolume). */
async function reclaim(d: VolumeSyncDeps, pv: PersistentVolume): Promise<void> {
  switch (pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain') {
    case 'Retain':
      return;
    case 'Recycle':
      await d.writes.updateVolumePhaseWithEvent(pv, 'Failed', 'Warning', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
      return;
    case 'Delete': {
      if (pv.metadata.deletionTimestamp) return;
      const provisioner = pv.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED];
      // Made by an external provisioner: it deletes the storage and then the volume.
      if (provisioner && !provisioner.startsWith('kubernetes.io/')) return;
      // Skiff has no in-tree deleters (upstream's hostPath deleter only ever cleaned /tmp).
      await d.writes.updateVolumePhaseWithEvent(pv, 'Failed', 'Warning', 'VolumeFailedDelete', `error getting deleter volume plugin for volume "${pv.metadata.name}": no deletable volume plugin matched`);
      return;
    }
    default:
      await d.writes.updateVolumePhaseWithEvent(pv, 'Failed', 'Warning', 'VolumeUnknownReclaimPolicy', 'Volume has unrecognized PersistentVolumeReclaimPolicy');
  }
}
