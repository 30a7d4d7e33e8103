/**
 * Schema `default`s, applied in place the way apiextensions-apiserver's structural
 * defaulting does: a missing field gets a copy of its default; a `null` in a field
 * that is not nullable is replaced by the default or, without one, dropped (upstream
 * prunes such nulls before defaulting). Defaults are walked into, so defaults nested
 * inside a defaulted object apply too.
 */
import type { Schema, SchemaDefinitions } from '../types.js';
import { deref, isPlainObject } from './resolve.js';

/** Fills defaults in place and returns the same value for convenience. */
export function applyDefaults<T>(value: T, schema: Schema, definitions: SchemaDefinitions): T {
  walk(value, schema, definitions);
  return value;
}

function walk(value: unknown, schema: Schema, defs: SchemaDefinitions): void {
  const s = deref(schema, defs);
  if (!s) return;
  if (Array.isArray(value)) {
    if (s.items) for (const item of value) walk(item, s.items, defs);
    return;
  }
  if (!isPlainObject(value)) return;
  const props = s.properties;
  if (props) {
    for (const key in props) {
      const prop = props[key];
      const current = value[key];
      if (current === undefined || (current === null && !isNullable(prop, defs))) {
        if (prop.default !== undefined) value[key] = copy(prop.default);
        else if (current === null) delete value[key];
      }
      const v = value[key];
      if (v !== null && typeof v === 'object') walk(v, prop, defs);
    }
  }
  const additional = s.additionalProperties;
  if (typeof additional === 'object') {
    for (const key of Object.keys(value)) {
      if (props && key in props) continue;
      const v = value[key];
      if (v !== null && typeof v === 'object') walk(v, additional, defs);
    }
  }
}

function isNullable(prop: Schema, defs: SchemaDefinitions): boolean {
  return prop.nullable === true || deref(prop, defs)?.nullable === true;
}

function copy(v: unknown): unknown {
  return v !== null && typeof v === 'object' ? structuredClone(v) : v;
}
