/**
 * persistentVolumeClaim volumes: the claim, the PersistentVolume bound to it, and that
 * volume's directory on this node (`spec.hostPath.path`, checked and made as a hostPath
 * volume is, or `spec.local.path`, which must exist). The checks and their words are the
 * kubelet's desired-state populator's (getPVCExtractPV, getPVSpec); any of them failing
 * keeps the pod's containers waiting.
 */
import type { PersistentVolumeClaim } from '../../../api/objects/index.js';
import type { KObject } from '../../../api/types.js';
import { setUpHostPath } from './host-path.js';

type Obj = Record<string, unknown>;

export interface ClaimSources {
  /** undefined when not found; other failures throw. */
  pvc(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  pv(name: string): Promise<KObject | undefined>;
}

/** A claim that cannot be used (yet): the pod waits; `message` is upstream's. */
export class ClaimError extends Error {}

export interface ClaimedVolume {
  path: string;
  /** The PV's mount is read-only (the claim's source says readOnly). */
  readOnly: boolean;
}

export async function resolveClaim(sources: ClaimSources, namespace: string, source: Obj): Promise<ClaimedVolume> {
  const claimName = String(source.claimName ?? '');
  const fail = (why: string) => new ClaimError(`error processing PVC ${namespace}/${claimName}: ${why}`);
  let pvc: PersistentVolumeClaim | undefined;
  try {
    pvc = await sources.pvc(namespace, claimName);
  } catch (err) {
    throw fail(`failed to fetch PVC from API server: ${(err as Error).message}`);
  }
  if (!pvc) throw fail(`failed to fetch PVC from API server: persistentvolumeclaims "${claimName}" not found`);
  if (pvc.metadata.deletionTimestamp) throw fail('PVC is being deleted');
  if (pvc.status?.phase !== 'Bound') throw fail('PVC is not bound');
  const pvName = pvc.spec?.volumeName;
  if (!pvName) throw fail('PVC has empty pvc.Spec.VolumeName');
  let pv: KObject | undefined;
  try {
    pv = await sources.pv(pvName);
  } catch (err) {
    throw fail(`failed to fetch PV ${pvName} from API server: ${(err as Error).message}`);
  }
  if (!pv) throw fail(`failed to fetch PV ${pvName} from API server: persistentvolumes "${pvName}" not found`);
  const spec = (pv.spec ?? {}) as Obj;
  const claimRef = spec.claimRef as Obj | undefined;
  if (!claimRef) throw fail(`found PV object ${pvName} but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim`);
  if (claimRef.uid !== pvc.metadata.uid) throw fail(`found PV object ${pvName} but its pv.Spec.ClaimRef.UID (${String(claimRef.uid ?? '')}) does not point to claim.UID (${pvc.metadata.uid ?? ''})`);
  const readOnly = source.readOnly === true;
  const hostPath = spec.hostPath as Obj | undefined;
  if (hostPath) return { path: setUpHostPath({ path: String(hostPath.path ?? ''), type: typeof hostPath.type === 'string' ? hostPath.type : undefined }), readOnly };
  const local = spec.local as Obj | undefined;
  if (local) return { path: setUpHostPath({ path: String(local.path ?? ''), type: 'Directory' }), readOnly };
  throw new Error(`PersistentVolume ${pvName} is neither hostPath nor local: this node mounts only those`);
}
