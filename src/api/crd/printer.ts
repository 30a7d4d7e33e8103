/**
 * Table printing for custom resources from `additionalPrinterColumns`, as
 * apiextensions-apiserver's tableconvertor does: Name first, then each column's
 * JSONPath value (the first match) converted by the column type; `date` columns show
 * an age. Without columns a CRD prints Name + Age (from `.metadata.creationTimestamp`).
 */
import type { KObject, TableColumn, TablePrinter } from '../types.js';
import { humanDuration } from '../printers/duration.js';
import { evaluateJsonPath, parseJsonPath, type JsonPath } from './jsonpath.js';

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export const DEFAULT_COLUMNS: PrinterColumn[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
];

function goText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function cell(type: string, v: unknown, now: Date): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'string':
      return goText(v);
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date': {
      if (typeof v !== 'string') return null;
      const t = Date.parse(v);
      return Number.isNaN(t) ? '<invalid>' : humanDuration(now.getTime() - t);
    }
  }
  return null;
}

export function crdPrinter(columns: readonly PrinterColumn[] | undefined): TablePrinter {
  const cols = columns && columns.length ? columns : DEFAULT_COLUMNS;
  const paths: Array<JsonPath | undefined> = cols.map((c) => {
    try {
      return parseJsonPath(c.jsonPath);
    } catch {
      return undefined;
    }
  });
  const headers: TableColumn[] = [
    { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace; it is the object\'s identifier.', priority: 0 },
    ...cols.map((c) => ({
      name: c.name,
      type: c.type as TableColumn['type'],
      format: c.format ?? '',
      description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
      priority: c.priority ?? 0,
    })),
  ];
  return {
    columns: headers,
    row(obj: KObject, now: Date) {
      const cells: unknown[] = [obj.metadata?.name ?? ''];
      for (let i = 0; i < cols.length; i++) {
        const p = paths[i];
        const found = p ? evaluateJsonPath(p, obj) : [];
        cells.push(found.length ? cell(cols[i].type, found[0], now) : null);
      }
      return cells;
    },
  };
}
