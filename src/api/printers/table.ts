/**
 * Building the `meta.k8s.io/v1` Table a `kubectl get` asks for
 * (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`). Row objects default to
 * `PartialObjectMetadata`, which kubectl needs for the NAMESPACE column,
 * `--show-labels` and `-L`.
 */
import type { KObject, TableColumn, TablePrinter } from '../types.js';
import { defaultPrinter } from './misc.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  includeObject?: IncludeObject;
  now: Date;
  /** The list's (or the single object's) resourceVersion: `kubectl get -w` watches from it. */
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  /** `TableOptions.noHeaders`: omit columnDefinitions (used by paged requests). */
  noHeaders?: boolean;
}

export interface TableRow {
  cells: unknown[];
  object?: KObject;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}

export function toTable(objects: readonly KObject[], printer: TablePrinter | undefined, options: TableOptions): Table {
  const p = printer ?? defaultPrinter;
  const include = options.includeObject ?? 'Metadata';
  const metadata: Table['metadata'] = {};
  if (options.resourceVersion !== undefined) metadata.resourceVersion = options.resourceVersion;
  if (options.continue) metadata.continue = options.continue;
  if (options.remainingItemCount !== undefined) metadata.remainingItemCount = options.remainingItemCount;
  const rows: TableRow[] = new Array(objects.length);
  for (let i = 0; i < objects.length; i++) {
    const obj = objects[i];
    const row: TableRow = { cells: p.row(obj, options.now) };
    if (include === 'Object') row.object = obj;
    else if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
    rows[i] = row;
  }
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions: options.noHeaders ? [] : p.columns, rows };
}
