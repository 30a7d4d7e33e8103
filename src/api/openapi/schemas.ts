/**
 * Turning catalogue schemas into OpenAPI component schemas: which definitions a
 * document needs (every one transitively referenced), how refs are spelled in v3
 * (`#/components/schemas/…`, wrapped in `allOf` when the ref has siblings such as a
 * description, as kube-openapi does) and v2 (`#/definitions/…`), and minimal
 * stand-ins for meta types the catalogue may not define, so no ref ever dangles.
 */
import type { ResourceType, Schema, SchemaDefinitions } from '../types.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const REF = {
  patch: `${META}.Patch`,
  deleteOptions: `${META}.DeleteOptions`,
  status: `${META}.Status`,
  listMeta: `${META}.ListMeta`,
  objectMeta: `${META}.ObjectMeta`,
  watchEvent: `${META}.WatchEvent`,
  scale: 'io.k8s.api.autoscaling.v1.Scale',
} as const;

const FALLBACKS: SchemaDefinitions = {
  [REF.patch]: { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' },
  [REF.deleteOptions]: {
    type: 'object',
    description: 'DeleteOptions may be provided when deleting an API object.',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      dryRun: { type: 'array', items: { type: 'string' } },
      gracePeriodSeconds: { type: 'integer', format: 'int64' },
      propagationPolicy: { type: 'string' },
      orphanDependents: { type: 'boolean' },
    },
  },
  [REF.status]: {
    type: 'object',
    description: 'Status is a return value for calls that do not return other objects.',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      code: { type: 'integer', format: 'int32' },
      message: { type: 'string' },
      reason: { type: 'string' },
      status: { type: 'string' },
      details: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      metadata: { $ref: REF.listMeta },
    },
  },
  [REF.listMeta]: {
    type: 'object',
    description: 'ListMeta describes metadata that synthetic resources must have.',
    properties: {
      continue: { type: 'string' },
      remainingItemCount: { type: 'integer', format: 'int64' },
      resourceVersion: { type: 'string' },
      selfLink: { type: 'string' },
    },
  },
  [REF.watchEvent]: {
    type: 'object',
    description: 'Event represents a single event to a watched resource.',
    required: ['type', 'object'],
    properties: { type: { type: 'string' }, object: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  },
  [REF.scale]: {
    type: 'object',
    description: 'Scale represents a scaling request for a resource.',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { $ref: REF.objectMeta },
      spec: { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' } } },
      status: { type: 'object', required: ['replicas'], properties: { replicas: { type: 'integer', format: 'int32' }, selector: { type: 'string' } } },
    },
    'x-kubernetes-group-version-kind': [{ group: 'autoscaling', version: 'v1', kind: 'Scale' }],
  },
};

/** Name of a kind's list definition: the kind's own name with the list kind swapped in. */
export function listRef(rt: ResourceType): string {
  const listKind = rt.listKind ?? `${rt.kind}List`;
  const dot = rt.schemaRef.lastIndexOf('.');
  return dot >= 0 ? `${rt.schemaRef.slice(0, dot + 1)}${listKind}` : listKind;
}

/**
 * The definitions a document for `types` needs: the given ones, synthesized list
 * kinds and meta stand-ins where missing, and GVK tags added to kind schemas.
 */
export function documentDefinitions(types: readonly ResourceType[], definitions: SchemaDefinitions, roots: string[]): SchemaDefinitions {
  const extra: SchemaDefinitions = {};
  for (const rt of types) {
    const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
    const kindDef = definitions[rt.schemaRef];
    if (kindDef && !kindDef['x-kubernetes-group-version-kind']) extra[rt.schemaRef] = { ...kindDef, 'x-kubernetes-group-version-kind': [gvk] };
    const lr = listRef(rt);
    if (!rt.virtual && !definitions[lr]) {
      extra[lr] = {
        type: 'object',
        description: `${rt.listKind ?? `${rt.kind}List`} is a list of ${rt.kind}.`,
        required: ['items'],
        properties: {
          apiVersion: { type: 'string' },
          items: { type: 'array', items: { $ref: rt.schemaRef } },
          kind: { type: 'string' },
          metadata: { $ref: REF.listMeta },
        },
        'x-kubernetes-group-version-kind': [{ group: rt.group, version: rt.version, kind: rt.listKind ?? `${rt.kind}List` }],
      };
    }
  }
  const lookup = (name: string): Schema | undefined => extra[name] ?? definitions[name] ?? FALLBACKS[name];
  const out: SchemaDefinitions = {};
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop()!;
    if (name in out) continue;
    // A name nobody defines still gets an entry so the document stays resolvable.
    const def = lookup(name) ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    out[name] = def;
    collectRefs(def, queue);
  }
  return sortKeys(out);
}

function collectRefs(s: Schema, into: string[]): void {
  if (s.$ref !== undefined) into.push(s.$ref);
  if (s.properties) for (const k in s.properties) collectRefs(s.properties[k], into);
  if (s.items) collectRefs(s.items, into);
  if (typeof s.additionalProperties === 'object') collectRefs(s.additionalProperties, into);
  if (s.oneOf) for (const alt of s.oneOf) collectRefs(alt, into);
}

function sortKeys<T>(rec: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k];
  return out;
}

type Json = Record<string, unknown>;

/** A catalogue schema as an OpenAPI schema object, refs rewritten with `prefix`. */
export function convertSchema(s: Schema, prefix: string, v3: boolean): Json {
  const out: Json = {};
  for (const key of Object.keys(s) as Array<keyof Schema>) {
    const value = s[key];
    if (value === undefined || key === '$ref') continue;
    if (key === 'properties') {
      const props: Json = {};
      for (const [k, p] of Object.entries(value as Record<string, Schema>)) props[k] = convertSchema(p, prefix, v3);
      out.properties = props;
    } else if (key === 'items') out.items = convertSchema(value as Schema, prefix, v3);
    else if (key === 'additionalProperties' && typeof value === 'object') out.additionalProperties = convertSchema(value as Schema, prefix, v3);
    else if (key === 'oneOf') out.oneOf = (value as Schema[]).map((alt) => convertSchema(alt, prefix, v3));
    else if (key === 'nullable' && !v3) out['x-nullable'] = value;
    else out[key] = value;
  }
  if (s.$ref === undefined) return out;
  const ref = { $ref: prefix + s.$ref };
  if (Object.keys(out).length === 0) return ref;
  // OpenAPI 3.0 ignores siblings of $ref; kube-openapi keeps them by wrapping the ref.
  return v3 ? { allOf: [ref], ...out } : { ...ref, ...out };
}
