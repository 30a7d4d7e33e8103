/**
 * The PV controller's API writes, each made only when something changes and each
 * remembered in the fresh views (upstream's bindVolumeToClaim, bindClaimToVolume,
 * updateClaimStatus, updateVolumePhase, unbindVolume, setClaimProvisioner, bind).
 * Writes are conditional on the resourceVersion read: a conflict means someone moved
 * first, and the queue retries from fresh state.
 */
import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumePhase } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_STORAGE_PROVISIONER, isVolumeBoundToClaim,
} from '../../api/storage/volumes.js';
import type { ResourceClient } from '../../client/client.js';
import type { Clock } from '../../client/clock.js';
import type { EventRecorder, EventType } from '../runtime/events.js';
import type { FreshView } from './fresh.js';

const FIELD_MANAGER = 'persistentvolume-binder';

export interface VolumeWritesOptions {
  claimsApi: ResourceClient<PersistentVolumeClaim>;
  volumesApi: ResourceClient<PersistentVolume>;
  claims: FreshView<PersistentVolumeClaim>;
  volumes: FreshView<PersistentVolume>;
  events: EventRecorder;
  clock: Clock;
}

export class VolumeWrites {
  constructor(private readonly o: VolumeWritesOptions) {}

  /** Binds both ways and marks both Bound; the volume first, so a half-done bind is finished by the next sync. */
  async bind(pv: PersistentVolume, pvc: PersistentVolumeClaim): Promise<void> {
    pv = await this.bindVolumeToClaim(pv, pvc);
    pv = await this.updateVolumePhase(pv, 'Bound');
    pvc = await this.bindClaimToVolume(pvc, pv);
    await this.updateClaimStatus(pvc, 'Bound', pv);
  }

  async bindVolumeToClaim(pv: PersistentVolume, pvc: PersistentVolumeClaim): Promise<PersistentVolume> {
    const next = structuredClone(pv);
    next.spec ??= {};
    let dirty = false;
    const ref = pv.spec?.claimRef;
    if (!ref || ref.name !== pvc.metadata.name || ref.namespace !== pvc.metadata.namespace || ref.uid !== pvc.metadata.uid) {
      next.spec.claimRef = {
        kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name,
        uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion,
      };
      dirty = true;
    }
    // A volume the user did not pre-bind to this claim is bound by us: it says so, so that unbinding knows.
    if (!isVolumeBoundToClaim(pv, pvc) && next.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] === undefined) {
      next.metadata.annotations = { ...next.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
      dirty = true;
    }
    if (!dirty) return pv;
    return this.o.volumes.remember(await this.o.volumesApi.update(next, { fieldManager: FIELD_MANAGER }));
  }

  async bindClaimToVolume(pvc: PersistentVolumeClaim, pv: PersistentVolume): Promise<PersistentVolumeClaim> {
    const next = structuredClone(pvc);
    next.spec ??= {};
    const annotations = { ...next.metadata.annotations };
    let dirty = false;
    if (pvc.spec?.volumeName !== pv.metadata.name) {
      next.spec.volumeName = pv.metadata.name;
      annotations[ANN_BOUND_BY_CONTROLLER] ??= 'yes';
      dirty = true;
    }
    if (annotations[ANN_BIND_COMPLETED] === undefined) {
      annotations[ANN_BIND_COMPLETED] = 'yes';
      dirty = true;
    }
    if (!dirty) return pvc;
    next.metadata.annotations = annotations;
    return this.o.claims.remember(await this.o.claimsApi.update(next, { fieldManager: FIELD_MANAGER }));
  }

  /** The claim's phase; Bound copies the volume's access modes, and its capacity when the claim becomes Bound. */
  async updateClaimStatus(pvc: PersistentVolumeClaim, phase: string, pv?: PersistentVolume): Promise<PersistentVolumeClaim> {
    const status = { ...pvc.status };
    let dirty = false;
    if (status.phase !== phase) {
      status.phase = phase;
      dirty = true;
    }
    if (!pv) {
      if (status.accessModes !== undefined) { delete status.accessModes; dirty = true; }
      if (status.capacity !== undefined) { delete status.capacity; dirty = true; }
    } else {
      if (JSON.stringify(status.accessModes) !== JSON.stringify(pv.spec?.accessModes)) {
        status.accessModes = pv.spec?.accessModes;
        dirty = true;
      }
      // Only on becoming Bound: a later difference may be deliberate (a filesystem smaller than its device).
      if (pvc.status?.phase !== phase && status.capacity?.storage !== pv.spec?.capacity?.storage) {
        status.capacity = pv.spec?.capacity;
        dirty = true;
      }
    }
    if (!dirty) return pvc;
    return this.o.claims.remember(await this.o.claimsApi.updateStatus({ ...pvc, status }, { fieldManager: FIELD_MANAGER }));
  }

  /** A phase change with its event, both only when the phase really changes. */
  async updateClaimStatusWithEvent(pvc: PersistentVolumeClaim, phase: string, type: EventType, reason: string, message: string): Promise<void> {
    if (pvc.status?.phase === phase) return;
    const updated = await this.updateClaimStatus(pvc, phase);
    this.o.events.event(claimForEvent(updated), type, reason, message);
  }

  async updateVolumePhase(pv: PersistentVolume, phase: PersistentVolumePhase, message?: string): Promise<PersistentVolume> {
    if (pv.status?.phase === phase) return pv;
    // The API server's strategy stamps lastPhaseTransitionTime upstream; Skiff's leaves it to the writer.
    const status = { ...pv.status, phase, lastPhaseTransitionTime: metaTime(this.o.clock.now()) };
    if (message) status.message = message;
    else delete status.message;
    return this.o.volumes.remember(await this.o.volumesApi.updateStatus({ ...pv, status }, { fieldManager: FIELD_MANAGER }));
  }

  async updateVolumePhaseWithEvent(pv: PersistentVolume, phase: PersistentVolumePhase, type: EventType, reason: string, message: string): Promise<void> {
    if (pv.status?.phase === phase) return;
    const updated = await this.updateVolumePhase(pv, phase, message);
    this.o.events.event(volumeForEvent(updated), type, reason, message);
  }

  /**
   * Undoes a binding whose claim went elsewhere: a volume we bound loses its claimRef; a
   * volume the user pre-bound keeps the name and loses only the uid. Then Available.
   */
  async unbindVolume(pv: PersistentVolume): Promise<void> {
    const next = structuredClone(pv);
    next.spec ??= {};
    if (pv.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] !== undefined) {
      delete next.spec.claimRef;
      const annotations = { ...next.metadata.annotations };
      delete annotations[ANN_BOUND_BY_CONTROLLER];
      next.metadata.annotations = annotations;
    } else if (next.spec.claimRef) {
      next.spec.claimRef = { ...next.spec.claimRef, uid: '' };
    }
    const updated = this.o.volumes.remember(await this.o.volumesApi.update(next, { fieldManager: FIELD_MANAGER }));
    await this.updateVolumePhase(updated, 'Available');
  }

  /** Names the class of a claim that has none (the claim's update event brings it back to be bound). */
  async setClaimClass(pvc: PersistentVolumeClaim, className: string): Promise<PersistentVolumeClaim> {
    const next = structuredClone(pvc);
    next.spec = { ...next.spec, storageClassName: className };
    return this.o.claims.remember(await this.o.claimsApi.update(next, { fieldManager: FIELD_MANAGER }));
  }

  /** Asks the class's provisioner for a volume: both spellings of the annotation it watches for. */
  async setClaimProvisioner(pvc: PersistentVolumeClaim, provisioner: string): Promise<PersistentVolumeClaim> {
    const annotations = pvc.metadata.annotations ?? {};
    if (annotations[ANN_STORAGE_PROVISIONER] === provisioner && annotations[ANN_BETA_STORAGE_PROVISIONER] === provisioner) return pvc;
    const next = structuredClone(pvc);
    next.metadata.annotations = { ...annotations, [ANN_STORAGE_PROVISIONER]: provisioner, [ANN_BETA_STORAGE_PROVISIONER]: provisioner };
    return this.o.claims.remember(await this.o.claimsApi.update(next, { fieldManager: FIELD_MANAGER }));
  }
}

/** What an event needs of a claim (informer objects may lack kind). */
export function claimForEvent(pvc: PersistentVolumeClaim): PersistentVolumeClaim {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: pvc.metadata };
}

export function volumeForEvent(pv: PersistentVolume): PersistentVolume {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: pv.metadata };
}
