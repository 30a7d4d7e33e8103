/** The field set an object specifies, as server-side apply records it for an applier. */
import type { KObject } from '../../api/types.js';
import { FieldSet } from './fieldset.js';
import { STRIPPED_FIELDS, ignoredSet, typedContext, type SchemaOptions } from './managed-fields.js';
import { toFieldSet } from './typed.js';

export function fieldSetOf(obj: KObject, options: SchemaOptions & { lenient?: boolean } = {}): FieldSet {
  let set = toFieldSet(typedContext(options), obj, options.schema, { lenient: options.lenient }).difference(STRIPPED_FIELDS);
  const ignored = ignoredSet(options.ignoredPaths);
  if (ignored) set = set.recursiveDifference(ignored);
  return set;
}
