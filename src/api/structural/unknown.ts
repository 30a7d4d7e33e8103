/**
 * Unknown fields: reporting them (fieldValidation=Strict/Warn) and dropping them
 * (CRD pruning, fieldValidation=Ignore). One walk serves both so the two can never
 * disagree about what "unknown" means.
 *
 * Rules follow apiextensions-apiserver's structural pruning:
 * - keys named in `properties` are known and walked into;
 * - `additionalProperties` (a schema or `true`) makes every other key known;
 * - `x-kubernetes-preserve-unknown-fields: true` keeps other keys, unwalked;
 * - `x-kubernetes-embedded-resource` implies apiVersion, kind and metadata;
 * - an inline `type: object` with no properties knows no keys (upstream prunes them),
 *   but a shared definition reached through `$ref` with no properties is opaque: it
 *   stands for a Go type such as FieldsV1 or RawExtension whose content is free-form.
 */
import type { Schema, SchemaDefinitions } from '../types.js';
import { OBJECT_META_REF, deref, isPlainObject, joinPath } from './resolve.js';

const EMBEDDED_KEYS = new Set(['apiVersion', 'kind', 'metadata']);
const OBJECT_META: Schema = { $ref: OBJECT_META_REF };

interface Walk {
  defs: SchemaDefinitions;
  remove: boolean;
  found: string[];
  stack: Array<string | number>;
}

/** Dotted paths (`spec.foo`, `spec.containers[0].bar`) of fields the schema does not know. */
export function findUnknownFields(value: unknown, schema: Schema, definitions: SchemaDefinitions): string[] {
  const w: Walk = { defs: definitions, remove: false, found: [], stack: [] };
  walk(w, value, schema);
  return w.found;
}

/** Deletes unknown fields in place; returns the paths it removed. */
export function prune(value: unknown, schema: Schema, definitions: SchemaDefinitions): string[] {
  const w: Walk = { defs: definitions, remove: true, found: [], stack: [] };
  walk(w, value, schema);
  return w.found;
}

function walk(w: Walk, value: unknown, schema: Schema): void {
  const s = deref(schema, w.defs);
  if (!s) return;
  if (Array.isArray(value)) {
    if (!s.items) return;
    for (let i = 0; i < value.length; i++) {
      w.stack.push(i);
      walk(w, value[i], s.items);
      w.stack.pop();
    }
    return;
  }
  if (!isPlainObject(value)) return;
  const props = s.properties;
  const additional = s.additionalProperties;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (!props && additional === undefined && (preserve || schema.$ref !== undefined)) return;
  for (const key of Object.keys(value)) {
    const prop = props?.[key];
    let child: Schema | undefined = prop;
    if (!child) {
      if (typeof additional === 'object') child = additional;
      else if (additional === true || preserve) continue;
      else if (embedded && EMBEDDED_KEYS.has(key)) {
        if (key !== 'metadata') continue;
        child = OBJECT_META;
      } else {
        w.stack.push(key);
        w.found.push(joinPath(w.stack));
        w.stack.pop();
        if (w.remove) delete value[key];
        continue;
      }
    }
    w.stack.push(key);
    walk(w, value[key], child);
    w.stack.pop();
  }
}
