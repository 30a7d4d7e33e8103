/**
 * A small vocabulary for writing the built-in schemas compactly. Every helper returns
 * a plain `Schema`; options may be a description string or an options object.
 *
 * List and map extensions follow upstream's Go markers: `mergeKey`/`strategy` become
 * `x-kubernetes-patch-merge-key`/`x-kubernetes-patch-strategy` (strategic merge patch),
 * `listType`/`mapKeys` become `x-kubernetes-list-type`/`x-kubernetes-list-map-keys`
 * (server-side apply).
 */
import type { Schema, SchemaDefinitions } from '../types.js';

type Desc = string | undefined;

export interface ScalarOpts {
  desc?: string;
  default?: unknown;
  format?: string;
  enum?: unknown[];
}

export interface ListOpts {
  desc?: string;
  mergeKey?: string;
  strategy?: 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';
  listType?: 'atomic' | 'set' | 'map';
  mapKeys?: string[];
}

export interface MapOpts {
  desc?: string;
  mapType?: 'atomic' | 'granular';
}

export interface ObjOpts {
  desc?: string;
  required?: string[];
  /** `+structType=atomic`: the object is replaced as a whole by apply. */
  atomic?: boolean;
  gvk?: Array<{ group: string; version: string; kind: string }>;
  preserveUnknown?: boolean;
  strategy?: ListOpts['strategy'];
}

function scalarOpts(o: Desc | ScalarOpts | undefined): ScalarOpts {
  return typeof o === 'string' ? { desc: o } : (o ?? {});
}

function scalar(type: Schema['type'], format: string | undefined, o: Desc | ScalarOpts | undefined): Schema {
  const opts = scalarOpts(o);
  const s: Schema = { type };
  if (opts.format ?? format) s.format = opts.format ?? format;
  if (opts.desc) s.description = opts.desc;
  if (opts.default !== undefined) s.default = opts.default;
  if (opts.enum) s.enum = opts.enum;
  return s;
}

export const str = (o?: Desc | ScalarOpts): Schema => scalar('string', undefined, o);
export const bool = (o?: Desc | ScalarOpts): Schema => scalar('boolean', undefined, o);
export const int32 = (o?: Desc | ScalarOpts): Schema => scalar('integer', 'int32', o);
export const int64 = (o?: Desc | ScalarOpts): Schema => scalar('integer', 'int64', o);
export const double = (o?: Desc | ScalarOpts): Schema => scalar('number', 'double', o);
/** base64-encoded bytes (`[]byte` in Go). */
export const bytes = (o?: Desc | ScalarOpts): Schema => scalar('string', 'byte', o);

/** A link to a shared definition; a description here documents the field, not the type. */
export function ref(name: string, desc?: string): Schema {
  return desc ? { $ref: name, description: desc } : { $ref: name };
}

export const core = (name: string, desc?: string): Schema => ref(`io.k8s.api.core.v1.${name}`, desc);
export const meta = (name: string, desc?: string): Schema => ref(`io.k8s.apimachinery.pkg.apis.meta.v1.${name}`, desc);
export const quantity = (desc?: string): Schema => ref('io.k8s.apimachinery.pkg.api.resource.Quantity', desc);
export const intOrString = (desc?: string): Schema => ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString', desc);
export const time = (desc?: string): Schema => meta('Time', desc);
export const microTime = (desc?: string): Schema => meta('MicroTime', desc);
export const rawExtension = (desc?: string): Schema => ref('io.k8s.apimachinery.pkg.runtime.RawExtension', desc);

export function arr(items: Schema, o?: Desc | ListOpts): Schema {
  const opts: ListOpts = typeof o === 'string' ? { desc: o } : (o ?? {});
  const s: Schema = { type: 'array', items };
  if (opts.desc) s.description = opts.desc;
  if (opts.mergeKey) s['x-kubernetes-patch-merge-key'] = opts.mergeKey;
  if (opts.strategy) s['x-kubernetes-patch-strategy'] = opts.strategy;
  if (opts.listType) s['x-kubernetes-list-type'] = opts.listType;
  if (opts.mapKeys) s['x-kubernetes-list-map-keys'] = opts.mapKeys;
  return s;
}

/** An atomic list of strings or objects: replaced as a whole by patches. */
export const atomicArr = (items: Schema, desc?: string): Schema => arr(items, { desc, listType: 'atomic' });

export function mapOf(values: Schema, o?: Desc | MapOpts): Schema {
  const opts: MapOpts = typeof o === 'string' ? { desc: o } : (o ?? {});
  const s: Schema = { type: 'object', additionalProperties: values };
  if (opts.desc) s.description = opts.desc;
  if (opts.mapType) s['x-kubernetes-map-type'] = opts.mapType;
  return s;
}

export function obj(properties: Record<string, Schema>, o?: Desc | ObjOpts): Schema {
  const opts: ObjOpts = typeof o === 'string' ? { desc: o } : (o ?? {});
  const s: Schema = { type: 'object' };
  if (opts.desc) s.description = opts.desc;
  s.properties = properties;
  if (opts.required?.length) s.required = opts.required;
  if (opts.atomic) s['x-kubernetes-map-type'] = 'atomic';
  if (opts.preserveUnknown) s['x-kubernetes-preserve-unknown-fields'] = true;
  if (opts.gvk) s['x-kubernetes-group-version-kind'] = opts.gvk;
  return s;
}

/** An object whose content is not modelled here; anything is accepted and kept. */
export function opaque(desc?: string): Schema {
  const s: Schema = { type: 'object' };
  if (desc) s.description = desc;
  s['x-kubernetes-preserve-unknown-fields'] = true;
  return s;
}

/** The group-version-kind tag that `kubectl explain` uses to find a kind's schema. */
export function gvk(group: string, version: string, kind: string): ObjOpts['gvk'] {
  return [{ group, version, kind }];
}

/** Freezes a definitions record deeply so shared schemas can never be mutated in place. */
export function frozen<T extends SchemaDefinitions>(defs: T): T {
  deepFreeze(defs);
  return defs;
}

// Runs once per schema module at start-up, when the code is still interpreted: kept lean
// (no visited set: a frozen object was already done, and schemas have no cycles).
function deepFreeze(v: object): void {
  Object.freeze(v);
  for (const key in v) {
    const child = (v as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && !Object.isFrozen(child)) deepFreeze(child);
  }
}

/** `apiVersion` and `kind`, present on every top-level object. */
export function typeMeta(): Record<'apiVersion' | 'kind', Schema> {
  return {
    apiVersion: str('Versioned schema of this representation of the object, e.g. apps/v1.'),
    kind: str('The kind of object this is, in CamelCase, e.g. Deployment.'),
  };
}

export const objectMeta = (): Schema => meta('ObjectMeta', "Standard object's metadata: name, namespace, labels, annotations.");
export const listMeta = (): Schema => meta('ListMeta', "Standard list metadata: resource version and continue token.");

/** Any JSON value at all (number, string, list, object…), kept as sent. */
export function anyValue(desc?: string): Schema {
  const s: Schema = {};
  if (desc) s.description = desc;
  s['x-kubernetes-preserve-unknown-fields'] = true;
  return s;
}
