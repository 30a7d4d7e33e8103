/**
 * RFC 6902 JSON Patch with the behaviour of the library kube-apiserver uses
 * (evanphx/json-patch v4): `remove`/`replace` of a missing member fail, `test` of a
 * missing path passes only against `null`, negative array indices count from the end,
 * `-` appends. Failures to apply are 422 with the generic message; a body that is not a
 * list of operations is 400.
 */
import { StatusError } from '../../api/errors.js';
import { badPatch, PatchApplyError } from './errors.js';
import { deepCopy, deepEqual, isObject, type JsonValue } from './json.js';

/** Upstream's limit (maxJSONPatchOperations in handlers/patch.go). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

/** Applies `ops` to a copy of `doc` and returns the copy; `doc` is never modified. */
export function applyJsonPatch<T = unknown>(doc: T, ops: unknown): T {
  if (!Array.isArray(ops)) throw badPatch(`json: cannot unmarshal ${goKind(ops)} into Go value of type jsonpatch.Patch`);
  for (const op of ops) {
    if (!isObject(op)) throw badPatch(`json: cannot unmarshal ${goKind(op)} into Go value of type jsonpatch.Operation`);
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  let root = { v: deepCopy(doc) as unknown };
  for (const raw of ops as Array<Record<string, unknown>>) {
    root = applyOne(root, raw);
  }
  return root.v as T;
}

function goKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

type Root = { v: unknown };

function applyOne(root: Root, op: Record<string, unknown>): Root {
  const kind = op.op;
  const path = op.path;
  if (typeof kind !== 'string') throw new PatchApplyError('Unexpected kind: ' + String(kind));
  if (typeof path !== 'string') throw new PatchApplyError(`operation missing path`);
  switch (kind) {
    case 'add':
      requireValue(op, kind);
      return add(root, path, deepCopy(op.value));
    case 'remove':
      remove(root, path, 'remove');
      return root;
    case 'replace':
      requireValue(op, kind);
      return replace(root, path, deepCopy(op.value));
    case 'move': {
      const from = fromOf(op);
      if (path !== from && path.startsWith(from + '/')) throw new PatchApplyError('move operation cannot move a value into one of its own children');
      const v = remove(root, from, 'move');
      return add(root, path, v);
    }
    case 'copy': {
      const from = fromOf(op);
      const v = get(root, from);
      if (v === undefined) throw new PatchApplyError(`copy operation does not apply: doc is missing from path: ${from}`);
      return add(root, path, deepCopy(v));
    }
    case 'test': {
      requireValue(op, kind);
      const actual = get(root, path);
      if (actual === undefined ? op.value === null : deepEqual(actual, op.value)) return root;
      throw new PatchApplyError(`testing value ${path} failed: test failed`);
    }
    default:
      throw new PatchApplyError('Unexpected kind: ' + kind);
  }
}

function requireValue(op: Record<string, unknown>, kind: string): void {
  if (!Object.prototype.hasOwnProperty.call(op, 'value')) throw new PatchApplyError(`${kind} operation missing value`);
}

function fromOf(op: Record<string, unknown>): string {
  if (typeof op.from !== 'string') throw new PatchApplyError(`${String(op.op)} operation missing from`);
  return op.from;
}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchApplyError(`invalid JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Resolves all but the last token: the container the operation acts on. */
function parentOf(root: Root, path: string): { container: unknown; key: string } | undefined {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return undefined;
  let cur: unknown = root.v;
  for (const t of tokens.slice(0, -1)) {
    cur = child(cur, t);
    if (cur === undefined) throw new PatchApplyError(`doc is missing path: ${path}`);
  }
  return { container: cur, key: tokens[tokens.length - 1] };
}

function arrayIndex(token: string, length: number, allowEnd: boolean): number {
  if (!/^-?(0|[1-9][0-9]*)$/.test(token)) throw new PatchApplyError(`invalid array index: ${token}`);
  let i = Number(token);
  if (i < 0) {
    if (i < -length) throw new PatchApplyError(`Unable to access invalid index: ${i}`);
    i += length;
  }
  if (i > length || (!allowEnd && i === length)) throw new PatchApplyError(`Unable to access invalid index: ${i}`);
  return i;
}

function child(cur: unknown, token: string): unknown {
  if (Array.isArray(cur)) {
    if (!/^-?(0|[1-9][0-9]*)$/.test(token)) return undefined;
    let i = Number(token);
    if (i < 0) i += cur.length;
    return i >= 0 && i < cur.length ? cur[i] : undefined;
  }
  if (isObject(cur)) return Object.prototype.hasOwnProperty.call(cur, token) ? cur[token] : undefined;
  return undefined;
}

function get(root: Root, path: string): unknown {
  let cur: unknown = root.v;
  for (const t of parsePointer(path)) {
    cur = child(cur, t);
    if (cur === undefined) return undefined;
  }
  return cur;
}

function add(root: Root, path: string, value: unknown): Root {
  const at = parentOf(root, path);
  if (!at) return { v: value };
  const { container, key } = at;
  if (Array.isArray(container)) {
    const i = key === '-' ? container.length : arrayIndex(key, container.length, true);
    container.splice(i, 0, value);
  } else if (isObject(container)) {
    container[key] = value as JsonValue;
  } else {
    throw new PatchApplyError(`add operation does not apply: doc is missing path: "${path}"`);
  }
  return root;
}

function remove(root: Root, path: string, opName: string): unknown {
  const at = parentOf(root, path);
  if (!at) {
    const v = root.v;
    root.v = null;
    return v;
  }
  const { container, key } = at;
  if (Array.isArray(container)) {
    const i = arrayIndex(key, container.length, false);
    return container.splice(i, 1)[0];
  }
  if (isObject(container) && Object.prototype.hasOwnProperty.call(container, key)) {
    const v = container[key];
    delete container[key];
    return v;
  }
  throw new PatchApplyError(`${opName} operation does not apply: doc is missing path: "${path}"`);
}

function replace(root: Root, path: string, value: unknown): Root {
  const at = parentOf(root, path);
  if (!at) return { v: value };
  const { container, key } = at;
  if (Array.isArray(container)) {
    container[arrayIndex(key, container.length, false)] = value;
    return root;
  }
  if (isObject(container) && Object.prototype.hasOwnProperty.call(container, key)) {
    container[key] = value as JsonValue;
    return root;
  }
  throw new PatchApplyError(`replace operation does not apply: doc is missing key: ${path}`);
}
