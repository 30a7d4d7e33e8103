/**
 * Reads the patch-relevant shape out of catalogue schemas: which sub-schema a field or
 * list item has, its strategic-merge metadata, and the structured-merge-diff view
 * (list types, map types) server-side apply needs. A missing schema is normal (CRDs
 * without SMP metadata, unknown fields) and means "no metadata": lists are atomic,
 * maps are merged key by key, exactly as upstream treats untyped values.
 */
import type { Schema, SchemaDefinitions } from '../../api/types.js';

export type SchemaResolver = (schema: Schema | undefined) => Schema | undefined;

/** Builds a resolver that follows `$ref` chains through `definitions`. */
export function resolverFor(definitions: SchemaDefinitions | undefined): SchemaResolver {
  return (schema) => {
    let s = schema;
    for (let hops = 0; s && s.$ref && hops < 32; hops++) {
      const name = s.$ref.replace(/^#\/(definitions|components\/schemas)\//, '');
      s = definitions?.[name];
    }
    return s;
  };
}

/** The schema of field `key` of an object schema (declared property, else the map's value schema). */
export function fieldSchema(resolve: SchemaResolver, parent: Schema | undefined, key: string): Schema | undefined {
  const p = resolve(parent);
  if (!p) return undefined;
  const declared = p.properties?.[key];
  if (declared) return declared;
  return typeof p.additionalProperties === 'object' ? p.additionalProperties : undefined;
}

export function isDeclaredField(resolve: SchemaResolver, parent: Schema | undefined, key: string): boolean {
  return !!resolve(parent)?.properties?.[key];
}

export function itemsSchema(resolve: SchemaResolver, list: Schema | undefined): Schema | undefined {
  return resolve(list)?.items;
}

/**
 * Extensions may sit on the property (`{type: array, items: {$ref}, x-kubernetes-…}`)
 * or on the referenced definition (`x-kubernetes-map-type` on LabelSelector); read both,
 * the property winning.
 */
function ext<K extends keyof Schema>(resolve: SchemaResolver, s: Schema | undefined, key: K): Schema[K] | undefined {
  if (!s) return undefined;
  if (s[key] !== undefined) return s[key];
  return resolve(s)?.[key];
}

export interface PatchMeta {
  /** `merge`, `replace` or '' (retainKeys stripped off, as upstream's extractRetainKeysPatchStrategy). */
  strategy: string;
  mergeKey: string;
}

export function patchMeta(resolve: SchemaResolver, s: Schema | undefined): PatchMeta {
  const raw = (ext(resolve, s, 'x-kubernetes-patch-strategy') as string | undefined) ?? '';
  const parts = raw.split(',').map((p) => p.trim()).filter((p) => p && p !== 'retainKeys');
  return { strategy: parts[0] ?? '', mergeKey: (ext(resolve, s, 'x-kubernetes-patch-merge-key') as string | undefined) ?? '' };
}

/** The structured-merge-diff type of a schema node. */
export type SmdType =
  | { kind: 'scalar' }
  | { kind: 'list'; relationship: 'atomic' | 'set' | 'map'; keys: string[]; item: Schema | undefined }
  | { kind: 'map'; atomic: boolean; struct: boolean; schema: Schema | undefined }
  | { kind: 'deduced' };

/**
 * Mirrors kube-openapi's schemaconv: `x-kubernetes-list-type` first; otherwise a
 * `merge` patch strategy makes an associative list keyed by the patch merge key (or a
 * set without one); every other list is atomic.
 */
export function smdType(resolve: SchemaResolver, s: Schema | undefined): SmdType {
  const r = resolve(s);
  if (!r) return { kind: 'deduced' };
  if (r['x-kubernetes-int-or-string']) return { kind: 'scalar' };
  const type = r.type ?? (r.properties || r.additionalProperties ? 'object' : r.items ? 'array' : undefined);
  if (type === 'array') {
    const listType = ext(resolve, s, 'x-kubernetes-list-type');
    const item = r.items;
    if (listType === 'map') return { kind: 'list', relationship: 'map', keys: (ext(resolve, s, 'x-kubernetes-list-map-keys') as string[] | undefined) ?? [], item };
    if (listType === 'set') return { kind: 'list', relationship: 'set', keys: [], item };
    if (listType === 'atomic') return { kind: 'list', relationship: 'atomic', keys: [], item };
    const meta = patchMeta(resolve, s);
    if (meta.strategy === 'merge') {
      return meta.mergeKey ? { kind: 'list', relationship: 'map', keys: [meta.mergeKey], item } : { kind: 'list', relationship: 'set', keys: [], item };
    }
    return { kind: 'list', relationship: 'atomic', keys: [], item };
  }
  if (type === 'object') {
    return { kind: 'map', atomic: ext(resolve, s, 'x-kubernetes-map-type') === 'atomic', struct: !!r.properties, schema: r };
  }
  if (type === undefined && r['x-kubernetes-preserve-unknown-fields']) return { kind: 'deduced' };
  return { kind: 'scalar' };
}
