/**
 * Admission on the write path (upstream's admission chain): plugins that may change an
 * object or refuse it after defaulting and before validation, on creates and updates; a
 * plugin that needs the store reads it through the storage it was built with.
 */
import type { KObject, ResourceType } from '../../api/types.js';

export interface AdmissionPlugin {
  /** Mutates `obj` in place or throws a StatusError (usually Forbidden). */
  admitCreate(rt: ResourceType, obj: KObject): Promise<void>;
  /** The same for the successor of `current` on updates and patches (no mutation expected). */
  admitUpdate?(rt: ResourceType, obj: KObject, current: KObject): Promise<void>;
  /** After validation, before storing (upstream's validating admission: quota). Must not mutate `obj`. */
  validateCreate?(rt: ResourceType, obj: KObject, options: { dryRun: boolean }): Promise<void>;
}
