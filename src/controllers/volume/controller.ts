/**
 * The PersistentVolume controller (kube-controller-manager's `persistentvolume-binder`):
 * binds claims to volumes and keeps both sides' phases and annotations as upstream
 * writes them. Two work queues, as upstream's: claims by `namespace/name` (claims.ts)
 * and volumes by name (volumes.ts); a change on either side requeues the other where it
 * matters. Provisioning is asked of the class's provisioner through the claim's
 * annotations; the local-path provisioner (provisioner.ts) is one such.
 */
import type { KObject } from '../../api/types.js';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../api/objects/index.js';
import { ANN_BIND_COMPLETED, claimClass, claimHasClass, isDefaultClass, podClaims, volumeClass } from '../../api/storage/volumes.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { resources } from '../../client/resources.js';
import type { IndexFunc, Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../runtime/context.js';
import { syncClaim } from './claims.js';
import { FreshView } from './fresh.js';
import { syncVolume } from './volumes.js';
import { VolumeWrites } from './writes.js';

const COMPONENT = 'persistentvolume-controller';
const PODS_BY_CLAIM = 'volume/pods-by-claim';
const VOLUMES_BY_CLAIM = 'volume/volumes-by-claim';

export function startPersistentVolumeBinder(ctx: ControllerContext): Controller {
  const claimsInformer = ctx.informers.for<PersistentVolumeClaim>(resources.persistentvolumeclaims);
  const volumesInformer = ctx.informers.for<PersistentVolume>(resources.persistentvolumes);
  const classes = ctx.informers.for<StorageClass>(resources.storageclasses);
  const pods = ctx.informers.for<Pod>(resources.pods);
  indexOnce(pods, PODS_BY_CLAIM, (pod) => podClaims(pod).map((c) => `${pod.metadata.namespace}/${c.name}`));
  indexOnce(volumesInformer, VOLUMES_BY_CLAIM, (pv) => (pv.spec?.claimRef ? [`${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}`] : []));

  const claims = new FreshView(claimsInformer);
  const volumes = new FreshView(volumesInformer);
  const claimsApi = ctx.client.resource<PersistentVolumeClaim>(resources.persistentvolumeclaims);
  const volumesApi = ctx.client.resource<PersistentVolume>(resources.persistentvolumes);
  const events = ctx.events(COMPONENT);
  const writes = new VolumeWrites({ claimsApi, volumesApi, claims, volumes, events, clock: ctx.clock });
  const onError = (err: unknown) => ctx.onError(COMPONENT, err);
  // A conflict means another writer (or our other queue) moved first, a 404 that the object went (its delete event
  // follows): either way the retry starts from fresh state, quietly.
  const report = (_key: string, err: unknown) => { if (!isConflict(err) && !isNotFound(err)) onError(err); };

  const claimQueue: WorkQueue = new WorkQueue({
    workers: 2, clock: ctx.clock, onError: report,
    reconcile: (key) => syncClaim({ claims, volumes, classes, writes, events, podsUsing: (k) => pods.byIndex(PODS_BY_CLAIM, k) }, key),
  });
  const volumeQueue: WorkQueue = new WorkQueue({
    workers: 2, clock: ctx.clock, onError: report,
    reconcile: (name) => syncVolume({ claims, volumes, claimsApi, writes, events, enqueueClaim: (k) => claimQueue.add(k) }, name),
  });
  const claimKey = (pvc: PersistentVolumeClaim) => `${pvc.metadata.namespace}/${pvc.metadata.name}`;

  const synced = Promise.all([claimsInformer, volumesInformer, classes, pods].map((i) => i.waitForSync())).then(() => {
    // Once every cache is filled, a missing claim or volume really is missing.
    claimsInformer.addHandler({
      add: (pvc) => claimQueue.add(claimKey(pvc)),
      update: (_old, pvc) => claimQueue.add(claimKey(pvc)),
      delete: (pvc) => {
        claims.forget(pvc);
        // Its volume is released now.
        if (pvc.spec?.volumeName) volumeQueue.add(pvc.spec.volumeName);
        for (const pv of volumesInformer.byIndex(VOLUMES_BY_CLAIM, claimKey(pvc))) volumeQueue.add(pv.metadata.name!);
      },
    });
    /**
     * A volume that is (or becomes) free is what unbound claims of its class wait for;
     * upstream finds that on its 15-second resync, Skiff at once.
     */
    const volumeChanged = (pv: PersistentVolume) => {
      volumeQueue.add(pv.metadata.name!);
      const ref = pv.spec?.claimRef;
      if (ref?.uid) return;
      if (ref) return claimQueue.add(`${ref.namespace}/${ref.name}`);
      if (pv.status?.phase !== 'Available') return;
      for (const pvc of claimsInformer.list()) {
        if (pvc.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined) continue;
        if (pvc.spec?.volumeName ? pvc.spec.volumeName === pv.metadata.name : claimClass(pvc) === volumeClass(pv)) claimQueue.add(claimKey(pvc));
      }
    };
    volumesInformer.addHandler({
      add: volumeChanged,
      update: (_old, pv) => volumeChanged(pv),
      delete: (pv) => {
        volumes.forget(pv);
        // Its claim has lost its volume.
        const ref = pv.spec?.claimRef;
        if (ref) claimQueue.add(`${ref.namespace}/${ref.name}`);
      },
    });
    // A class appearing (or changing) is what claims of it may have waited for.
    const classChanged = (sc: StorageClass) => {
      for (const pvc of claimsInformer.list()) {
        if (pvc.spec?.volumeName) continue;
        if (claimClass(pvc) === sc.metadata.name || (!claimHasClass(pvc) && isDefaultClass(sc))) claimQueue.add(claimKey(pvc));
      }
    };
    classes.addHandler({ add: classChanged, update: (_old, sc) => classChanged(sc) });
  });
  return {
    synced,
    stop: () => {
      claimQueue.stop();
      volumeQueue.stop();
    },
  };
}

/** Shared informers outlive a controller that is stopped and started again (leader election): its indexes stay. */
export function indexOnce<T extends KObject>(informer: Informer<T>, name: string, fn: IndexFunc<T>): void {
  try {
    informer.byIndex(name, '');
  } catch {
    informer.addIndex(name, fn);
  }
}
