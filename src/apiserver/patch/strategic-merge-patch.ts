/**
 * The server half of strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch,
 * StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls), driven by the
 * catalogue's `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`:
 *
 * - maps merge recursively, `null` deletes; `$patch: replace|delete` on a map;
 * - lists with strategy `merge` merge by merge key (maps) or as a union (primitives);
 *   items `{$patch: delete, <key>: v}` remove, `{$patch: replace}` replaces the list;
 * - `$deleteFromPrimitiveList/<f>`, `$setElementOrder/<f>`, `$retainKeys`;
 * - any other list is replaced wholesale. Fields without schema behave the same way.
 *
 * Order rules follow upstream: `$setElementOrder` > order in the patch > order in the
 * live list. Inputs are not modified.
 */
import type { Schema, SchemaDefinitions } from '../../api/types.js';
import { StatusError } from '../../api/errors.js';
import { badPatch, PatchApplyError } from './errors.js';
import { goKindOf, goValue } from './gofmt.js';
import { deepCopy, isObject, type JsonObject } from './json.js';
import { fieldSchema, itemsSchema, patchMeta, resolverFor, type SchemaResolver } from './schema-lookup.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

const ERR_BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_BAD_SET_ORDER = 'invalid patch format of setElementOrder list';
const ERR_NO_LIST_OF_LISTS = 'lists of lists are not supported';

export interface StrategicMergeOptions {
  /** Schema of the patched object (e.g. `{ $ref: 'io.k8s.api.apps.v1.Deployment' }`); absent means untyped. */
  schema?: Schema;
  definitions?: SchemaDefinitions;
  /** Alternative to `definitions`. */
  resolve?: SchemaResolver;
}

/** Applies a strategic merge patch; returns a new object. */
export function applyStrategicMergePatch<T = unknown>(doc: T, patch: unknown, options: StrategicMergeOptions = {}): T {
  if (patch !== null && !isObject(patch)) {
    throw badPatch(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`);
  }
  const resolve = options.resolve ?? resolverFor(options.definitions);
  const original = isObject(doc) ? (deepCopy(doc) as JsonObject) : {};
  if (patch === null) return original as T;
  const ctx: Ctx = { resolve };
  return mergeMap(ctx, original, deepCopy(patch), options.schema) as T;
}

interface Ctx {
  resolve: SchemaResolver;
}

/**
 * Patches that do not fit the object. Upstream answers these with a bare 500
 * (kubernetes/kubernetes#79210); a client's mistake is a 4xx here, as the generic 422
 * of patches that cannot be applied.
 */
function internal(message: string): StatusError {
  return new StatusError(422, 'Invalid', message, {});
}

function mergeMap(ctx: Ctx, original: JsonObject | undefined, patch: JsonObject, schema: Schema | undefined): JsonObject {
  if (Object.prototype.hasOwnProperty.call(patch, DIRECTIVE)) return directiveInMap(patch[DIRECTIVE], patch);
  const orig: JsonObject = original ?? {};
  applyRetainKeys(orig, patch);
  mergeSetElementOrder(ctx, orig, patch, schema);

  for (const rawKey of Object.keys(patch)) {
    let key = rawKey;
    const patchV = patch[rawKey];
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE)) {
      key = extractKey(rawKey, DELETE_FROM_PRIMITIVE, ERR_BAD_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete orig[key];
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(orig, key) || orig[key] === undefined) {
      if (!isDeleteList) setOrDrop(orig, key, removeDirectives(discardNulls(patchV)));
      continue;
    }
    const origV = orig[key];
    if (kindOf(origV) !== kindOf(patchV)) {
      if (!isDeleteList) setOrDrop(orig, key, removeDirectives(discardNulls(patchV)));
      continue;
    }
    const sub = fieldSchema(ctx.resolve, schema, key);
    const meta = patchMeta(ctx.resolve, sub);
    if (isObject(origV) && isObject(patchV)) {
      orig[key] = meta.strategy === 'replace' ? stripDirectiveMarker(patchV) : mergeMap(ctx, origV, patchV, sub);
    } else if (Array.isArray(origV) && Array.isArray(patchV)) {
      if (isDeleteList) {
        orig[key] = deleteFromSlice(origV, patchV) as JsonObject[];
      } else if (meta.strategy === 'merge') {
        orig[key] = mergeSlice(ctx, origV, patchV, itemsSchema(ctx.resolve, sub), meta.mergeKey) as JsonObject[];
      } else {
        orig[key] = removeDirectives(patchV) as JsonObject[];
      }
    } else {
      setOrDrop(orig, key, removeDirectives(patchV));
    }
  }
  return orig;
}

function setOrDrop(target: JsonObject, key: string, v: unknown): void {
  if (v === DROP) delete target[key];
  else target[key] = v as JsonObject;
}

function kindOf(v: unknown): 'map' | 'list' | 'scalar' {
  return Array.isArray(v) ? 'list' : isObject(v) ? 'map' : 'scalar';
}

function directiveInMap(directive: unknown, patch: JsonObject): JsonObject {
  if (directive === 'replace') return stripDirectiveMarker(patch);
  if (directive === 'delete') return {};
  throw internal(`unknown patch type: ${goValue(directive)} in map: ${goValue(patch)}`);
}

function stripDirectiveMarker(m: JsonObject): JsonObject {
  const out = { ...m };
  delete out[DIRECTIVE];
  return out;
}

function extractKey(s: string, prefix: string, err: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) throw badPatch(err);
  return s.slice(slash + 1);
}

const DROP = Symbol('drop');

/** Upstream's removeDirectives: a map carrying `$patch` is dropped; other directive keys are stripped too (they would be unknown fields). */
function removeDirectives(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const r = removeDirectives(item);
      if (r !== DROP) out.push(r);
    }
    return out;
  }
  if (isObject(v)) {
    if (Object.prototype.hasOwnProperty.call(v, DIRECTIVE)) return DROP;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      if (k === RETAIN_KEYS || k.startsWith(SET_ELEMENT_ORDER + '/') || k.startsWith(DELETE_FROM_PRIMITIVE + '/')) continue;
      const r = removeDirectives(v[k]);
      if (r !== DROP) out[k] = r;
    }
    return out;
  }
  return v;
}

function discardNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(discardNulls);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) if (v[k] !== null) out[k] = discardNulls(v[k]);
    return out;
  }
  return v;
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.prototype.hasOwnProperty.call(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badPatch(ERR_BAD_RETAIN_KEYS);
  const keep = new Set(list.map((k) => String(k)));
  for (const k of Object.keys(patch)) {
    if (patch[k] === null || k.startsWith(DELETE_FROM_PRIMITIVE) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw badPatch(ERR_BAD_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** Processes `$setElementOrder/<f>` together with `<f>` and removes both from the patch. */
function mergeSetElementOrder(ctx: Ctx, original: JsonObject, patch: JsonObject, schema: Schema | undefined): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw internal(`expected a slice, but received a ${goKindOf(order)}`);
    const key = extractKey(directiveKey, SET_ELEMENT_ORDER, ERR_BAD_SET_ORDER);
    const foundOriginal = Object.prototype.hasOwnProperty.call(original, key);
    const foundPatch = Object.prototype.hasOwnProperty.call(patch, key);
    const originalList = foundOriginal ? original[key] : undefined;
    const patchList = foundPatch ? patch[key] : undefined;
    if (foundOriginal && !Array.isArray(originalList)) throw internal(`expected a slice, but received a ${goKindOf(originalList)}`);
    if (foundPatch && !Array.isArray(patchList)) throw internal(`expected a slice, but received a ${goKindOf(patchList)}`);
    const sub = fieldSchema(ctx.resolve, schema, key);
    const meta = patchMeta(ctx.resolve, sub);
    validateSetOrder((patchList as unknown[] | undefined) ?? [], order, meta.mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalList as unknown[];
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList) as unknown[];
    else if (foundOriginal && foundPatch) {
      merged =
        meta.strategy === 'merge'
          ? mergeSlice(ctx, originalList as unknown[], patchList as unknown[], itemsSchema(ctx.resolve, sub), meta.mergeKey)
          : (removeDirectives(patchList) as unknown[]);
    } else continue;

    const { inList, notInList } = partition(merged, order, meta.mergeKey);
    original[key] = normalizeElementOrder(inList, notInList, order, (originalList as unknown[] | undefined) ?? [], meta.mergeKey) as JsonObject[];
    delete patch[key];
  }
}

function validateSetOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey ? patchList.filter((v) => !(isObject(v) && v[DIRECTIVE] === 'delete')) : patchList;
  let pi = 0;
  let oi = 0;
  while (pi < nonDelete.length && oi < order.length) {
    if (isObject(nonDelete[pi]) && Object.prototype.hasOwnProperty.call(nonDelete[pi], DIRECTIVE)) {
      pi++;
      continue;
    }
    if (sameItem(nonDelete[pi], order[oi], mergeKey)) pi++;
    oi++;
  }
  if (pi < nonDelete.length && oi >= order.length) {
    throw internal(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goValue(order)}\n`);
  }
}

function identity(item: unknown, mergeKey: string): unknown {
  return mergeKey ? (isObject(item) ? item[mergeKey] : undefined) : item;
}

function sameItem(a: unknown, b: unknown, mergeKey: string): boolean {
  if (!mergeKey) return a === b;
  if (!isObject(a)) throw internal(`expected a map, but received a ${goKindOf(a)}`);
  if (!isObject(b)) throw internal(`expected a map, but received a ${goKindOf(b)}`);
  if (!(mergeKey in a)) throw noMergeKey(a, mergeKey);
  if (!(mergeKey in b)) throw noMergeKey(b, mergeKey);
  return a[mergeKey] === b[mergeKey];
}

function noMergeKey(m: unknown, key: string): StatusError {
  return internal(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
}

function sliceKind(...lists: unknown[][]): 'map' | 'scalar' | undefined {
  let prev: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = Array.isArray(v) ? 'slice' : v === null ? 'null' : typeof v === 'object' ? 'map' : typeof v;
      if (prev === undefined) {
        if (k === 'slice') throw new PatchApplyError(ERR_NO_LIST_OF_LISTS);
        prev = k;
      } else if (prev !== k) {
        throw internal(`list element types are not identical: ${goValue(lists)}`);
      }
    }
  }
  return prev === undefined ? undefined : prev === 'map' ? 'map' : 'scalar';
}

function mergeSlice(ctx: Ctx, original: unknown[], patch: unknown[], itemSchema: Schema | undefined, mergeKey: string): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceKind(original, patch);
  let merged: unknown[];
  let orig = original;
  let effectivePatch = patch;
  if (kind !== 'map') {
    merged = dedupe([...original, ...patch]);
  } else {
    if (!mergeKey) throw internal('cannot merge lists without merge key for type map');
    const special = applySpecialElements(original, patch, mergeKey);
    orig = special.original;
    effectivePatch = special.patch;
    merged = [...orig];
    // Index by merge key (first occurrence, as a linear search would find): lists of thousands stay linear.
    const at = firstIndexes(merged, mergeKey);
    for (const item of effectivePatch) {
      const m = item as JsonObject;
      if (!(mergeKey in m)) throw noMergeKey(m, mergeKey);
      const idx = at.get(m[mergeKey]) ?? -1;
      if (idx >= 0) merged[idx] = mergeMap(ctx, merged[idx] as JsonObject, m, itemSchema);
      else {
        at.set(m[mergeKey], merged.length);
        merged.push(mergeMap(ctx, {}, m, itemSchema));
      }
    }
  }
  const { inList, notInList } = partition(merged, effectivePatch, kind === 'map' ? mergeKey : '');
  return normalizeElementOrder(inList, notInList, effectivePatch, orig, kind === 'map' ? mergeKey : '');
}

function applySpecialElements(original: unknown[], patch: unknown[], mergeKey: string): { original: unknown[]; patch: unknown[] } {
  const plain: unknown[] = [];
  let replace = false;
  let orig = original;
  for (const v of patch) {
    const m = v as JsonObject;
    if (!Object.prototype.hasOwnProperty.call(m, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const directive = m[DIRECTIVE];
    if (directive === 'delete') {
      if (!(mergeKey in m)) throw noMergeKey(m, mergeKey);
      orig = orig.filter((o) => !(isObject(o) && o[mergeKey] === m[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw internal('merging lists cannot yet be specified in the patch');
    } else {
      throw internal(`unknown patch type: ${goValue(directive)} in map: ${goValue(m)}`);
    }
  }
  if (replace) return { original: plain.map((p) => removeDirectives(discardNulls(p))).filter((p) => p !== DROP), patch: [] };
  return { original: orig, patch: plain };
}

function dedupe(list: unknown[]): unknown[] {
  return [...new Set(list)];
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const gone = new Set(toDelete);
  return current.filter((v) => !gone.has(v));
}

/** identity → index of its first item in `list` (Map and Set compare as `includes` does). */
function firstIndexes(list: unknown[], mergeKey: string): Map<unknown, number> {
  const at = new Map<unknown, number>();
  list.forEach((v, i) => {
    if (mergeKey && !isObject(v)) return;
    const id = identity(v, mergeKey);
    if (!at.has(id)) at.set(id, i);
  });
  return at;
}

function partition(list: unknown[], by: unknown[], mergeKey: string): { inList: unknown[]; notInList: unknown[] } {
  const inList: unknown[] = [];
  const notInList: unknown[] = [];
  const keys = new Set(by.map((b) => identity(b, mergeKey)));
  for (const v of list) {
    if (mergeKey && (!isObject(v) || !(mergeKey in v))) throw noMergeKey(v, mergeKey);
    (keys.has(identity(v, mergeKey)) ? inList : notInList).push(v);
  }
  return { inList, notInList };
}

/**
 * Sorts patch items by `patchOrder` and server-only items by `serverOrder`, then
 * interleaves them (upstream normalizeElementOrder + mergeSortedSlice): a server-only
 * item goes first only when both it and the next patch item appear in the server order
 * and it comes earlier there.
 */
function normalizeElementOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[], serverOrder: unknown[], mergeKey: string): unknown[] {
  const p = sortByOrder(patchItems, patchOrder, mergeKey);
  const s = sortByOrder(serverOnly, serverOrder, mergeKey);
  const serverAt = identityIndexes(serverOrder, mergeKey);
  const indexIn = (v: unknown) => serverAt.get(identity(v, mergeKey)) ?? -1;
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < s.length || j < p.length) {
    if (i >= s.length) out.push(p[j++]);
    else if (j >= p.length) out.push(s[i++]);
    else {
      const li = indexIn(s[i]);
      const ri = indexIn(p[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(s[i++]);
      else out.push(p[j++]);
    }
  }
  return out;
}

/** identity → first index in `list`, for every item (what findIndex over identities would give). */
function identityIndexes(list: unknown[], mergeKey: string): Map<unknown, number> {
  const at = new Map<unknown, number>();
  list.forEach((o, i) => {
    const id = identity(o, mergeKey);
    if (!at.has(id)) at.set(id, i);
  });
  return at;
}

function sortByOrder(items: unknown[], order: unknown[], mergeKey: string): unknown[] {
  const keep: unknown[] = [];
  const toDelete: unknown[] = [];
  for (const v of items) (mergeKey && isObject(v) && v[DIRECTIVE] === 'delete' ? toDelete : keep).push(v);
  const at = identityIndexes(order, mergeKey);
  const pos = (v: unknown) => at.get(identity(v, mergeKey)) ?? Number.MAX_SAFE_INTEGER;
  const sorted = keep.map((v, i) => ({ v, i, p: pos(v) })).sort((a, b) => a.p - b.p || a.i - b.i).map((e) => e.v);
  return [...sorted, ...toDelete];
}
