/**
 * Helpers for printers working on untyped JSON objects: safe accessors and the
 * formatting functions upstream's printers share (labels, selectors, containers).
 */
import type { KObject, TableColumn } from '../types.js';

export type Json = Record<string, unknown>;

export function o(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}
export function a(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
export function s(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
export function n(v: unknown, fallback = 0): number {
  return typeof v === 'number' ? v : fallback;
}
export const spec = (obj: KObject) => o(obj.spec);
export const status = (obj: KObject) => o(obj.status);
export const labelsOf = (obj: KObject) => o(obj.metadata?.labels);

const NAME_DESC = 'Name must be unique within a namespace; it is the object\'s identifier.';
const AGE_DESC = 'Time since the object was created (its creationTimestamp).';

export function col(name: string, type: TableColumn['type'], description: string, priority = 0, format?: string): TableColumn {
  const c: TableColumn = { name, type, format: format ?? '', description, priority };
  return c;
}
export const nameCol = (): TableColumn => col('Name', 'string', NAME_DESC, 0, 'name');
export const ageCol = (): TableColumn => col('Age', 'string', AGE_DESC);
export const containersCol = (): TableColumn => col('Containers', 'string', 'Names of each container in the template.', 1);
export const imagesCol = (): TableColumn => col('Images', 'string', 'Images referenced by each container in the template.', 1);

/** `labels.FormatLabels`: sorted `k=v` pairs, `<none>` when empty. */
export function formatLabels(m: unknown): string {
  const keys = Object.keys(o(m)).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${s(o(m)[k])}`).join(',');
}

/** `LabelSelectorAsSelector(sel).String()`: requirements sorted by key, "" when empty. */
export function selectorString(sel: unknown): string {
  const selector = o(sel);
  const reqs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(o(selector.matchLabels))) reqs.push([k, `${k}=${s(v)}`]);
  for (const e of a(selector.matchExpressions)) {
    const expr = o(e);
    const key = s(expr.key);
    const values = a(expr.values).map(s).sort();
    switch (expr.operator) {
      case 'In':
        reqs.push([key, `${key} in (${values.join(',')})`]);
        break;
      case 'NotIn':
        reqs.push([key, `${key} notin (${values.join(',')})`]);
        break;
      case 'Exists':
        reqs.push([key, key]);
        break;
      case 'DoesNotExist':
        reqs.push([key, `!${key}`]);
        break;
    }
  }
  reqs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return reqs.map((r) => r[1]).join(',');
}

/** `metav1.FormatLabelSelector`: like selectorString but `<none>` when empty. */
export function formatLabelSelector(sel: unknown): string {
  return selectorString(sel) || '<none>';
}

/** `layoutContainerCells`: comma-joined container names and images. */
export function containerCells(podSpec: unknown): [string, string] {
  const containers = a(o(podSpec).containers).map(o);
  return [containers.map((c) => s(c.name)).join(','), containers.map((c) => s(c.image)).join(',')];
}

export function templateSpec(obj: KObject): Json {
  return o(o(spec(obj).template).spec);
}

export function printBool(v: unknown): string {
  if (typeof v !== 'boolean') return '<unset>';
  return v ? 'True' : 'False';
}
