/**
 * The garbage collector's writes to metadata: removing owner references, unblocking
 * them, removing its finalizers. Each is a JSON merge patch pinned to the resourceVersion
 * the change was computed from, so a concurrent writer makes it fail with 409 instead of
 * being overwritten; the change is then computed again from a fresh read (a few times,
 * then the error goes back to the work queue, which retries with back-off).
 */
import type { KObject, ObjectMeta, OwnerReference } from '../../api/types.js';
import type { ResourceClient } from '../../client/client.js';
import { isConflict, isNotFound } from '../../client/errors.js';

const ATTEMPTS = 3;
const FIELD_MANAGER = 'garbage-collector';

/**
 * Applies `change` (computed from the object as known) to the object's metadata; `change`
 * answers undefined when nothing needs doing. Resolves false if the object is gone.
 */
async function patchMetadata(rc: ResourceClient, known: KObject, change: (meta: ObjectMeta) => Partial<ObjectMeta> | undefined): Promise<boolean> {
  const { name, namespace, uid } = known.metadata!;
  let current: KObject = known;
  for (let attempt = 1; ; attempt++) {
    if (current.metadata?.uid !== uid) return false; // replaced by a namesake: not ours to change
    const delta = change(current.metadata!);
    if (!delta) return true;
    try {
      await rc.patch(name!, namespace || undefined, 'merge', { metadata: { ...delta, resourceVersion: current.metadata!.resourceVersion } }, { fieldManager: FIELD_MANAGER });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      if (!isConflict(err) || attempt >= ATTEMPTS) throw err;
    }
    try {
      current = await rc.get(name!, namespace || undefined);
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}

/** Drops the references to `ownerUids` (a merge patch replaces the whole list; null removes it). */
export function removeOwnerReferences(rc: ResourceClient, obj: KObject, ownerUids: Set<string>): Promise<boolean> {
  return patchMetadata(rc, obj, (meta) => {
    const refs = meta.ownerReferences ?? [];
    const kept = refs.filter((r) => !ownerUids.has(r.uid));
    if (kept.length === refs.length) return undefined;
    return { ownerReferences: (kept.length ? kept : null) as OwnerReference[] };
  });
}

/** Sets blockOwnerDeletion false on the references to `ownerUids` (upstream's cycle breaker). */
export function unblockOwnerReferences(rc: ResourceClient, obj: KObject, ownerUids: Set<string>): Promise<boolean> {
  return patchMetadata(rc, obj, (meta) => {
    const refs = meta.ownerReferences ?? [];
    if (!refs.some((r) => ownerUids.has(r.uid) && r.blockOwnerDeletion === true)) return undefined;
    return { ownerReferences: refs.map((r) => (ownerUids.has(r.uid) && r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r)) };
  });
}

/** Removes one finalizer; with none left the API server finishes the deletion. */
export function removeFinalizer(rc: ResourceClient, obj: KObject, finalizer: string): Promise<boolean> {
  return patchMetadata(rc, obj, (meta) => {
    const finalizers = meta.finalizers ?? [];
    if (!finalizers.includes(finalizer)) return undefined;
    const kept = finalizers.filter((f) => f !== finalizer);
    return { finalizers: (kept.length ? kept : null) as string[] };
  });
}
