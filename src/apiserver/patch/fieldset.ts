/**
 * Field sets as structured-merge-diff models them: a trie of path elements where a node
 * may itself be a member ("owned") and may have children. Serialised as `fieldsV1`:
 * `f:<field>`, `k:<json of list-map keys, sorted>`, `v:<json of set item>`,
 * `i:<index>`, and `.` for a node that is a member and also has children.
 */
import { goJson, isObject } from './json.js';

export type PathElement =
  | { f: string }
  | { k: Array<[string, unknown]> }
  | { v: unknown }
  | { i: number };

export type Path = PathElement[];

export function fieldPE(name: string): PathElement {
  return { f: name };
}

/** A key element; fields are sorted by name as upstream's KeyByFields does. */
export function keyPE(fields: Record<string, unknown>): PathElement {
  return { k: Object.keys(fields).sort().map((n) => [n, fields[n]] as [string, unknown]) };
}

export function serializePE(pe: PathElement): string {
  if ('f' in pe) return 'f:' + pe.f;
  if ('k' in pe) return 'k:{' + pe.k.map(([n, v]) => JSON.stringify(n) + ':' + goJson(v)).join(',') + '}';
  if ('v' in pe) return 'v:' + goJson(pe.v);
  return 'i:' + pe.i;
}

export function parsePE(s: string): PathElement {
  if (s.length < 2 || s[1] !== ':') throw new Error(`invalid path element ${JSON.stringify(s)}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return { f: body };
    case 'v':
      return { v: JSON.parse(body) };
    case 'k': {
      const obj = JSON.parse(body);
      if (!isObject(obj)) throw new Error(`invalid key path element ${JSON.stringify(s)}`);
      return keyPE(obj);
    }
    case 'i': {
      if (!/^-?[0-9]+$/.test(body)) throw new Error(`invalid index path element ${JSON.stringify(s)}`);
      return { i: Number(body) };
    }
    default:
      throw new UnknownPathElement(s);
  }
}

class UnknownPathElement extends Error {}

/** Upstream's value.Compare order: numbers < strings < booleans < lists < maps < null. */
function valueRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isObject(v)) return 4;
  return 5;
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number') return a < (b as number) ? -1 : a > (b as number) ? 1 : 0;
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    for (let i = 0; i < Math.min(a.length, bb.length); i++) {
      const c = compareValues(a[i], bb[i]);
      if (c) return c;
    }
    return a.length - bb.length;
  }
  if (isObject(a)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b as object).sort();
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
      const c = compareValues(a[ka[i]], (b as Record<string, unknown>)[kb[i]]);
      if (c) return c;
    }
    return ka.length - kb.length;
  }
  return 0;
}

function peRank(pe: PathElement): number {
  return 'f' in pe ? 0 : 'k' in pe ? 1 : 'v' in pe ? 2 : 3;
}

export function comparePE(a: PathElement, b: PathElement): number {
  const r = peRank(a) - peRank(b);
  if (r) return r;
  if ('f' in a) return a.f < (b as { f: string }).f ? -1 : a.f > (b as { f: string }).f ? 1 : 0;
  if ('k' in a) {
    const bk = (b as { k: Array<[string, unknown]> }).k;
    for (let i = 0; i < Math.min(a.k.length, bk.length); i++) {
      if (a.k[i][0] !== bk[i][0]) return a.k[i][0] < bk[i][0] ? -1 : 1;
      const c = compareValues(a.k[i][1], bk[i][1]);
      if (c) return c;
    }
    return a.k.length - bk.length;
  }
  if ('v' in a) return compareValues(a.v, (b as { v: unknown }).v);
  return a.i - (b as { i: number }).i;
}

/** Human form used in conflict messages: `.spec.containers[name="nginx"].image`. */
export function pathString(path: Path): string {
  return path
    .map((pe) => {
      if ('f' in pe) return '.' + pe.f;
      if ('k' in pe) return '[' + pe.k.map(([n, v]) => `${n}=${valueString(v)}`).join(',') + ']';
      if ('v' in pe) return `[=${valueString(pe.v)}]`;
      return `[${pe.i}]`;
    })
    .join('');
}

function valueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(valueString).join(',') + ']';
  if (isObject(v)) return '{' + Object.keys(v).sort().map((k) => `${k}=${valueString(v[k])}`).join(';') + '}';
  return String(v);
}

interface Child {
  pe: PathElement;
  set: FieldSet;
}

export class FieldSet {
  /** Members at this level, keyed by serialised path element. */
  readonly members = new Map<string, PathElement>();
  readonly children = new Map<string, Child>();

  static fromPaths(paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  insert(path: Path): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.descend(path[i]);
    const last = path[path.length - 1];
    node.members.set(serializePE(last), last);
  }

  /** The child set for `pe`, created if missing. */
  descend(pe: PathElement): FieldSet {
    const key = serializePE(pe);
    let c = this.children.get(key);
    if (!c) {
      c = { pe, set: new FieldSet() };
      this.children.set(key, c);
    }
    return c.set;
  }

  /** The subtree under `pe` (empty when absent); do not mutate it. */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializePE(pe))?.set ?? EMPTY;
  }

  has(path: Path): boolean {
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(serializePE(path[i]))?.set;
    return !!node && path.length > 0 && node.members.has(serializePE(path[path.length - 1]));
  }

  copy(): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, c] of this.children) out.children.set(k, { pe: c.pe, set: c.set.copy() });
    return out;
  }

  union(other: FieldSet): FieldSet {
    const out = this.copy();
    out.addAll(other);
    return out;
  }

  private addAll(other: FieldSet): void {
    for (const [k, pe] of other.members) this.members.set(k, pe);
    for (const [k, c] of other.children) {
      const mine = this.children.get(k);
      if (mine) mine.set.addAll(c.set);
      else this.children.set(k, { pe: c.pe, set: c.set.copy() });
    }
  }

  /** Members of `other` are removed at the same level only; children are diffed recursively. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      const d = o ? c.set.difference(o.set) : c.set.copy();
      if (!d.isEmpty()) out.children.set(k, { pe: c.pe, set: d });
    }
    return out;
  }

  /** Like difference, but a member of `other` also removes everything beneath it. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (!other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      if (other.members.has(k)) continue;
      const o = other.children.get(k);
      const d = o ? c.set.recursiveDifference(o.set) : c.set.copy();
      if (!d.isEmpty()) out.children.set(k, { pe: c.pe, set: d });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (other.members.has(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (!o) continue;
      const i = c.set.intersection(o.set);
      if (!i.isEmpty()) out.children.set(k, { pe: c.pe, set: i });
    }
    return out;
  }

  /** All member paths: this level's members first, then each child's, in element order (upstream Set.Iterate). */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = [];
    for (const pe of sortPEs([...this.members.values()])) out.push([...prefix, pe]);
    for (const c of sortChildren([...this.children.values()])) out.push(...c.set.paths([...prefix, c.pe]));
    return out;
  }

  /** Whether every member of this set is a member of `other`. */
  isSubsetOf(other: FieldSet): boolean {
    for (const k of this.members.keys()) if (!other.members.has(k)) return false;
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (!o ? !c.set.isEmpty() : !c.set.isSubsetOf(o.set)) return false;
    }
    return true;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** The `fieldsV1` object. */
  toJSON(): Record<string, unknown> {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (includeSelf) out['.'] = {};
    const entries: Array<{ pe: PathElement; key: string; child?: FieldSet; member: boolean }> = [];
    for (const [key, pe] of this.members) entries.push({ pe, key, member: true, child: this.children.get(key)?.set });
    for (const [key, c] of this.children) if (!this.members.has(key)) entries.push({ pe: c.pe, key, member: false, child: c.set });
    entries.sort((a, b) => comparePE(a.pe, b.pe));
    for (const e of entries) out[e.key] = e.child ? e.child.emit(e.member) : {};
    return out;
  }

  /** Parses a `fieldsV1` object; throws on malformed content. Unknown element kinds are skipped like upstream. */
  static fromJSON(json: unknown): FieldSet {
    if (!isObject(json)) throw new Error('fieldsV1 must be an object');
    const { set } = readV1(json);
    return set ?? new FieldSet();
  }
}

const EMPTY = new FieldSet();

function readV1(json: Record<string, unknown>): { set: FieldSet | undefined; isMember: boolean } {
  let set: FieldSet | undefined;
  let isMember = false;
  for (const key of Object.keys(json)) {
    const v = json[key];
    if (!isObject(v)) throw new Error(`fieldsV1 entry ${JSON.stringify(key)} must be an object`);
    if (key === '.') {
      isMember = true;
      continue;
    }
    let pe: PathElement;
    // A field's key is already in canonical form; keys and values are re-serialised canonically.
    const isField = key.length >= 2 && key[0] === 'f' && key[1] === ':';
    try {
      pe = isField ? { f: key.slice(2) } : parsePE(key);
    } catch (err) {
      if (err instanceof UnknownPathElement) continue;
      throw new Error(`parsing key as path element: ${(err as Error).message}`);
    }
    const child = readV1(v);
    set ??= new FieldSet();
    const serialized = isField ? key : serializePE(pe);
    if (child.isMember) set.members.set(serialized, pe);
    if (child.set) set.children.set(serialized, { pe, set: child.set });
  }
  if (!set) isMember = true;
  return { set, isMember };
}

function sortPEs(pes: PathElement[]): PathElement[] {
  return pes.sort(comparePE);
}

function sortChildren(cs: Child[]): Child[] {
  return cs.sort((a, b) => comparePE(a.pe, b.pe));
}
