/**
 * PersistentVolumes against PersistentVolumeClaims, as the API defines it (upstream's
 * component-helpers/storage/volume): the annotations binding speaks in, a claim's and a
 * volume's class, whether a volume satisfies a claim, the smallest matching volume, and a
 * volume's node affinity. Shared by the PV controller, the local-path provisioner and
 * the scheduler's VolumeBinding plugin.
 */
import { quantityNanos } from '../defaults/pod.js';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../objects/index.js';
import { matchesAnyTerm } from '../scheduling/matching.js';
import { labelSelectorFromObject } from '../../apiserver/selectors/labels.js';

/** On a claim: the controller finished binding it (claims without it are "unbound" to everyone). */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** On a claim or volume: the controller, not the user, set volumeName / claimRef. */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** On a claim: the node the scheduler chose, for WaitForFirstConsumer provisioning. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** On a claim: which provisioner is asked to provision it (and the beta spelling, still written). */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/** On a volume: the provisioner that made it (and so deletes it). */
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
/** The class as an annotation, which still wins over spec.storageClassName. */
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';

/** A claim's class: the beta annotation if present, else spec.storageClassName ('' for none). */
export function claimClass(pvc: PersistentVolumeClaim): string {
  const ann = pvc.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (ann !== undefined) return ann;
  return pvc.spec?.storageClassName ?? '';
}

export function volumeClass(pv: PersistentVolume): string {
  const ann = pv.metadata.annotations?.[ANN_BETA_STORAGE_CLASS];
  if (ann !== undefined) return ann;
  return pv.spec?.storageClassName ?? '';
}

export function isDefaultClass(sc: StorageClass): boolean {
  const ann = sc.metadata.annotations ?? {};
  return ann[ANN_DEFAULT_CLASS] === 'true' || ann[ANN_BETA_DEFAULT_CLASS] === 'true';
}

/** WaitForFirstConsumer (upstream's IsDelayBindingMode): a missing class binds immediately. */
export function isDelayBinding(pvc: PersistentVolumeClaim, classOf: (name: string) => StorageClass | undefined): boolean {
  const name = claimClass(pvc);
  if (!name) return false;
  return classOf(name)?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** Bound or being bound: volumeName set and the controller has said it is done. */
export function isClaimFullyBound(pvc: PersistentVolumeClaim): boolean {
  return Boolean(pvc.spec?.volumeName) && pvc.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined;
}

/** The volume's claimRef names this claim, and has its uid or none yet (pre-bound by a user). */
export function isVolumeBoundToClaim(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== pvc.metadata.name || ref.namespace !== pvc.metadata.namespace) return false;
  return !ref.uid || ref.uid === pvc.metadata.uid;
}

/** Every access mode the claim asks for is one the volume offers. */
export function accessModesSatisfied(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  const offered = new Set(pv.spec?.accessModes ?? []);
  return (pvc.spec?.accessModes ?? []).every((m) => offered.has(m));
}

/** Both default to Filesystem; a Block claim needs a Block volume and the reverse. */
export function volumeModeMismatch(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  return (pvc.spec?.volumeMode || 'Filesystem') !== (pv.spec?.volumeMode || 'Filesystem');
}

export function requestedStorage(pvc: PersistentVolumeClaim): bigint {
  return quantityNanos(pvc.spec?.resources?.requests?.storage) ?? 0n;
}

export function volumeStorage(pv: PersistentVolume): bigint {
  return quantityNanos(pv.spec?.capacity?.storage) ?? 0n;
}

/** The volume's required node affinity against a node (no affinity: every node). */
export function volumeFitsNode(pv: PersistentVolume, labels: Record<string, string>, nodeName: string): boolean {
  const required = pv.spec?.nodeAffinity?.required;
  if (!required) return true;
  return matchesAnyTerm(required.nodeSelectorTerms ?? [], labels, nodeName);
}

/** Why the volume a claim names cannot serve it (upstream's checkVolumeSatisfyClaim), or undefined. */
export function volumeUnsuitability(pv: PersistentVolume, pvc: PersistentVolumeClaim): string | undefined {
  if (pv.metadata.deletionTimestamp) return `the volume is marked for deletion "${pv.metadata.name}"`;
  if (volumeStorage(pv) < requestedStorage(pvc)) return 'requested PV is too small';
  if (volumeClass(pv) !== claimClass(pvc)) return 'storageClassName does not match';
  if (volumeModeMismatch(pvc, pv)) return 'incompatible volumeMode';
  if (!accessModesSatisfied(pvc, pv)) return 'incompatible accessMode';
  return undefined;
}

export interface MatchOptions {
  /** The scheduler's path: the node the pod would run on (volume node affinity, access modes checked). */
  node?: { name: string; labels: Record<string, string> };
  /** Volumes already chosen for other claims of the same pod. */
  excluded?: Set<string>;
  /** The claim's class binds on first consumer: without a node, only a volume pre-bound to it may be used. */
  delayBinding?: boolean;
}

/**
 * The smallest volume that satisfies the claim (upstream's FindMatchingVolume): a
 * volume pre-bound to this claim wins outright; otherwise Available, unclaimed volumes of
 * the claim's class with enough capacity, the claim's access modes and volume mode, its
 * selector's labels and (with a node) node affinity. Among equals, fewer access modes
 * first, as upstream's index by access modes tries them.
 */
export function findMatchingVolume(pvc: PersistentVolumeClaim, volumes: PersistentVolume[], o: MatchOptions = {}): PersistentVolume | undefined {
  const requested = requestedStorage(pvc);
  const wantedClass = claimClass(pvc);
  const selector = pvc.spec?.selector ? labelSelectorFromObject(pvc.spec.selector) : undefined;
  let best: PersistentVolume | undefined;
  for (const pv of volumes) {
    if (o.excluded?.has(pv.metadata.name ?? '')) continue;
    const size = volumeStorage(pv);
    if (size < requested) continue;
    if (volumeModeMismatch(pvc, pv) || pv.metadata.deletionTimestamp) continue;
    const fitsNode = !o.node || volumeFitsNode(pv, o.node.labels, o.node.name);
    if (isVolumeBoundToClaim(pv, pvc)) return fitsNode ? pv : undefined;
    // The PV controller leaves WaitForFirstConsumer claims to the scheduler, which has a node.
    if (!o.node && o.delayBinding) continue;
    if (pv.status?.phase !== 'Available' || pv.spec?.claimRef) continue;
    if (selector && !selector.matches(pv.metadata.labels ?? {})) continue;
    if (volumeClass(pv) !== wantedClass || !fitsNode || !accessModesSatisfied(pvc, pv)) continue;
    if (!best || isBetterMatch(pv, best)) best = pv;
  }
  return best;
}

function isBetterMatch(a: PersistentVolume, b: PersistentVolume): boolean {
  const modes = (a.spec?.accessModes?.length ?? 0) - (b.spec?.accessModes?.length ?? 0);
  if (modes !== 0) return modes < 0;
  return volumeStorage(a) < volumeStorage(b);
}

export interface PodClaim {
  /** The claim's name in the pod's namespace. */
  name: string;
  /** A generic ephemeral volume's claim (`<pod>-<volume>`), owned by the pod. */
  ephemeral: boolean;
}

/** The claims a pod's volumes use (upstream's podHasPVCs walk). */
export function podClaims(pod: Pod): PodClaim[] {
  const out: PodClaim[] = [];
  for (const volume of pod.spec?.volumes ?? []) {
    const pvc = volume.persistentVolumeClaim as { claimName?: string } | undefined;
    if (pvc?.claimName) out.push({ name: pvc.claimName, ephemeral: false });
    else if (volume.ephemeral) out.push({ name: `${pod.metadata.name}-${volume.name}`, ephemeral: true });
  }
  return out;
}

/** A required node affinity pinning a volume to one node by its hostname label (as local-path volumes are). */
export function hostnameAffinity(nodeName: string): NonNullable<PersistentVolume['spec']>['nodeAffinity'] {
  return { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }] } };
}

/** A claim that names a class, even `''` (no class): upstream's PersistentVolumeClaimHasClass. */
export function claimHasClass(pvc: PersistentVolumeClaim): boolean {
  return (pvc.spec?.storageClassName !== undefined && pvc.spec.storageClassName !== null) || pvc.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] !== undefined;
}

/** The default class: of several, the newest, then the first by name (upstream's GetDefaultClass). */
export function defaultStorageClass(classes: StorageClass[]): StorageClass | undefined {
  let chosen: StorageClass | undefined;
  for (const sc of classes) {
    if (!isDefaultClass(sc)) continue;
    if (!chosen) { chosen = sc; continue; }
    const a = Date.parse(sc.metadata.creationTimestamp ?? '') || 0;
    const b = Date.parse(chosen.metadata.creationTimestamp ?? '') || 0;
    if (a > b || (a === b && (sc.metadata.name ?? '') < (chosen.metadata.name ?? ''))) chosen = sc;
  }
  return chosen;
}
