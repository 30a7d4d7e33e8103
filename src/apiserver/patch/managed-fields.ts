/**
 * `metadata.managedFields` bookkeeping (after apiserver's fieldmanager package): decoding
 * and encoding entries, validating user-supplied ones, and the update path every ordinary
 * write (create, update, patch) takes. Server-side apply lives in apply.ts and shares
 * the machinery here.
 */
import type { FieldError, KObject, ManagedFieldsEntry, Schema, SchemaDefinitions } from '../../api/types.js';
import { FieldSet, fieldPE, type Path } from './fieldset.js';
import { deepCopy, isObject } from './json.js';
import { metaTime } from '../../api/time.js';
import { resolverFor, type SchemaResolver } from './schema-lookup.js';
import { compare, type Comparison, type TypedContext } from './typed.js';

/** One manager's ownership, keyed in `Managed` by its identifier. */
export interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

export type Managed = Map<string, ManagerEntry>;

/** Upstream DefaultMaxUpdateManagers and the bucket older updates are folded into. */
export const MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = 'ancient-changes';

/**
 * The manager identifier upstream keys ownership by (BuildManagerIdentifier): the entry
 * without time and fields, and for appliers without apiVersion, as JSON.
 */
export function managerIdentifier(e: { manager: string; operation: string; apiVersion?: string; subresource?: string }): string {
  const id: Record<string, string> = {};
  if (e.manager) id.manager = e.manager;
  if (e.operation) id.operation = e.operation;
  if (e.operation !== 'Apply' && e.apiVersion) id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

/** Fields never tracked (upstream stripmeta.go); removed non-recursively from the writer's set. */
export const STRIPPED_FIELDS: FieldSet = FieldSet.fromPaths(
  [['apiVersion'], ['kind'], ['metadata'], ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['metadata', f])].map(
    (p) => p.map(fieldPE),
  ),
);

const PRINTABLE = /^[^\p{C}\p{Z}]$|^ $/u;

/** Upstream ValidateManagedFields, plus the shape checks JSON input needs. Field paths are relative to `fieldPath`. */
export function validateManagedFields(value: unknown, fieldPath = 'metadata.managedFields'): FieldError[] {
  return checkManagedFields(value, fieldPath, []);
}

/** validateManagedFields, keeping each entry's parsed `fieldsV1` in `sets` (so that decoding parses once). */
function checkManagedFields(value: unknown, fieldPath: string, sets: Array<FieldSet | undefined>): FieldError[] {
  const errs: FieldError[] = [];
  if (value === undefined || value === null) return errs;
  if (!Array.isArray(value)) return [{ reason: 'FieldValueTypeInvalid', field: fieldPath, message: 'Invalid value: "object": must be an array' }];
  value.forEach((e, i) => {
    const at = `${fieldPath}[${i}]`;
    if (!isObject(e)) {
      errs.push({ reason: 'FieldValueTypeInvalid', field: at, message: 'Invalid value: must be an object' });
      return;
    }
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push({ reason: 'FieldValueInvalid', field: `${at}.operation`, message: `Invalid value: ${JSON.stringify(e.operation ?? '')}: must be \`Apply\` or \`Update\`` });
    }
    if (e.fieldsType !== undefined && e.fieldsType !== '' && e.fieldsType !== 'FieldsV1') {
      errs.push({ reason: 'FieldValueInvalid', field: `${at}.fieldsType`, message: `Invalid value: ${JSON.stringify(e.fieldsType)}: must be \`FieldsV1\`` });
    }
    const manager = e.manager ?? '';
    if (typeof manager !== 'string') {
      errs.push({ reason: 'FieldValueTypeInvalid', field: `${at}.manager`, message: 'Invalid value: must be a string' });
    } else {
      if (manager.length > 128) errs.push({ reason: 'FieldValueTooLong', field: `${at}.manager`, message: 'Too long: may not be more than 128 bytes' });
      [...manager].forEach((ch, pos) => {
        if (!PRINTABLE.test(ch)) {
          const cp = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
          errs.push({ reason: 'FieldValueInvalid', field: `${at}.manager`, message: `Invalid value: ${JSON.stringify(manager)}: invalid character U+${cp} (at position ${pos})` });
        }
      });
    }
    if (typeof e.subresource === 'string' && e.subresource.length > 256) {
      errs.push({ reason: 'FieldValueTooLong', field: `${at}.subresource`, message: 'Too long: may not be more than 256 bytes' });
    }
    if (e.time !== undefined && e.time !== null && (typeof e.time !== 'string' || Number.isNaN(Date.parse(e.time)))) {
      errs.push({ reason: 'FieldValueTypeInvalid', field: `${at}.time`, message: `Invalid value: ${JSON.stringify(e.time)}: must be an RFC3339 time` });
    }
    if (e.fieldsV1 !== undefined && e.fieldsV1 !== null) {
      try {
        sets[i] = decodeFields(e.fieldsV1);
      } catch (err) {
        errs.push({ reason: 'FieldValueInvalid', field: `${at}.fieldsV1`, message: `Invalid value: ${(err as Error).message}` });
      }
    }
  });
  return errs;
}

/** Decodes entries; throws an Error (upstream: "failed to decode managed fields") when malformed. */
export function decodeManagedFields(entries: unknown): Managed {
  const out: Managed = new Map();
  if (entries === undefined || entries === null) return out;
  const sets: Array<FieldSet | undefined> = [];
  const errs = checkManagedFields(entries, 'metadata.managedFields', sets);
  if (errs.length) throw new Error(`failed to decode managed fields: ${errs[0].field}: ${errs[0].message}`);
  (entries as ManagedFieldsEntry[]).forEach((e, i) => {
    const entry: ManagerEntry = {
      manager: e.manager ?? '',
      operation: e.operation as 'Apply' | 'Update',
      apiVersion: e.apiVersion ?? '',
      set: sets[i] ?? new FieldSet(),
    };
    if (e.subresource) entry.subresource = e.subresource;
    if (e.time) entry.time = e.time;
    const id = managerIdentifier(entry);
    if (out.has(id)) throw new Error(`failed to decode managed fields: duplicate entry for ${id}`);
    out.set(id, entry);
  });
  return out;
}

/**
 * The `fieldsV1` each decoded or encoded set came from or went to. Sets are never changed
 * once built (every operation returns a new one), so a manager whose fields a write left
 * alone keeps its JSON as it was instead of having it re-encoded.
 */
const fieldsJSON = new WeakMap<FieldSet, Record<string, unknown>>();

function decodeFields(json: unknown): FieldSet {
  const set = FieldSet.fromJSON(json);
  fieldsJSON.set(set, json as Record<string, unknown>);
  return set;
}

function encodeFields(set: FieldSet): Record<string, unknown> {
  let json = fieldsJSON.get(set);
  if (!json) {
    json = set.toJSON();
    fieldsJSON.set(set, json);
  }
  return json;
}

/** Entries in upstream's order: Apply before Update, then by time, manager, apiVersion, subresource. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] {
  const entries = [...managed.values()].filter((e) => !e.set.isEmpty());
  const seconds = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  entries.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? '', q.subresource ?? ''),
  );
  return entries.map((e) => {
    const out: ManagedFieldsEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time) out.time = e.time;
    out.fieldsType = 'FieldsV1';
    out.fieldsV1 = encodeFields(e.set);
    if (e.subresource) out.subresource = e.subresource;
    return out;
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function copyManaged(m: Managed): Managed {
  const out: Managed = new Map();
  for (const [k, e] of m) out.set(k, { ...e });
  return out;
}

export function withoutManagedFields(obj: KObject | undefined): KObject {
  const copy = (obj ? deepCopy(obj) : {}) as KObject;
  if (copy.metadata) delete copy.metadata.managedFields;
  return copy;
}

export function ignoredSet(ignoredPaths: string[][] | undefined): FieldSet | undefined {
  if (!ignoredPaths?.length) return undefined;
  return FieldSet.fromPaths(ignoredPaths.map((p) => p.map(fieldPE) as Path));
}

export interface SchemaOptions {
  /** Schema of the whole object, e.g. `{ $ref: 'io.k8s.api.apps.v1.Deployment' }`. Absent: untyped (CRD without schema). */
  schema?: Schema;
  definitions?: SchemaDefinitions;
  resolve?: SchemaResolver;
  /** False for custom resources (see TypedContext.builtin). Default true. */
  builtin?: boolean;
  /**
   * Paths reset by the write's strategy and therefore never owned or conflicting, e.g.
   * `[['status']]` for the main resource of a kind with a status subresource.
   */
  ignoredPaths?: string[][];
}

export function typedContext(o: SchemaOptions): TypedContext {
  return { resolve: o.resolve ?? resolverFor(o.definitions), builtin: o.builtin ?? true };
}

export class ConflictsError extends Error {
  constructor(readonly conflicts: Array<{ manager: string; path: Path }>) {
    super('conflicts');
  }
}

/**
 * Upstream Updater.update: other managers lose fields this write removed, and fields it
 * changed (or, without force, the write fails with their conflicts).
 */
export function updateOthers(opts: {
  ctx: TypedContext;
  schema: Schema | undefined;
  oldObj: unknown;
  newObj: unknown;
  managed: Managed;
  self: string;
  force: boolean;
  ignored?: FieldSet;
}): { managed: Managed; comparison: Comparison } {
  const raw = compare(opts.ctx, opts.oldObj, opts.newObj, opts.schema);
  const comparison = opts.ignored
    ? { added: raw.added.recursiveDifference(opts.ignored), modified: raw.modified.recursiveDifference(opts.ignored), removed: raw.removed.recursiveDifference(opts.ignored) }
    : raw;
  const changed = comparison.modified.union(comparison.added);
  const managed = copyManaged(opts.managed);
  const conflicts: Array<{ key: string; set: FieldSet }> = [];
  for (const [key, e] of managed) {
    if (key === opts.self) continue;
    const c = e.set.intersection(changed);
    if (!c.isEmpty()) conflicts.push({ key, set: c });
  }
  if (!opts.force && conflicts.length) {
    const list: Array<{ manager: string; path: Path }> = [];
    for (const c of conflicts.sort((a, b) => cmp(a.key, b.key))) for (const p of c.set.paths()) list.push({ manager: c.key, path: p });
    throw new ConflictsError(list);
  }
  for (const c of conflicts) {
    const e = managed.get(c.key)!;
    managed.set(c.key, { ...e, set: e.set.difference(c.set) });
  }
  if (!comparison.removed.isEmpty()) {
    for (const [key, e] of managed) if (key !== opts.self) managed.set(key, { ...e, set: e.set.difference(comparison.removed) });
  }
  for (const [key, e] of managed) if (e.set.isEmpty()) managed.delete(key);
  return { managed, comparison };
}

/** Upstream capManagersManager: fold the oldest Update entries into `ancient-changes` per apiVersion. */
export function capUpdateManagers(managed: Managed, max = MAX_UPDATE_MANAGERS): Managed {
  const updaters = [...managed.entries()].filter(([, e]) => e.operation === 'Update').map(([k]) => k);
  if (updaters.length <= max) return managed;
  const out = copyManaged(managed);
  const secs = (k: string) => {
    const t = out.get(k)?.time;
    return t ? Math.floor(Date.parse(t) / 1000) : 0;
  };
  updaters.sort((a, b) => secs(a) - secs(b) || cmp(a, b));
  const firstForVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const key = updaters[i];
    const e = out.get(key)!;
    const bucket = managerIdentifier({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: e.apiVersion });
    const first = firstForVersion.get(e.apiVersion);
    if (first === undefined) {
      firstForVersion.set(e.apiVersion, key);
      continue;
    }
    if (!out.has(bucket)) {
      const f = out.get(first)!;
      out.delete(first);
      out.set(bucket, { ...f, manager: ANCIENT_CHANGES, operation: 'Update', subresource: undefined });
    }
    const b = out.get(bucket)!;
    out.set(bucket, { ...b, set: e.set.union(b.set), time: e.time });
    out.delete(key);
    length--;
  }
  return out;
}

export interface UpdateManagedFieldsOptions extends SchemaOptions {
  /** The stored object before the write; undefined on create. */
  live?: KObject;
  /** The object about to be stored (its managedFields, if the client sent any, are honoured as upstream does). */
  updated: KObject;
  manager: string;
  /** The request's group/version, e.g. `apps/v1`. */
  apiVersion: string;
  subresource?: string;
  now: Date;
}

/**
 * Managed fields after an ordinary write (upstream FieldManager.Update): the manager
 * gains what it added or changed, everyone loses what it removed. Returns a copy of
 * `updated` carrying the new `metadata.managedFields`. Never throws: as upstream, broken
 * managed fields are dropped rather than failing the write.
 */
export function updateManagedFields(o: UpdateManagedFieldsOptions): { object: KObject; managedFields: ManagedFieldsEntry[] } {
  const object = stripManagedFields(o.updated)!;
  const sent = o.updated.metadata?.managedFields;
  if (Array.isArray(sent) && sent.length === 1 && isObject(sent[0]) && Object.keys(sent[0]).length === 0) {
    // A single empty entry is the documented way to reset managed fields.
    return { object, managedFields: [] };
  }
  const ctx = typedContext(o);
  let managed: Managed;
  try {
    managed = new Map();
    if (!o.subresource && Array.isArray(sent) && sent.length > 0) managed = decodeManagedFields(sent);
    if (managed.size === 0) managed = decodeManagedFields(o.live?.metadata?.managedFields);
  } catch {
    managed = safeDecode(o.live?.metadata?.managedFields);
  }
  // Whole top-level fields this write cannot own (spec and metadata of a status update,
  // status of a main-resource update) are left out of the comparison: walking them only
  // to discard what they yield was most of a status update's cost.
  const skipped = (o.ignoredPaths ?? []).filter((p) => p.length === 1).map((p) => p[0]!);
  const live = stripManagedFields(omitTop(o.live, skipped));
  const ignored = ignoredSet(o.ignoredPaths);
  const self = '\u0000current-operation';
  const { managed: after, comparison } = updateOthers({ ctx, schema: o.schema, oldObj: live, newObj: omitTop(object, skipped) as KObject, managed, self, force: true, ignored });
  let mine = comparison.modified.union(comparison.added).difference(STRIPPED_FIELDS);
  if (ignored) mine = mine.recursiveDifference(ignored);
  const id = managerIdentifier({ manager: o.manager, operation: 'Update', apiVersion: o.apiVersion, subresource: o.subresource });
  if (!mine.isEmpty()) {
    const prev = after.get(id);
    const entry: ManagerEntry = { manager: o.manager, operation: 'Update', apiVersion: o.apiVersion, time: metaTime(o.now), set: !prev ? mine : mine.isSubsetOf(prev.set) ? prev.set : mine.union(prev.set) };
    if (o.subresource) entry.subresource = o.subresource;
    after.set(id, entry);
  }
  const managedFields = encodeManagedFields(capUpdateManagers(after));
  object.metadata ??= {};
  if (managedFields.length) object.metadata.managedFields = managedFields;
  return { object, managedFields };
}

/** A copy without `metadata.managedFields`, shallow below metadata: the walks below only read. */
function stripManagedFields(obj: KObject | undefined): KObject | undefined {
  if (!obj) return undefined;
  if (!obj.metadata) return { ...obj };
  const { managedFields: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function omitTop(obj: KObject | undefined, keys: string[]): KObject | undefined {
  if (!obj || !keys.length) return obj;
  const rest: KObject = { ...obj };
  for (const k of keys) delete rest[k];
  return rest;
}

function safeDecode(entries: unknown): Managed {
  try {
    return decodeManagedFields(entries);
  } catch {
    return new Map();
  }
}
