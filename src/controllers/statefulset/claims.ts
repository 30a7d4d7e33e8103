/**
 * A StatefulSet pod's PersistentVolumeClaims (stateful_pod_control.go): created from the
 * claim templates before the pod, and owned as `persistentVolumeClaimRetentionPolicy`
 * says, so the garbage collector removes them at the right moment:
 *
 *   whenDeleted  whenScaled  owner of the claim
 *   Retain       Retain      none
 *   Delete       Retain      the set
 *   Retain       Delete      the pod, once scaled away (its ordinal out of range)
 *   Delete       Delete      the set while in range, the pod once scaled away
 *
 * A claim another controller owns, or one with references to an earlier set or pod of
 * the same name (stale), is left alone.
 */
import type { PersistentVolumeClaim, Pod, StatefulSet } from '../../api/objects/index.js';
import type { KObject, OwnerReference } from '../../api/types.js';
import { isAlreadyExists } from '../../client/errors.js';
import { controllerRef } from '../runtime/pods.js';
import { claimsFor, inOrdinalRange, ordinalOf } from './identity.js';
import type { SetContext } from './context.js';

const SET_KIND = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const POD_KIND = { apiVersion: 'v1', kind: 'Pod' };

function policyOf(set: StatefulSet): { whenDeleted: string; whenScaled: string } {
  const p = set.spec.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}

const retainsAll = (set: StatefulSet): boolean => { const p = policyOf(set); return p.whenDeleted === 'Retain' && p.whenScaled === 'Retain'; };

/** Which of the set and the pod the table above makes the claim's controller. */
function desiredOwners(set: StatefulSet, pod: Pod): { set: boolean; pod: boolean } {
  const p = policyOf(set);
  const scaledDown = !inOrdinalRange(set, ordinalOf(pod));
  return { set: p.whenDeleted === 'Delete' && !(p.whenScaled === 'Delete' && scaledDown), pod: p.whenScaled === 'Delete' && scaledDown };
}

const refersTo = (ref: OwnerReference, obj: KObject, kind: { apiVersion: string; kind: string }): boolean =>
  ref.apiVersion === kind.apiVersion && ref.kind === kind.kind && ref.name === obj.metadata?.name;
const hasRef = (claim: PersistentVolumeClaim, owner: KObject): boolean => (claim.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata?.uid);

/** A reference to an object of this name and kind, but another uid: an earlier incarnation's. */
function hasStaleRef(claim: PersistentVolumeClaim, obj: KObject, kind: { apiVersion: string; kind: string }): boolean {
  const ref = (claim.metadata.ownerReferences ?? []).find((r) => refersTo(r, obj, kind));
  return Boolean(ref && ref.uid !== obj.metadata?.uid);
}

function hasUnexpectedController(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  if (retainsAll(set)) return false;
  return (claim.metadata.ownerReferences ?? []).some((r) => {
    if (refersTo(r, set, SET_KIND)) return r.uid !== set.metadata.uid;
    if (refersTo(r, pod, POD_KIND)) return r.uid !== pod.metadata.uid;
    return r.controller === true;
  });
}

/** isClaimOwnerUpToDate: whether the claim's references already follow the policy (or must not be touched). */
function ownersUpToDate(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  if (hasStaleRef(claim, set, SET_KIND) || hasStaleRef(claim, pod, POD_KIND)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasRef(claim, set) || hasRef(claim, pod));
  const nonController = (claim.metadata.ownerReferences ?? []).some((r) => (r.uid === set.metadata.uid || r.uid === pod.metadata.uid) && r.controller !== true);
  if (nonController) return false;
  const want = desiredOwners(set, pod);
  return hasRef(claim, set) === want.set && hasRef(claim, pod) === want.pod;
}

function ownerRefsFor(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): OwnerReference[] {
  const unexpected = hasUnexpectedController(claim, set, pod);
  const refs = (claim.metadata.ownerReferences ?? []).filter((r) => !refersTo(r, set, SET_KIND) && !refersTo(r, pod, POD_KIND));
  if (unexpected) return refs;
  const want = desiredOwners(set, pod);
  if (want.set) refs.push(controllerRef(set, SET_KIND.apiVersion, SET_KIND.kind));
  if (want.pod) refs.push(controllerRef(pod, POD_KIND.apiVersion, POD_KIND.kind));
  return refs;
}

/** Creates the pod's missing claims (before the pod itself); a claim being deleted is an error to wait out. */
export async function createClaims(sc: SetContext, set: StatefulSet, pod: Pod): Promise<void> {
  const errors: string[] = [];
  for (const claim of claimsFor(set, ordinalOf(pod))) {
    const existing = sc.claimCache.get(claim.metadata.name!, claim.metadata.namespace);
    if (existing) {
      if (existing.metadata.deletionTimestamp) errors.push(`pvc ${claim.metadata.name} is being deleted`);
      continue;
    }
    try {
      await sc.claims.create(claim, { fieldManager: sc.fieldManager });
      sc.events.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
    } catch (err) {
      if (isAlreadyExists(err)) continue;
      sc.events.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`);
      errors.push(`failed to create PVC ${claim.metadata.name}: ${(err as Error).message}`);
    }
  }
  if (errors.length) throw new Error(errors.join('; '));
}

/** Whether every existing claim of the pod is owned as the policy says. */
export function claimsMatchRetention(sc: SetContext, set: StatefulSet, pod: Pod): boolean {
  return claimsFor(set, ordinalOf(pod)).every((c) => {
    const claim = sc.claimCache.get(c.metadata.name!, c.metadata.namespace);
    return !claim || ownersUpToDate(claim, set, pod);
  });
}

/** Rewrites the owner references of the pod's claims that do not follow the policy. */
export async function updateClaimsForRetention(sc: SetContext, set: StatefulSet, pod: Pod): Promise<void> {
  for (const c of claimsFor(set, ordinalOf(pod))) {
    const claim = sc.claimCache.get(c.metadata.name!, c.metadata.namespace);
    if (!claim) continue;
    if (hasUnexpectedController(claim, set, pod)) {
      sc.events.event(set, 'Warning', 'ConflictingController', `PersistentVolumeClaim ${claim.metadata.name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`);
    }
    if (ownersUpToDate(claim, set, pod)) continue;
    await sc.claims.update({ ...claim, metadata: { ...claim.metadata, ownerReferences: ownerRefsFor(claim, set, pod) } }, { fieldManager: sc.fieldManager });
  }
}

/**
 * A claim still owned by an earlier pod of this name must be garbage collected before
 * the new pod is created (only when scale-down deletes claims; retained claims are reused).
 */
export function podClaimIsStale(sc: SetContext, set: StatefulSet, pod: Pod): boolean {
  if (policyOf(set).whenScaled === 'Retain') return false;
  return claimsFor(set, ordinalOf(pod)).some((c) => {
    const claim = sc.claimCache.get(c.metadata.name!, c.metadata.namespace);
    return Boolean(claim && hasStaleRef(claim, pod, POD_KIND));
  });
}
