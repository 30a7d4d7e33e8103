/**
 * Server-side apply (apiserver fieldmanager + structured-merge-diff's Updater.Apply):
 * merge the applied configuration into the live object, drop what this manager applied
 * before but no longer applies (unless someone else owns it), and refuse to change
 * fields other managers own unless forced. Also the two kubectl migration aids upstream
 * runs for the manager named `kubectl`: conflicts on fields still matching the
 * last-applied annotation are allowed, and that annotation is kept in sync.
 */
import { BadRequest, StatusError } from '../../api/errors.js';
import { metaTime } from '../../api/time.js';
import type { KObject, ManagedFieldsEntry } from '../../api/types.js';
import { FieldSet, pathString, type Path } from './fieldset.js';
import { deepCopy, deepEqual, goJson, isObject } from './json.js';
import {
  ConflictsError,
  STRIPPED_FIELDS,
  capUpdateManagers,
  decodeManagedFields,
  encodeManagedFields,
  ignoredSet,
  managerIdentifier,
  updateOthers,
  withoutManagedFields,
  typedContext,
  type Managed,
  type SchemaOptions,
} from './managed-fields.js';
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet, TypedError, type TypedContext } from './typed.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export interface ServerSideApplyOptions extends SchemaOptions {
  /** The stored object; undefined when the apply creates it. */
  live?: KObject;
  /** The decoded apply body. */
  applied: KObject;
  manager: string;
  force: boolean;
  /** The request's group/version, e.g. `apps/v1`. */
  apiVersion: string;
  /** Expected kind; when given, a body of another kind is rejected like upstream. */
  kind?: string;
  subresource?: string;
  now: Date;
}

export interface ServerSideApplyResult {
  object: KObject;
  managedFields: ManagedFieldsEntry[];
  /** False when the apply changed nothing in the object (managed fields may still differ). */
  changed: boolean;
}

export function serverSideApply(o: ServerSideApplyOptions): ServerSideApplyResult {
  const applied = o.applied;
  if (typeof applied !== 'object' || applied === null || Array.isArray(applied)) throw new BadRequest('error decoding YAML: the apply body must be an object');
  if (o.kind !== undefined && (applied.apiVersion !== o.apiVersion || applied.kind !== o.kind)) {
    throw new BadRequest(`invalid object type: ${gvkString(applied.apiVersion, applied.kind)}`);
  }
  if (applied.apiVersion !== o.apiVersion) {
    throw new BadRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion ?? '')}, expected: ${o.apiVersion}`);
  }
  if (applied.metadata?.managedFields !== undefined && applied.metadata?.managedFields !== null) throw new BadRequest('metadata.managedFields must be nil');

  const ctx = typedContext(o);
  let managed: Managed;
  try {
    managed = decodeManagedFields(o.live?.metadata?.managedFields);
  } catch {
    // As upstream's emptyManagedFieldsOnErr: undecodable managed fields are reset, not fatal.
    managed = decodeManagedFields(undefined);
  }
  const live = withoutManagedFields(o.live);
  const id = managerIdentifier({ manager: o.manager, operation: 'Apply', subresource: o.subresource });

  let result: { object: KObject; managed: Managed };
  try {
    result = applyOnce(ctx, o, live, applied, managed, id, o.force);
  } catch (err) {
    if (!(err instanceof ConflictsError)) throw err;
    let conflicts = err.conflicts;
    if (o.manager === 'kubectl') {
      const allowed = allowedConflictsFromLastApplied(ctx, o, live);
      if (allowed) {
        conflicts = conflicts.filter((c) => !allowed.has(c.path));
        if (conflicts.length === 0) result = applyOnce(ctx, o, live, applied, managed, id, true);
      }
    }
    if (conflicts.length) throw conflictError(conflicts);
    result = result!;
  }

  const changed = !deepEqual(live, result.object);
  const entry = result.managed.get(id);
  if (entry && changed) entry.time = metaTime(o.now);
  const object = changed ? result.object : live;
  if (o.manager === 'kubectl') syncLastApplied(object, applied);
  const managedFields = encodeManagedFields(capUpdateManagers(result.managed));
  object.metadata ??= {};
  if (managedFields.length) object.metadata.managedFields = managedFields;
  else delete object.metadata.managedFields;
  return { object, managedFields, changed };
}

function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = String(apiVersion ?? '');
  return `${av.includes('/') ? av : '/' + av}, Kind=${String(kind ?? '')}`;
}

function applyOnce(ctx: TypedContext, o: ServerSideApplyOptions, live: KObject, applied: KObject, managedIn: Managed, id: string, force: boolean): { object: KObject; managed: Managed } {
  const managed = new Map(managedIn);
  const merged = dropAppliedNulls(merge(ctx, live, applied, o.schema), applied) as KObject;
  const last = managed.get(id);
  let set: FieldSet;
  try {
    set = toFieldSet(ctx, applied, o.schema);
  } catch (err) {
    // Upstream answers a bare 500 here (kubernetes/kubernetes#122480); it is the client's mistake.
    if (err instanceof TypedError) throw new StatusError(400, 'BadRequest', `failed to create typed patch object (${gvkString(applied.apiVersion, applied.kind)}): ${err.message}`);
    throw err;
  }
  const ignored = ignoredSet(o.ignoredPaths);
  if (ignored) set = set.recursiveDifference(ignored);
  const entry = { manager: o.manager, operation: 'Apply' as const, apiVersion: o.apiVersion, set, time: last?.time, subresource: o.subresource };
  if (!entry.subresource) delete entry.subresource;
  managed.set(id, entry);
  const pruned = prune(ctx, o, merged, managed, last?.set) as KObject;
  const after = updateOthers({ ctx, schema: o.schema, oldObj: live, newObj: pruned, managed, self: id, force, ignored }).managed;
  const mine = after.get(id);
  if (mine) {
    const stripped = mine.set.difference(STRIPPED_FIELDS);
    if (stripped.isEmpty()) after.delete(id);
    else after.set(id, { ...mine, set: stripped });
  }
  return { object: pruned, managed: after };
}

/**
 * Fields the apply body sets to null are owned but absent afterwards, as decoding the
 * merged result into a typed object would leave them (nulls already in the live object,
 * like a template's `creationTimestamp: null`, stay).
 */
function dropAppliedNulls(merged: unknown, applied: unknown): unknown {
  if (!isObject(merged) || !isObject(applied)) return merged;
  for (const k of Object.keys(applied)) {
    if (applied[k] === null) delete merged[k];
    else dropAppliedNulls(merged[k], applied[k]);
  }
  return merged;
}

function lenientSet(ctx: TypedContext, o: ServerSideApplyOptions, value: unknown): FieldSet {
  return toFieldSet(ctx, value, o.schema, { lenient: true });
}

/** Upstream Updater.prune with addBackOwnedItems and addBackDanglingItems. */
function prune(ctx: TypedContext, o: ServerSideApplyOptions, merged: KObject, managed: Managed, lastSet: FieldSet | undefined): unknown {
  if (!lastSet || lastSet.isEmpty()) return merged;
  const enf = (s: FieldSet) => ensureNamedFieldsAreMembers(ctx, s, o.schema);
  let pruned = removeItems(ctx, merged, enf(lastSet), o.schema) ?? {};
  let owned = new FieldSet();
  for (const e of managed.values()) owned = owned.union(e.set);
  const mergedSet = enf(lenientSet(ctx, o, merged));
  pruned = removeItems(ctx, merged, mergedSet.difference(enf(lenientSet(ctx, o, pruned)).union(enf(owned))), o.schema) ?? {};
  const prunedSet = enf(lenientSet(ctx, o, pruned));
  return removeItems(ctx, merged, mergedSet.difference(prunedSet).intersection(enf(lastSet)), o.schema) ?? {};
}

function allowedConflictsFromLastApplied(ctx: TypedContext, o: ServerSideApplyOptions, live: KObject): FieldSet | undefined {
  const text = live.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(lastApplied) || lastApplied.apiVersion !== o.apiVersion) return undefined;
  let set: FieldSet;
  try {
    set = toFieldSet(ctx, lastApplied, o.schema);
  } catch {
    return undefined;
  }
  const c = compare(ctx, lastApplied, live, o.schema);
  return set.difference(c.modified).difference(c.added).difference(c.removed);
}

/** Upstream lastAppliedUpdater: keep an existing last-applied annotation equal to what `kubectl` server-side applied. */
function syncLastApplied(object: KObject, applied: KObject): void {
  const annotations = object.metadata?.annotations;
  if (!annotations?.[LAST_APPLIED_ANNOTATION]) return;
  const copy = deepCopy(applied);
  if (copy.metadata?.annotations) delete copy.metadata.annotations[LAST_APPLIED_ANNOTATION];
  annotations[LAST_APPLIED_ANNOTATION] = goJson(copy);
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) size += k.length + String(v).length;
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
}

function printManager(id: string): string {
  let e: { manager?: string; operation?: string; apiVersion?: string; subresource?: string };
  try {
    e = JSON.parse(id);
  } catch {
    return JSON.stringify(id);
  }
  let s = JSON.stringify(e.manager ?? '');
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion ?? ''}`;
  return s;
}

/** The 409 upstream's NewConflictError builds (details carry only the causes). */
export function conflictError(conflicts: Array<{ manager: string; path: Path }>): StatusError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), pathString(c.path)]);
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${printManager(m)}:`);
      for (const p of byManager.get(m)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
