/**
 * Released local-path volumes of some nodes, reclaimed (what Rancher's provisioner does
 * when a claim goes): for each volume made by `rancher.io/local-path` on a node this
 * process runs, Released with reclaim policy Delete, `release` removes what it holds on
 * the node and then the PersistentVolume is deleted. Shared by the agent (which removes
 * the directory) and simulated nodes (which hold nothing on disk), as lease.ts is.
 */
import type { PersistentVolume } from '../api/objects/index.js';
import { ANN_LOCAL_PATH_NODE, LOCAL_PATH_PROVISIONER } from '../api/storage/local-path.js';
import { ANN_DYNAMICALLY_PROVISIONED } from '../api/storage/volumes.js';
import type { Client } from '../client/client.js';
import { realClock, type Clock } from '../client/clock.js';
import { isConflict, isNotFound } from '../client/errors.js';
import { Informer } from '../client/informer.js';
import { resources } from '../client/resources.js';
import { WorkQueue } from '../client/workqueue.js';

export interface ReclaimOptions {
  client: Client;
  /** Whether the volumes of this node are ours to reclaim. */
  ownsNode(node: string): boolean;
  /** Frees the volume's storage; false to leave the volume for now (a later requeue retries). */
  release(pv: PersistentVolume): Promise<boolean>;
  clock?: Clock;
  onError(err: unknown): void;
}

export interface LocalPathReclaim {
  volumes: Informer<PersistentVolume>;
  /** Looks at the volume again (e.g. once a pod that used it is gone). */
  requeue(name: string): void;
  stop(): void;
}

export function reclaimLocalPathVolumes(o: ReclaimOptions): LocalPathReclaim {
  const volumesApi = o.client.resource<PersistentVolume>(resources.persistentvolumes);
  const volumes = new Informer<PersistentVolume>(volumesApi, { onError: o.onError });
  const ours = (pv: PersistentVolume) => {
    if (pv.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] !== LOCAL_PATH_PROVISIONER) return false;
    const node = localPathNodeOf(pv);
    return node !== undefined && o.ownsNode(node);
  };

  const reconcile = async (name: string): Promise<void> => {
    const pv = volumes.get(name);
    if (!pv || !ours(pv) || pv.metadata.deletionTimestamp) return;
    if (pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    if (!(await o.release(pv))) return;
    try {
      await volumesApi.delete(name, undefined, { preconditions: { uid: pv.metadata.uid } });
    } catch (err) {
      // Gone already, or a new volume of the same name: nothing of ours left to delete.
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  };

  const queue = new WorkQueue({ reconcile, clock: o.clock ?? realClock, onError: (_key, err) => o.onError(err) });
  const changed = (pv: PersistentVolume) => { if (ours(pv)) queue.add(pv.metadata.name!); };
  volumes.addHandler({ add: changed, update: (_old, pv) => changed(pv) });
  volumes.start();
  return {
    volumes,
    requeue: (name) => queue.add(name),
    stop() {
      volumes.stop();
      queue.stop();
    },
  };
}

/** The node a local-path volume was made on: its annotation, else its hostname node affinity. */
export function localPathNodeOf(pv: PersistentVolume): string | undefined {
  const annotated = pv.metadata.annotations?.[ANN_LOCAL_PATH_NODE];
  if (annotated) return annotated;
  for (const term of pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
    for (const e of term.matchExpressions ?? []) if (e.key === 'kubernetes.io/hostname' && e.operator === 'In' && e.values?.length === 1) return e.values[0];
  }
  return undefined;
}
