/**
 * Completion indexes of Indexed Jobs: the index a pod carries, `status.completedIndexes`
 * in upstream's interval form ("0-2,5"), and which indexes still need a pod.
 */
import type { Pod } from '../../api/objects/index.js';

export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

/** The pod's completion index (its annotation), or undefined when absent or not a number. */
export function completionIndex(pod: Pod): number | undefined {
  const value = pod.metadata.annotations?.[COMPLETION_INDEX];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const ix = Number(value);
  return Number.isSafeInteger(ix) ? ix : undefined;
}

/** Indexes below `completions` in a completedIndexes string, ascending; malformed parts are skipped. */
export function parseIndexes(text: string | undefined, completions: number): number[] {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const first = Number(m[1]);
    const last = Math.min(m[2] === undefined ? first : Number(m[2]), completions - 1);
    for (let i = first; i <= last; i++) out.add(i);
  }
  return [...out].sort((a, b) => a - b);
}

/** Ascending, distinct indexes as intervals: [0,1,2,5] → "0-2,5" (a run of one is just the number). */
export function formatIndexes(sorted: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function mergeIndexes(a: number[], b: number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

/** The lowest `count` indexes below `completions` that have neither succeeded nor an active pod. */
export function firstPendingIndexes(succeeded: number[], active: Pod[], count: number, completions: number): number[] {
  const taken = new Set(succeeded);
  for (const pod of active) {
    const ix = completionIndex(pod);
    if (ix !== undefined) taken.add(ix);
  }
  const out: number[] = [];
  for (let ix = 0; ix < completions && out.length < count; ix++) if (!taken.has(ix)) out.push(ix);
  return out;
}

/**
 * Active pods an Indexed Job must remove whatever its counts say: pods without a valid
 * index or with one beyond `completions`, and all but one pod of a repeated index (the
 * one kept is the one `deleteFirst` orders last: the furthest along).
 */
export function duplicateIndexPods(active: Pod[], completions: number, deleteFirst: (a: Pod, b: Pod) => number): { remove: Pod[]; keep: Pod[] } {
  const byIndex = new Map<number, Pod[]>();
  const remove: Pod[] = [];
  for (const pod of active) {
    const ix = completionIndex(pod);
    if (ix === undefined || ix >= completions) remove.push(pod);
    else byIndex.set(ix, [...(byIndex.get(ix) ?? []), pod]);
  }
  const keep: Pod[] = [];
  for (const pods of byIndex.values()) {
    const sorted = [...pods].sort(deleteFirst);
    remove.push(...sorted.slice(0, -1));
    keep.push(sorted[sorted.length - 1]!);
  }
  return { remove, keep };
}
