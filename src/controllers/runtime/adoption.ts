/**
 * Which dependents a controller owns (upstream's ControllerRefManager.ClaimObject):
 * - controlled by it and still matching: kept;
 * - controlled by it but no longer matching: released (its reference removed), unless the
 *   owner is being deleted (then the garbage collector decides, and it is not kept either);
 * - orphans that match: adopted (a controller reference added), unless the owner or the
 *   orphan is being deleted;
 * - controlled by someone else: left alone.
 * Both writes are strategic merge patches naming the dependent's uid, which the API
 * server treats as a precondition (an object recreated under the same name is not touched).
 * Before the first adoption the owner is read afresh from the server: a cache may not yet
 * show that it is being deleted (upstream's RecheckDeletionTimestamp).
 */
import type { KObject, OwnerReference } from '../../api/types.js';
import type { ResourceClient } from '../../client/client.js';
import { ApiError, isNotFound } from '../../client/errors.js';
import { controllerOf } from './pods.js';

export interface ClaimOptions<T extends KObject> {
  /** The owner as cached (its uid, and whether it is being deleted). */
  owner: KObject;
  /** The controller reference adoption adds (see `controllerRef`). */
  ownerRef: OwnerReference;
  /** Whether a candidate belongs to the owner (its selector, plus any kind-specific test). */
  matches(obj: T): boolean;
  resource: ResourceClient<T>;
  fieldManager: string;
  /** A fresh read of the owner: false when it is gone, replaced or being deleted (see `freshOwnerCheck`). */
  canAdopt(): Promise<boolean>;
}

/** The candidates `owner` controls after adopting and releasing as needed. */
export async function claimDependents<T extends KObject>(candidates: T[], o: ClaimOptions<T>): Promise<T[]> {
  const ownerUid = o.owner.metadata?.uid;
  const ownerDeleting = Boolean(o.owner.metadata?.deletionTimestamp);
  const claimed: T[] = [];
  let adoptable: Promise<boolean> | undefined;
  for (const obj of candidates) {
    const ref = controllerOf(obj);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (o.matches(obj)) { claimed.push(obj); continue; }
      if (!ownerDeleting) await release(obj, ownerUid!, o);
      continue;
    }
    if (ownerDeleting || obj.metadata?.deletionTimestamp || !o.matches(obj)) continue;
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
    return await o.resource.patch(obj.metadata!.name!, obj.metadata!.namespace, 'strategic', patch, { fieldManager: o.fieldManager });
  } catch (err) {
    // Gone meanwhile: nothing to adopt.
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function release<T extends KObject>(obj: T, ownerUid: string, o: ClaimOptions<T>): Promise<void> {
  const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: obj.metadata!.uid } };
  try {
    await o.resource.patch(obj.metadata!.name!, obj.metadata!.namespace, 'strategic', patch, { fieldManager: o.fieldManager });
  } catch (err) {
    // Gone, or no longer valid to patch: upstream ignores both.
    if (isNotFound(err) || (err instanceof ApiError && err.status === 422)) return;
    throw err;
  }
}

/** `canAdopt` for an owner read from `resource`: present, the same object, not being deleted. */
export function freshOwnerCheck<O extends KObject>(resource: ResourceClient<O>, owner: KObject): () => Promise<boolean> {
  const { name, namespace, uid } = owner.metadata!;
  return async () => {
    try {
      const fresh = await resource.get(name!, namespace);
      return fresh.metadata?.uid === uid && !fresh.metadata?.deletionTimestamp;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  };
}
