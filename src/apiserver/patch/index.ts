/**
 * Patch engines and managed fields, as pure functions over JSON objects. The API
 * server's patch/update/create handlers call these on every write:
 *
 * - `applyJsonPatch` (application/json-patch+json), `applyMergePatch`
 *   (application/merge-patch+json), `applyStrategicMergePatch`
 *   (application/strategic-merge-patch+json);
 * - `serverSideApply` (application/apply-patch+yaml);
 * - `updateManagedFields` after every other create/update/patch;
 * - `validateManagedFields` for user-supplied `metadata.managedFields`.
 */
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS, type JsonPatchOperation } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch, type StrategicMergeOptions } from './strategic-merge-patch.js';
export { PatchApplyError } from './errors.js';
export { FieldSet, pathString, serializePE, parsePE, type Path, type PathElement } from './fieldset.js';
export { resolverFor, type SchemaResolver } from './schema-lookup.js';
export { fieldSetOf } from './field-set-of.js';
export {
  updateManagedFields,
  validateManagedFields,
  decodeManagedFields,
  encodeManagedFields,
  managerIdentifier,
  MAX_UPDATE_MANAGERS,
  type UpdateManagedFieldsOptions,
  type SchemaOptions,
  type Managed,
  type ManagerEntry,
} from './managed-fields.js';
export { serverSideApply, conflictError, LAST_APPLIED_ANNOTATION, type ServerSideApplyOptions, type ServerSideApplyResult } from './apply.js';
