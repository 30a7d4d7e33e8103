/** Small helpers for in-place defaulting of decoded JSON. */
export type Obj = Record<string, unknown>;

/** Returns `parent[key]` as an object, creating `{}` when absent. */
export function ensureObj(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Obj;
  const created: Obj = {};
  parent[key] = created;
  return created;
}

export function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

export const objects = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => !!x && typeof x === 'object') : []);
