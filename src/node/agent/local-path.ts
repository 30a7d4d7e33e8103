/**
 * The node's half of the local-path storage (what Rancher's provisioner does with a
 * helper pod on the node): the Node says where its volumes live (`skiff.dev/local-path-
 * root`, `<agent data dir>/storage`), and a local-path volume of this node that is
 * Released with reclaim policy Delete has its directory removed — only a directory
 * strictly inside that root, and only once no pod on this node still uses its claim —
 * and then its PersistentVolume deleted.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Node, PersistentVolume, Pod } from '../../api/objects/index.js';
import { ANN_LOCAL_PATH_ROOT, isInside, LOCAL_PATH_PROVISIONER } from '../../api/storage/local-path.js';
import { podClaims } from '../../api/storage/volumes.js';
import type { Client } from '../../client/client.js';
import type { Clock } from '../../client/clock.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { EventRecorder } from '../../controllers/runtime/events.js';
import { reclaimLocalPathVolumes } from '../local-path.js';

export interface LocalPathOptions {
  client: Client;
  nodeName: string;
  /** The agent's data directory; volumes live in `<dataDir>/storage`. */
  dataDir: string;
  /** This node's pods: a volume still used by one of them is not removed. */
  pods: Informer<Pod>;
  clock?: Clock;
  onError(err: unknown): void;
}

/** Where a node whose agent keeps its state in `dataDir` keeps local-path volumes. */
export function localPathRoot(dataDir: string): string {
  return join(dataDir, 'storage');
}

/** What the agent's Node carries from registration on, so the provisioner knows where this node's volumes go. */
export function localPathNodeAnnotations(dataDir: string): Record<string, string> {
  return { [ANN_LOCAL_PATH_ROOT]: localPathRoot(dataDir) };
}

export async function startLocalPathReclaimer(o: LocalPathOptions): Promise<{ stop(): void }> {
  const root = localPathRoot(o.dataDir);
  await ensureRootAnnotation(o.client, o.nodeName, root);
  const events = new EventRecorder({ client: o.client, component: LOCAL_PATH_PROVISIONER, host: o.nodeName, clock: o.clock, onError: o.onError });
  const claimInUse = (pv: PersistentVolume) => {
    const ref = pv.spec?.claimRef;
    if (!ref) return false;
    return o.pods.list(ref.namespace).some((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed'
      && podClaims(pod).some((c) => c.name === ref.name));
  };

  /** Removes the volume's directory; not while a pod here (being torn down, say) still uses its claim — its end requeues it. */
  const release = async (pv: PersistentVolume): Promise<boolean> => {
    if (claimInUse(pv)) return false;
    const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
    if (!path || !isInside(root, path)) {
      events.event(volumeForEvent(pv), 'Warning', 'VolumeFailedDelete', `refusing to remove ${path ?? 'a volume without a path'}: local-path volumes of node ${o.nodeName} live under ${root}`);
      return false;
    }
    try {
      await rm(path, { recursive: true, force: true });
    } catch (err) {
      events.event(volumeForEvent(pv), 'Warning', 'VolumeFailedDelete', `failed to remove ${path}: ${(err as Error).message}`);
      throw err;
    }
    return true;
  };

  const reclaim = reclaimLocalPathVolumes({ client: o.client, ownsNode: (n) => n === o.nodeName, release, clock: o.clock, onError: o.onError });
  const podGone = (pod: Pod) => {
    for (const c of podClaims(pod)) {
      for (const pv of reclaim.volumes.list()) {
        const ref = pv.spec?.claimRef;
        if (ref && ref.namespace === pod.metadata.namespace && ref.name === c.name) reclaim.requeue(pv.metadata.name!);
      }
    }
  };
  const podHandle = o.pods.addHandler({ delete: podGone, update: (_old, pod) => { if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') podGone(pod); } });
  return {
    stop() {
      podHandle.remove();
      reclaim.stop();
    },
  };
}

/** A Node registered before this agent kept volumes (or with another data dir) learns where they are now. */
async function ensureRootAnnotation(client: Client, nodeName: string, root: string): Promise<void> {
  const nodes = client.resource<Node>(resources.nodes);
  const node = await nodes.get(nodeName);
  if (node.metadata.annotations?.[ANN_LOCAL_PATH_ROOT] === root) return;
  await nodes.patch(nodeName, undefined, 'merge', { metadata: { annotations: { [ANN_LOCAL_PATH_ROOT]: root } } }, { fieldManager: 'kubelet' });
}

function volumeForEvent(pv: PersistentVolume): PersistentVolume {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: pv.metadata };
}
