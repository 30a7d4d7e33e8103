/**
 * Which dependents a controller owns (upstream's ControllerRefManager.ClaimObject):
 * - controlled by it and still matching its selector: kept;
 * - controlled by it but no longer matching: released (its reference removed);
 * - orphans that match: adopted (a controller reference added), unless the owner or the
 *   orphan is being deleted;
 * - controlled by someone else: left alone.
 * Both writes are strategic merge patches naming the dependent's uid, which the API
 * server treats as a precondition (a pod recreated under the same name is not touched).
 * Before the first adoption the owner is read afresh from the server: a cache may not yet
 * show that it is being deleted (upstream's RecheckDeletionTimestamp).
 */
import type { KObject, OwnerReference } from '../../api/types.js';
import type { ResourceClient } from '../../client/client.js';
import { ApiError, isNotFound } from '../../client/errors.js';
import { controllerOf } from '../runtime/pods.js';
import type { LabelSelector } from '../../apiserver/selectors/labels.js';

export interface ClaimOptions<T extends KObject> {
  /** The owner's uid, and whether it is being deleted (as cached). */
  ownerUid: string;
  ownerDeleting: boolean;
  /** The reference adoption adds. */
  ownerRef: OwnerReference;
  selector: LabelSelector;
  dependents: ResourceClient<T>;
  fieldManager: string;
  /** A fresh read of the owner: false when it is gone, replaced or being deleted. */
  canAdopt(): Promise<boolean>;
}

export async function claimDependents<T extends KObject>(candidates: T[], o: ClaimOptions<T>): Promise<T[]> {
  const claimed: T[] = [];
  let adoptable: Promise<boolean> | undefined;
  for (const obj of candidates) {
    const meta = obj.metadata ?? {};
    const ref = controllerOf(obj);
    const matches = o.selector.matches(meta.labels ?? {});
    if (ref) {
      if (ref.uid !== o.ownerUid) continue;
      if (matches) { claimed.push(obj); continue; }
      // An owner being deleted keeps what it has: the garbage collector decides.
      if (o.ownerDeleting) continue;
      await release(obj, o);
      continue;
    }
    if (o.ownerDeleting || !matches || meta.deletionTimestamp) continue;
    adoptable ??= o.canAdopt();
    if (!(await adoptable)) continue;
    const adopted = await adopt(obj, o);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

async function adopt<T extends KObject>(obj: T, o: ClaimOptions<T>): Promise<T | undefined> {
  const patch = { metadata: { ownerReferences: [o.ownerRef], uid: obj.metadata!.uid } };
  try {
    return await o.dependents.patch(obj.metadata!.name!, obj.metadata!.namespace, 'strategic', patch, { fieldManager: o.fieldManager });
  } catch (err) {
    // Gone meanwhile: nothing to adopt.
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function release<T extends KObject>(obj: T, o: ClaimOptions<T>): Promise<void> {
  const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: o.ownerUid }], uid: obj.metadata!.uid } };
  try {
    await o.dependents.patch(obj.metadata!.name!, obj.metadata!.namespace, 'strategic', patch, { fieldManager: o.fieldManager });
  } catch (err) {
    // Gone, or no longer valid to patch: upstream ignores both.
    if (isNotFound(err) || (err instanceof ApiError && err.status === 422)) return;
    throw err;
  }
}

/** `canAdopt` for owners read from `resource`: present, the same object, not being deleted. */
export function freshOwnerCheck(resource: ResourceClient, namespace: string, name: string, uid: string): () => Promise<boolean> {
  return async () => {
    try {
      const fresh = await resource.get(name, namespace);
      return fresh.metadata?.uid === uid && !fresh.metadata?.deletionTimestamp;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  };
}
