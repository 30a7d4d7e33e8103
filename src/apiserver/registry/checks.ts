/**
 * The schema-driven pieces the write path needs, as one small seam so the service does
 * not care how validation, defaulting, pruning, patching or field management are done.
 */
import type { FieldError, KObject, ManagedFieldsEntry, ResourceType } from '../../api/types.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface SchemaChecks {
  /**
   * Structural/OpenAPI validation of an object. With `previous` (an update), top-level
   * fields that are the very same value as the stored object's (the write path carries
   * them over by reference, e.g. the spec of a status update) are not walked again.
   */
  validate(rt: ResourceType, obj: KObject, previous?: KObject): FieldError[];
  /** Dotted paths of fields the schema does not know (for fieldValidation). */
  unknownFields(rt: ResourceType, obj: KObject): string[];
  /** Schema `default`s (custom resources). */
  applyDefaults(rt: ResourceType, obj: KObject): void;
  /** Drops unknown fields (custom resources always; built-ins when fieldValidation=Ignore/Warn). */
  prune(rt: ResourceType, obj: KObject): void;
}

export interface PatchEngine {
  /** Applies a json, merge or strategic patch to a copy of `doc`. Throws StatusErrors on bad patches. */
  patch(rt: ResourceType, type: Exclude<PatchType, 'apply'>, doc: KObject, patch: unknown): KObject;
}

export interface FieldManager {
  /** managedFields after an ordinary write by `manager` (create, update, non-apply patch). */
  update(args: { rt: ResourceType; live: KObject | undefined; updated: KObject; manager: string; subresource: string; now: Date }): ManagedFieldsEntry[];
  /** Server-side apply of `applied` onto `live` (undefined when creating). Throws Conflict on conflicts unless `force`. */
  apply(args: { rt: ResourceType; live: KObject | undefined; applied: KObject; manager: string; force: boolean; subresource: string; now: Date }): KObject;
}
