/**
 * Go's `%v` rendering of decoded JSON (map[a:1 b:[x y]]), so error texts that upstream
 * builds with fmt.Errorf read the same here.
 */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[' + v.map(goValue).join(' ') + ']';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return 'map[' + Object.keys(o).sort().map((k) => `${k}:${goValue(o[k])}`).join(' ') + ']';
  }
  return String(v);
}

/** Go's reflect.Kind name of a decoded JSON value. */
export function goKindOf(v: unknown): string {
  if (v === null || v === undefined) return 'invalid';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}
