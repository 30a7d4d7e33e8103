/**
 * Which dependents a controller owns (upstream's ControllerRefManager): those whose
 * controller reference names it; orphans that match its selector are adopted (the
 * reference added), and dependents it controls that no longer match are released (the
 * reference removed). An owner being deleted adopts and releases nothing. Both writes are
 * updates at the cached resourceVersion: a conflict means the cache is behind, and the
 * caller's queue retries.
 */
import type { KObject, OwnerReference } from '../../api/types.js';
import type { ResourceClient } from '../../client/client.js';
import { isNotFound } from '../../client/errors.js';
import { controllerOf } from './pods.js';

export interface ClaimOptions<T extends KObject> {
  owner: KObject;
  /** The controller reference adoption adds (see `controllerRef`). */
  ownerRef: OwnerReference;
  /** Whether a candidate belongs to the owner (its selector, plus any kind-specific test). */
  matches(obj: T): boolean;
  resource: ResourceClient<T>;
  fieldManager: string;
}

/** The candidates `owner` controls after adopting and releasing as needed. */
export async function claimDependents<T extends KObject>(candidates: T[], o: ClaimOptions<T>): Promise<T[]> {
  const ownerUid = o.owner.metadata?.uid;
  const ownerDeleting = Boolean(o.owner.metadata?.deletionTimestamp);
  const owned: T[] = [];
  for (const obj of candidates) {
    const ref = controllerOf(obj);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (o.matches(obj) || ownerDeleting) { owned.push(obj); continue; }
      await write(o, obj, (refs) => refs.filter((r) => r.uid !== ownerUid));
      continue;
    }
    if (ownerDeleting || obj.metadata?.deletionTimestamp || !o.matches(obj)) continue;
    const adopted = await write(o, obj, (refs) => [...refs, o.ownerRef]);
    if (adopted) owned.push(adopted);
  }
  return owned;
}

async function write<T extends KObject>(o: ClaimOptions<T>, obj: T, change: (refs: OwnerReference[]) => OwnerReference[]): Promise<T | undefined> {
  const refs = change(obj.metadata?.ownerReferences ?? []);
  try {
    return await o.resource.update({ ...obj, metadata: { ...obj.metadata, ownerReferences: refs } }, { fieldManager: o.fieldManager });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
