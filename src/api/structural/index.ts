/**
 * Structural-schema operations run on every write: validation, unknown-field
 * detection and pruning, and defaulting. They work for built-in kinds (schemas
 * reached through `$ref`s into the shared definitions) and for CRDs (inline schemas)
 * alike, walk the value once, and never clone it.
 */
export { validateValue, type ValidateOptions } from './validate.js';
export { findUnknownFields, prune } from './unknown.js';
export { applyDefaults } from './defaults.js';
export { deref, QUANTITY_REF, INT_OR_STRING_REF, OBJECT_META_REF } from './resolve.js';
export { fieldErrors, formatValue } from './messages.js';
