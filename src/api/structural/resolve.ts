/**
 * Following `$ref`s between shared definitions. Built-in kinds reach most of their
 * schema through refs (`io.k8s.api.core.v1.Container`); CRD schemas are inline.
 */
import type { Schema, SchemaDefinitions } from '../types.js';

export const QUANTITY_REF = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING_REF = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const OBJECT_META_REF = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * The schema a node really stands for. Refs chain at most a few levels; a dangling
 * ref yields `undefined`, which every walker treats as "anything goes" so a schema
 * still being written never rejects objects.
 */
export function deref(schema: Schema | undefined, defs: SchemaDefinitions): Schema | undefined {
  let s = schema;
  for (let hops = 0; s && s.$ref !== undefined && hops < 8; hops++) s = defs[s.$ref];
  return s;
}

/**
 * Value kinds upstream's JSON decoding accepts for a few well-known refs regardless
 * of how their schema is written: a Quantity may be a number (`cpu: 1`), an
 * IntOrString an integer or a string.
 */
export function specialRef(schema: Schema | undefined): 'quantity' | 'int-or-string' | undefined {
  if (!schema?.$ref) return undefined;
  if (schema.$ref === QUANTITY_REF) return 'quantity';
  if (schema.$ref === INT_OR_STRING_REF) return 'int-or-string';
  return undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Builds `spec.containers[0].name` from a path stack; only called when reporting. */
export function joinPath(stack: ReadonlyArray<string | number>): string {
  let out = '';
  for (const seg of stack) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}
