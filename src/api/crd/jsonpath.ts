/**
 * The simple JSONPath forms CRDs use in additionalPrinterColumns and selectableFields:
 * `.spec.foo`, `.items[0]`, `.items[*].name`, `['dotted.key']`, `.metadata.labels.app\.kubernetes\.io/name`
 * and filters like `.status.conditions[?(@.type=="Ready")].status`.
 */

type Segment =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: string[]; op: '==' | '!='; value: unknown };

export interface JsonPath {
  segments: Segment[];
}

export function parseJsonPath(expr: string): JsonPath {
  let src = expr.trim();
  if (src.startsWith('{') && src.endsWith('}')) src = src.slice(1, -1);
  if (src.startsWith('$')) src = src.slice(1);
  const segments: Segment[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '.') {
      i++;
      let name = '';
      while (i < src.length && src[i] !== '.' && src[i] !== '[') {
        if (src[i] === '\\' && i + 1 < src.length) i++;
        name += src[i++];
      }
      if (name === '*') segments.push({ kind: 'wildcard' });
      else if (name) segments.push({ kind: 'field', name });
    } else if (c === '[') {
      const end = findClose(src, i);
      const inner = src.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') segments.push({ kind: 'wildcard' });
      else if (/^-?\d+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) segments.push({ kind: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) segments.push(parseFilter(inner.slice(2, -1), expr));
      else throw new Error(`unsupported JSONPath segment [${inner}] in ${expr}`);
    } else throw new Error(`unexpected ${JSON.stringify(c)} in JSONPath ${expr}`);
  }
  return { segments };
}

function findClose(src: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  throw new Error(`unclosed [ in JSONPath ${src}`);
}

function parseFilter(body: string, expr: string): Segment {
  const m = /^@((?:\.[^.=!\s]+)+)\s*(==|!=)\s*(.+)$/.exec(body.trim());
  if (!m) throw new Error(`unsupported JSONPath filter ${body} in ${expr}`);
  const raw = m[3].trim();
  let value: unknown;
  if (/^'.*'$/.test(raw)) value = raw.slice(1, -1);
  else value = JSON.parse(raw);
  return { kind: 'filter', path: m[1].slice(1).split('.'), op: m[2] as '==' | '!=', value };
}

/** Every value the path selects, in document order. */
export function evaluateJsonPath(path: JsonPath, root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const seg of path.segments) {
    const next: unknown[] = [];
    for (const v of current) {
      if (seg.kind === 'field') {
        if (v && typeof v === 'object' && !Array.isArray(v) && seg.name in v) next.push((v as Record<string, unknown>)[seg.name]);
      } else if (seg.kind === 'index') {
        if (Array.isArray(v)) {
          const idx = seg.index < 0 ? v.length + seg.index : seg.index;
          if (idx >= 0 && idx < v.length) next.push(v[idx]);
        }
      } else if (seg.kind === 'wildcard') {
        if (Array.isArray(v)) next.push(...v);
        else if (v && typeof v === 'object') next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) {
          let x: unknown = item;
          for (const p of seg.path) x = x && typeof x === 'object' ? (x as Record<string, unknown>)[p] : undefined;
          if ((x === seg.value) === (seg.op === '==')) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}
