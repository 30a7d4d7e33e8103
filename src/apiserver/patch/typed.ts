/**
 * Schema-aware walks over objects, after structured-merge-diff's typed package:
 * the field set an object specifies (ToFieldSet), the added/modified/removed sets
 * between two objects (Compare), the apply merge (Merge) and removal of a field set
 * (RemoveItems). Values without schema are "deduced": maps are granular, lists atomic.
 */
import type { Schema } from '../../api/types.js';
import { FieldSet, fieldPE, keyPE, pathString, serializePE, type Path, type PathElement } from './fieldset.js';
import { deepCopy, deepEqual, isObject } from './json.js';
import { fieldSchema, isDeclaredField, smdType, type SchemaResolver, type SmdType } from './schema-lookup.js';

export interface TypedContext {
  resolve: SchemaResolver;
  /**
   * Built-in kinds are Go structs whose zero value already holds nested structs, so a
   * struct appearing on create is not itself "added" upstream (no `.` entry for
   * `f:spec`); custom resources start from an empty map and do get one.
   */
  builtin: boolean;
}

/** A list item that cannot be keyed (missing key field, not a scalar in a set). */
export class TypedError extends Error {}

function typeOf(ctx: TypedContext, schema: Schema | undefined, value: unknown): SmdType {
  const t = smdType(ctx.resolve, schema);
  if (t.kind !== 'deduced') return t;
  if (isObject(value)) return { kind: 'map', atomic: false, struct: false, schema: undefined };
  if (Array.isArray(value)) return { kind: 'list', relationship: 'atomic', keys: [], item: undefined };
  return { kind: 'scalar' };
}

/** The path element of a list item, or throws TypedError. */
export function itemPE(ctx: TypedContext, t: Extract<SmdType, { kind: 'list' }>, item: unknown, index: number): PathElement {
  if (t.relationship === 'set') {
    if (isObject(item) || Array.isArray(item)) throw new TypedError(`element ${index}: associative list without keys has an element that's a map type`);
    return { v: item };
  }
  if (t.relationship === 'map') {
    if (!isObject(item)) throw new TypedError(`element ${index}: associative list with keys has an element that's not a map type`);
    if (t.keys.length === 0) return { i: index };
    const fields: Record<string, unknown> = {};
    for (const k of t.keys) {
      if (item[k] !== undefined && item[k] !== null) {
        fields[k] = item[k];
        continue;
      }
      const def = ctx.resolve(fieldSchema(ctx.resolve, t.item, k))?.default;
      if (def === undefined) throw new TypedError(`element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
      fields[k] = def;
    }
    return keyPE(fields);
  }
  return { i: index };
}

function childSchema(ctx: TypedContext, t: Extract<SmdType, { kind: 'map' }>, key: string): Schema | undefined {
  return fieldSchema(ctx.resolve, t.schema, key);
}

// ---------------------------------------------------------------------------------
// ToFieldSet

/**
 * The fields `value` specifies. Strict by default (an applied configuration with an
 * unkeyable or duplicate list item is an error upstream); `lenient` skips such items,
 * as upstream tolerates them in live objects.
 */
export function toFieldSet(ctx: TypedContext, value: unknown, schema: Schema | undefined, opts: { lenient?: boolean } = {}): FieldSet {
  const set = new FieldSet();
  walkSet(ctx, value, schema, [], set, !!opts.lenient);
  return set;
}

function walkSet(ctx: TypedContext, value: unknown, schema: Schema | undefined, path: Path, set: FieldSet, lenient: boolean): void {
  const t = typeOf(ctx, schema, value);
  if (t.kind === 'scalar') {
    set.insert(path);
  } else if (t.kind === 'list') {
    if (t.relationship === 'atomic') {
      set.insert(path);
      return;
    }
    if (!Array.isArray(value)) return;
    const seen = new Set<string>();
    value.forEach((item, i) => {
      let pe: PathElement;
      try {
        pe = itemPE(ctx, t, item, i);
      } catch (err) {
        if (lenient) return;
        throw new TypedError(`${pathString(path)}: ${(err as Error).message}`);
      }
      const key = serializePE(pe);
      if (seen.has(key)) {
        if (lenient) return;
        throw new TypedError(`${pathString(path)}: duplicate entries for key ${key.slice(2)}`);
      }
      seen.add(key);
      const p = [...path, pe];
      walkSet(ctx, item, t.item, p, set, lenient);
      set.insert(p);
    });
  } else if (t.kind === 'map') {
    if (t.atomic) {
      set.insert(path);
      return;
    }
    if (!isObject(value)) return;
    for (const key of Object.keys(value)) {
      const v = value[key];
      if (v === undefined) continue;
      const p = [...path, fieldPE(key)];
      walkSet(ctx, v, childSchema(ctx, t, key), p, set, lenient);
      const declared = t.struct && isDeclaredField(ctx.resolve, t.schema, key);
      if (v === null || (isObject(v) && Object.keys(v).length === 0) || !declared) set.insert(p);
    }
  }
}

// ---------------------------------------------------------------------------------
// Compare

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Differences from `lhs` (old) to `rhs` (new). Items that cannot be keyed are skipped. */
export function compare(ctx: TypedContext, lhs: unknown, rhs: unknown, schema: Schema | undefined): Comparison {
  if (lhs === undefined && rhs !== undefined) return { added: addedFields(ctx, rhs, schema, 'root').set ?? new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(ctx, lhs, rhs, schema, [], c, 'root');
  return c;
}

/**
 * What `walkCompare` adds when everything is new (every create), built bottom-up: each
 * level's set is made once instead of every leaf being inserted from the root. Returns
 * the fields beneath `value` and whether `value`'s own path is a member.
 */
function addedFields(ctx: TypedContext, value: unknown, schema: Schema | undefined, origin: Origin): { set: FieldSet | undefined; member: boolean } {
  if (value === undefined) return { set: undefined, member: true };
  const t = typeOf(ctx, schema, value);
  if (t.kind === 'scalar' || (t.kind === 'list' && t.relationship === 'atomic') || (t.kind === 'map' && t.atomic) || isEmptyish(value)) {
    return { set: undefined, member: true };
  }
  let set: FieldSet | undefined;
  const add = (pe: PathElement, child: { set: FieldSet | undefined; member: boolean }) => {
    if (!child.member && !child.set) return;
    set ??= new FieldSet();
    const key = serializePE(pe);
    if (child.member) set.members.set(key, pe);
    if (child.set) set.children.set(key, { pe, set: child.set });
  };
  if (t.kind === 'list') {
    for (const { pe, item } of indexItems(ctx, t, value).values()) add(pe, addedFields(ctx, item, t.item, 'item'));
    return { set, member: true };
  }
  if (t.kind === 'map' && isObject(value)) {
    for (const key of Object.keys(value)) add(fieldPE(key), addedFields(ctx, value[key], childSchema(ctx, t, key), 'field'));
  }
  const implicitStruct = ctx.builtin && origin === 'field' && t.kind === 'map' && t.struct;
  return { set, member: !implicitStruct };
}

type Origin = 'root' | 'field' | 'item';

function valueKind(v: unknown): 'map' | 'list' | 'scalar' {
  return Array.isArray(v) ? 'list' : isObject(v) ? 'map' : 'scalar';
}

function isEmptyish(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

function leaf(lhs: unknown, rhs: unknown, path: Path, c: Comparison): void {
  if (path.length === 0) return;
  if (lhs === undefined) c.added.insert(path);
  else if (rhs === undefined) c.removed.insert(path);
  else if (!deepEqual(lhs, rhs)) c.modified.insert(path);
}

function walkCompare(ctx: TypedContext, lhs: unknown, rhs: unknown, schema: Schema | undefined, path: Path, c: Comparison, origin: Origin): void {
  if (lhs != null && rhs != null && valueKind(lhs) !== valueKind(rhs)) {
    leaf(lhs, rhs, path, c);
    return;
  }
  const t = typeOf(ctx, schema, rhs ?? lhs);
  if (t.kind === 'scalar') {
    leaf(lhs, rhs, path, c);
    return;
  }
  if ((t.kind === 'list' && t.relationship === 'atomic') || (t.kind === 'map' && t.atomic) || (isEmptyish(lhs) && isEmptyish(rhs))) {
    leaf(lhs, rhs, path, c);
    return;
  }
  // `path` is one stack for the whole walk (pushed and popped around each child): FieldSet.insert keeps elements, never the array.
  if (t.kind === 'list') {
    const l = indexItems(ctx, t, lhs);
    const r = indexItems(ctx, t, rhs);
    for (const [key, li] of l) {
      path.push(li.pe);
      walkCompare(ctx, li.item, r.get(key)?.item, t.item, path, c, 'item');
      path.pop();
    }
    for (const [key, ri] of r) {
      if (l.has(key)) continue;
      path.push(ri.pe);
      walkCompare(ctx, undefined, ri.item, t.item, path, c, 'item');
      path.pop();
    }
  } else if (t.kind === 'map') {
    const lo = isObject(lhs) ? lhs : {};
    const ro = isObject(rhs) ? rhs : {};
    for (const key of Object.keys(lo)) {
      path.push(fieldPE(key));
      walkCompare(ctx, lo[key], ro[key], childSchema(ctx, t, key), path, c, 'field');
      path.pop();
    }
    for (const key of Object.keys(ro)) {
      if (key in lo) continue;
      path.push(fieldPE(key));
      walkCompare(ctx, undefined, ro[key], childSchema(ctx, t, key), path, c, 'field');
      path.pop();
    }
  }
  if (path.length === 0) return;
  if (lhs === undefined) {
    const implicitStruct = ctx.builtin && origin === 'field' && t.kind === 'map' && t.struct;
    if (!implicitStruct) c.added.insert(path);
  } else if (rhs === undefined) {
    c.removed.insert(path);
  }
}

interface Indexed {
  pe: PathElement;
  item: unknown;
}

function indexItems(ctx: TypedContext, t: Extract<SmdType, { kind: 'list' }>, list: unknown): Map<string, Indexed> {
  const out = new Map<string, Indexed>();
  if (!Array.isArray(list)) return out;
  list.forEach((item, i) => {
    let pe: PathElement;
    try {
      pe = itemPE(ctx, t, item, i);
    } catch {
      return;
    }
    const key = serializePE(pe);
    if (!out.has(key)) out.set(key, { pe, item });
  });
  return out;
}

// ---------------------------------------------------------------------------------
// Merge (apply)

/** Merges an applied configuration into the live object: `rhs` wins on leaves, associative lists merge by key. */
export function merge(ctx: TypedContext, lhs: unknown, rhs: unknown, schema: Schema | undefined): unknown {
  if (rhs === undefined) return deepCopy(lhs);
  if (lhs === undefined || lhs === null || rhs === null) return deepCopy(rhs);
  const t = typeOf(ctx, schema, rhs);
  if (t.kind === 'map' && !t.atomic && isObject(lhs) && isObject(rhs)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(lhs)) out[key] = key in rhs ? merge(ctx, lhs[key], rhs[key], childSchema(ctx, t, key)) : deepCopy(lhs[key]);
    for (const key of Object.keys(rhs)) if (!(key in lhs)) out[key] = deepCopy(rhs[key]);
    return out;
  }
  if (t.kind === 'list' && t.relationship !== 'atomic' && Array.isArray(lhs) && Array.isArray(rhs)) {
    return mergeList(ctx, t, lhs, rhs);
  }
  return deepCopy(rhs);
}

/**
 * Item order as structured-merge-diff's merge produces it: walk both lists, emitting
 * shared items in the applied order, live-only items where they stood.
 */
function mergeList(ctx: TypedContext, t: Extract<SmdType, { kind: 'list' }>, lhs: unknown[], rhs: unknown[]): unknown[] {
  const l = [...indexItems(ctx, t, lhs).entries()];
  const rMap = indexItems(ctx, t, rhs);
  const r = [...rMap.entries()];
  const lMap = new Map(l);
  const shared = r.filter(([k]) => lMap.has(k)).map(([k]) => k);
  let nextShared = 0;
  const out: unknown[] = [];
  let li = 0;
  let ri = 0;
  while (li < l.length || ri < r.length) {
    if (li < l.length && ri < r.length) {
      const [lk] = l[li];
      if (lk === r[ri][0]) {
        out.push(merge(ctx, l[li][1].item, r[ri][1].item, t.item));
        li++;
        ri++;
        nextShared++;
        continue;
      }
      if (rMap.has(lk) && nextShared < shared.length && shared[nextShared] !== lk) {
        li++;
        continue;
      }
    }
    if (li < l.length && !rMap.has(l[li][0])) {
      out.push(deepCopy(l[li][1].item));
      li++;
      continue;
    }
    if (ri < r.length) {
      const [rk, rv] = r[ri];
      const lv = lMap.get(rk);
      out.push(lv ? merge(ctx, lv.item, rv.item, t.item) : deepCopy(rv.item));
      ri++;
      if (nextShared < shared.length && shared[nextShared] === rk) nextShared++;
    } else {
      li++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------
// RemoveItems

const REMOVED = Symbol('removed');

/** `value` without the fields in `toRemove`; containers emptied by the removal disappear. */
export function removeItems(ctx: TypedContext, value: unknown, toRemove: FieldSet, schema: Schema | undefined): unknown {
  const out = removeWalk(ctx, value, toRemove, schema);
  return out === REMOVED ? undefined : out;
}

function removeWalk(ctx: TypedContext, value: unknown, toRemove: FieldSet, schema: Schema | undefined): unknown {
  const t = typeOf(ctx, schema, value);
  if (t.kind === 'list' && t.relationship !== 'atomic' && Array.isArray(value) && value.length > 0) {
    const out: unknown[] = [];
    value.forEach((item, i) => {
      let pe: PathElement;
      try {
        pe = itemPE(ctx, t, item, i);
      } catch {
        out.push(deepCopy(item));
        return;
      }
      if (toRemove.members.has(serializePE(pe))) return;
      const sub = toRemove.withPrefix(pe);
      const v = sub.isEmpty() ? deepCopy(item) : removeWalk(ctx, item, sub, t.item);
      if (v !== REMOVED) out.push(v);
    });
    return out.length ? out : REMOVED;
  }
  if (t.kind === 'map' && !t.atomic && isObject(value) && Object.keys(value).length > 0) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const pe = fieldPE(key);
      if (toRemove.members.has(serializePE(pe))) continue;
      const sub = toRemove.withPrefix(pe);
      const v = sub.isEmpty() ? deepCopy(value[key]) : removeWalk(ctx, value[key], sub, childSchema(ctx, t, key));
      if (v !== REMOVED) out[key] = v;
    }
    return Object.keys(out).length ? out : REMOVED;
  }
  return deepCopy(value);
}

/** Upstream EnsureNamedFieldsAreMembers: declared struct fields with children count as members. */
export function ensureNamedFieldsAreMembers(ctx: TypedContext, set: FieldSet, schema: Schema | undefined): FieldSet {
  const out = new FieldSet();
  const t = smdType(ctx.resolve, schema);
  for (const [k, pe] of set.members) out.members.set(k, pe);
  for (const [k, c] of set.children) {
    let sub: Schema | undefined;
    if ('f' in c.pe && t.kind === 'map') {
      if (t.struct && isDeclaredField(ctx.resolve, t.schema, c.pe.f)) out.members.set(k, c.pe);
      sub = fieldSchema(ctx.resolve, t.schema, c.pe.f);
    } else if (t.kind === 'list') {
      sub = t.item;
    }
    out.children.set(k, { pe: c.pe, set: ensureNamedFieldsAreMembers(ctx, c.set, sub) });
  }
  return out;
}
