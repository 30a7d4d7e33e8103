/**
 * The built-in local-path provisioner (k3s's rancher/local-path-provisioner, driven as
 * sig-storage-lib-external-provisioner drives it): a claim the PV controller handed to
 * `rancher.io/local-path`, once the scheduler has chosen its node, gets a PV
 * `pvc-<claim uid>` that is a directory on that node — `<node's local-path root>/
 * pvc-<uid>_<namespace>_<claim>`, hostPath DirectoryOrCreate (the agent makes it when a
 * pod mounts it), pinned to the node by node affinity, as large as the claim asks, and
 * already pointing at the claim, which the PV controller then binds.
 *
 * Deleting is the other half, done where the directory is: the node's agent removes a
 * released volume's directory and then its PV (src/node/agent/local-path.ts).
 */
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../api/objects/index.js';
import {
  ANN_LOCAL_PATH_NODE, ANN_LOCAL_PATH_ROOT, LOCAL_PATH_PROVISIONER, localPathDirectory,
} from '../../api/storage/local-path.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimClass, hostnameAffinity,
} from '../../api/storage/volumes.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/errors.js';
import { resources } from '../../client/resources.js';
import { WorkQueue, type ReconcileResult } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../runtime/context.js';
import { claimForEvent } from './writes.js';

/** What Rancher's provisioner supports: one node's directory, mounted read-write by one node (or pod). */
const ACCESS_MODES = new Set(['ReadWriteOnce', 'ReadWriteOncePod']);
/** A claim that could not be provisioned for a reason that may pass (the node's root not yet known) is retried after this. */
const RETRY_MS = 10_000;

/** A failure that the chosen node caused: the scheduler is asked to choose again. */
class NodeProblem extends Error {}

export function startLocalPathProvisioner(ctx: ControllerContext): Controller {
  const claims = ctx.informers.for<PersistentVolumeClaim>(resources.persistentvolumeclaims);
  const volumes = ctx.informers.for<PersistentVolume>(resources.persistentvolumes);
  const classes = ctx.informers.for<StorageClass>(resources.storageclasses);
  const nodes = ctx.informers.for<Node>(resources.nodes);
  const claimsApi = ctx.client.resource<PersistentVolumeClaim>(resources.persistentvolumeclaims);
  const volumesApi = ctx.client.resource<PersistentVolume>(resources.persistentvolumes);
  // Events say who provisioned, as the external provisioner's identity does upstream.
  const events = ctx.events(LOCAL_PATH_PROVISIONER);

  /** Whether this claim is ours to provision now (the library's shouldProvision). */
  const wanted = (pvc: PersistentVolumeClaim): StorageClass | undefined => {
    if (pvc.spec?.volumeName || pvc.metadata.deletionTimestamp) return undefined;
    const ann = pvc.metadata.annotations ?? {};
    if ((ann[ANN_STORAGE_PROVISIONER] ?? ann[ANN_BETA_STORAGE_PROVISIONER]) !== LOCAL_PATH_PROVISIONER) return undefined;
    const sc = classes.get(claimClass(pvc));
    if (sc?.provisioner !== LOCAL_PATH_PROVISIONER) return undefined;
    // WaitForFirstConsumer: not before the scheduler has said where.
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !ann[ANN_SELECTED_NODE]) return undefined;
    return sc;
  };

  /** Volumes created that the cache has yet to show: a claim update meanwhile must not provision twice. */
  const made = new Set<string>();

  const reconcile = async (key: string): Promise<ReconcileResult> => {
    const [namespace, name] = key.split('/') as [string, string];
    const pvc = claims.get(name, namespace);
    const sc = pvc && wanted(pvc);
    if (!pvc || !sc) return;
    const pvName = `pvc-${pvc.metadata.uid}`;
    if (volumes.get(pvName)) {
      made.delete(pvName);
      return;
    }
    if (made.has(pvName)) return;
    const event = (type: 'Normal' | 'Warning', reason: string, message: string) => events.event(claimForEvent(pvc), type, reason, message);
    event('Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${namespace}/${name}"`);
    let pv: PersistentVolume;
    try {
      pv = volumeFor(pvc, sc, pvName);
    } catch (err) {
      event('Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata.name}": ${(err as Error).message}`);
      if (err instanceof NodeProblem) return rescheduleProvisioning(pvc);
      return { requeueAfterMs: RETRY_MS };
    }
    try {
      await volumesApi.create(pv, { fieldManager: LOCAL_PATH_PROVISIONER });
    } catch (err) {
      // Made by an earlier attempt whose answer was lost: the same volume.
      if (!isAlreadyExists(err)) throw err;
    }
    made.add(pvName);
    event('Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
    return undefined;
  };

  /** The PV for a claim on its selected node, or why there can be none. */
  const volumeFor = (pvc: PersistentVolumeClaim, sc: StorageClass, pvName: string): PersistentVolume => {
    if (pvc.spec?.selector) throw new Error('claim Selector is not supported');
    if ((pvc.spec?.volumeMode ?? 'Filesystem') !== 'Filesystem') throw new Error(`volumeMode ${pvc.spec?.volumeMode} is not supported: local-path volumes are directories`);
    const unsupported = (pvc.spec?.accessModes ?? []).filter((m) => !ACCESS_MODES.has(m));
    if (unsupported.length) throw new Error(`access mode ${unsupported.join(', ')} is not supported: local-path volumes support ReadWriteOnce and ReadWriteOncePod`);
    const nodeName = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
    if (!nodeName) throw new Error('configuration error, no node was specified');
    const node = nodes.get(nodeName);
    if (!node) throw new NodeProblem(`failed to get target node: nodes "${nodeName}" not found`);
    const root = node.metadata.annotations?.[ANN_LOCAL_PATH_ROOT];
    if (!root) throw new NodeProblem(`node "${nodeName}" has no local-path storage (annotation ${ANN_LOCAL_PATH_ROOT}): only nodes run by a Skiff agent have one`);
    const storage = pvc.spec?.resources?.requests?.storage;
    if (storage === undefined) throw new Error('claim requests no storage');
    return {
      apiVersion: 'v1', kind: 'PersistentVolume',
      metadata: { name: pvName, annotations: { [ANN_DYNAMICALLY_PROVISIONED]: LOCAL_PATH_PROVISIONER, [ANN_LOCAL_PATH_NODE]: nodeName } },
      spec: {
        capacity: { storage },
        accessModes: pvc.spec?.accessModes ?? ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: sc.metadata.name,
        volumeMode: 'Filesystem',
        ...(sc.mountOptions?.length ? { mountOptions: sc.mountOptions } : {}),
        claimRef: {
          kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: pvc.metadata.namespace, name: pvc.metadata.name,
          uid: pvc.metadata.uid, resourceVersion: pvc.metadata.resourceVersion,
        },
        hostPath: { path: localPathDirectory(root, pvName, pvc.metadata.namespace ?? '', pvc.metadata.name ?? ''), type: 'DirectoryOrCreate' },
        nodeAffinity: hostnameAffinity(node.metadata.labels?.['kubernetes.io/hostname'] ?? nodeName),
      },
    };
  };

  /**
   * The library's rescheduleProvisioning: without the selected-node annotation the
   * scheduler (waiting for this claim in its PreBind) gives up on that node and tries again.
   */
  const rescheduleProvisioning = async (pvc: PersistentVolumeClaim): Promise<void> => {
    const annotations = { ...pvc.metadata.annotations };
    delete annotations[ANN_SELECTED_NODE];
    try {
      await claimsApi.update({ ...pvc, metadata: { ...pvc.metadata, annotations } }, { fieldManager: LOCAL_PATH_PROVISIONER });
    } catch (err) {
      // Changed or gone meanwhile: its next event brings it back if it still needs us.
      if (!isConflict(err) && !isNotFound(err)) throw err;
    }
  };

  const queue = new WorkQueue({ reconcile, workers: 2, clock: ctx.clock, onError: (_key, err) => ctx.onError(LOCAL_PATH_PROVISIONER, err) });
  const keyOf = (pvc: PersistentVolumeClaim) => `${pvc.metadata.namespace}/${pvc.metadata.name}`;
  const synced = Promise.all([claims, volumes, classes, nodes].map((i) => i.waitForSync())).then(() => {
    claims.addHandler({ add: (pvc) => queue.add(keyOf(pvc)), update: (_old, pvc) => queue.add(keyOf(pvc)) });
    volumes.addHandler({ add: (pv) => made.delete(pv.metadata.name!) });
    // A node whose root appears may be what a claim waited for.
    nodes.addHandler({
      update: (old, node) => {
        if (old.metadata.annotations?.[ANN_LOCAL_PATH_ROOT] === node.metadata.annotations?.[ANN_LOCAL_PATH_ROOT]) return;
        for (const pvc of claims.list()) if (pvc.metadata.annotations?.[ANN_SELECTED_NODE] === node.metadata.name) queue.add(keyOf(pvc));
      },
    });
  });
  return { synced, stop: () => queue.stop() };
}
