/**
 * Object metadata rules applied on every write, as apimachinery's rest.BeforeCreate /
 * BeforeUpdate and the per-kind strategies do: names and generateName, uid, timestamps,
 * generation (bumped only when something outside metadata and status changed), status
 * handled by the status subresource, and fields clients may not change.
 */
import { randomUUID, randomInt } from 'node:crypto';
import { BadRequest, Conflict, Invalid } from '../../api/errors.js';
import { metaTime } from '../../api/time.js';
import type { KObject, ObjectMeta, ResourceType } from '../../api/types.js';

const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName + 5 characters from upstream's alphabet (no vowels, no confusable digits). */
export function generateName(base: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_SUFFIX_ALPHABET[randomInt(NAME_SUFFIX_ALPHABET.length)];
  return base.slice(0, 63 - 5) + suffix;
}

/** Kinds whose spec changes bump metadata.generation (most kinds with a spec, and all custom resources). */
function tracksGeneration(rt: ResourceType, obj: KObject): boolean {
  if (rt.custom === true) return true;
  return 'spec' in obj && !rt.strategy?.noGeneration;
}

/** Status set by clients on create is dropped when the kind has a status subresource. */
function resetsStatusOnCreate(rt: ResourceType): boolean {
  return rt.subresources?.status === true && !rt.strategy?.keepStatusOnCreate;
}

function withoutMetaAndStatus(obj: KObject): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return JSON.stringify(rest);
}

/** Checks the object names the kind the endpoint serves, filling apiVersion/kind when absent. */
export function checkKind(rt: ResourceType, obj: unknown): KObject {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new BadRequest(`the body of the request was not a JSON object`);
  }
  const o = obj as KObject;
  const apiVersion = rt.group ? `${rt.group}/${rt.version}` : rt.version;
  if (o.kind !== undefined && o.kind !== rt.kind) {
    throw new BadRequest(`the kind in the data (${String(o.kind)}) does not match the expected kind (${rt.kind})`);
  }
  if (o.apiVersion !== undefined && o.apiVersion !== apiVersion) {
    throw new BadRequest(`the API version in the data (${String(o.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (o.metadata !== undefined && (o.metadata === null || typeof o.metadata !== 'object' || Array.isArray(o.metadata))) {
    throw new BadRequest(`metadata: expected an object`);
  }
  o.apiVersion = apiVersion;
  o.kind = rt.kind;
  o.metadata ??= {};
  return o;
}

/**
 * ObjectMeta's maps and lists are `omitempty` in Go, so an emptied one (e.g. the last
 * annotation removed by a merge patch) is not stored or returned at all.
 */
function dropEmptyMetadata(meta: ObjectMeta): void {
  const m = meta as Record<string, unknown>;
  for (const key of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields']) {
    const v = m[key];
    if (v === null || (Array.isArray(v) && v.length === 0) || (v !== undefined && typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0)) {
      delete m[key];
    }
  }
}

export interface CreateContext {
  namespace: string;
  now: Date;
}

export function prepareForCreate(rt: ResourceType, obj: KObject, ctx: CreateContext): void {
  const meta = obj.metadata as ObjectMeta;
  if (rt.namespaced) {
    if (meta.namespace && ctx.namespace && meta.namespace !== ctx.namespace) {
      throw new BadRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = ctx.namespace || meta.namespace;
    if (!meta.namespace) throw new BadRequest('the server could not find the requested resource: a namespace is required');
  } else {
    delete meta.namespace;
  }
  if (!meta.name) {
    if (meta.generateName) meta.name = generateName(meta.generateName);
    else throw new Invalid(rt.kind, rt.group, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
  }
  meta.uid = randomUUID();
  meta.creationTimestamp = metaTime(ctx.now);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete (meta as Record<string, unknown>).selfLink;
  if (tracksGeneration(rt, obj)) meta.generation = 1;
  else delete meta.generation;
  if (resetsStatusOnCreate(rt)) delete obj.status;
  dropEmptyMetadata(meta);
}

export interface UpdateContext {
  namespace: string;
  name: string;
  /** '' for the main resource, 'status' for the status subresource. */
  subresource: string;
}

/**
 * Makes `updated` a legal successor of `old`: server-owned metadata is carried over,
 * the status/spec split of the status subresource is enforced, generation is bumped.
 */
export function prepareForUpdate(rt: ResourceType, updated: KObject, old: KObject, ctx: UpdateContext): KObject {
  const meta = (updated.metadata ??= {}) as ObjectMeta;
  const oldMeta = old.metadata as ObjectMeta;
  if (meta.name !== undefined && meta.name !== '' && meta.name !== ctx.name) {
    throw new BadRequest(`the name of the object (${meta.name}) does not match the name on the URL (${ctx.name})`);
  }
  if (rt.namespaced && meta.namespace && meta.namespace !== oldMeta.namespace) {
    throw new BadRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (meta.uid && meta.uid !== oldMeta.uid) {
    throw new Conflict(rt.plural, rt.group, ctx.name, `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${oldMeta.uid}`);
  }
  let next: KObject;
  if (ctx.subresource === 'status') {
    // Only status moves through the status subresource; spec and metadata stay as stored.
    next = { ...old, status: updated.status };
    next.metadata = { ...oldMeta, resourceVersion: meta.resourceVersion, managedFields: meta.managedFields ?? oldMeta.managedFields };
    if (next.status === undefined) delete next.status;
    return next;
  }
  next = updated;
  meta.name = oldMeta.name;
  if (rt.namespaced) meta.namespace = oldMeta.namespace;
  else delete meta.namespace;
  meta.uid = oldMeta.uid;
  meta.creationTimestamp = oldMeta.creationTimestamp;
  if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  if (oldMeta.generateName !== undefined && meta.generateName === undefined) meta.generateName = oldMeta.generateName;
  delete (meta as Record<string, unknown>).selfLink;
  dropEmptyMetadata(meta);
  if (rt.subresources?.status) {
    if (old.status === undefined) delete next.status;
    else next.status = old.status;
  }
  if (oldMeta.generation !== undefined || tracksGeneration(rt, next)) {
    const base = oldMeta.generation ?? 1;
    meta.generation = withoutMetaAndStatus(next) !== withoutMetaAndStatus(old) ? base + 1 : base;
  }
  return next;
}

/** Pods on a node are deleted gracefully: the node agent removes them after stopping them. */
export function pendingGracefulDeletion(rt: ResourceType, obj: KObject): boolean {
  return rt.group === '' && rt.kind === 'Pod' && (obj.metadata?.deletionGracePeriodSeconds ?? 0) > 0 && Boolean((obj.spec as { nodeName?: string } | undefined)?.nodeName);
}
