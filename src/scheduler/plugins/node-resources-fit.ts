/**
 * NodeResourcesFit: Filter checks the pod's requests (resources.ts) against what is left
 * of each resource's allocatable, and the pod count; a request larger than the whole
 * node is unresolvable (preemption cannot help). Score is LeastAllocated on cpu and
 * memory (weight 1 each), counting pods without requests at upstream's defaults.
 */
import type { NodeInfo } from '../cache.js';
import type { Plugin } from '../framework.js';
import { MAX_NODE_SCORE } from '../framework.js';
import type { PodRequests } from '../resources.js';
import type { Status } from '../types.js';

/** Local copy: an imported binding is a getter call under tsx, on the hottest path. */
const MAX_SCORE = MAX_NODE_SCORE;

const NAME = 'NodeResourcesFit';

/** Reasons the pod does not fit `node`, and whether removing pods could ever help. */
export function insufficientResources(r: PodRequests, node: NodeInfo): { reasons: string[]; unresolvable: boolean } {
  const reasons: string[] = [];
  let unresolvable = false;
  const a = node.allocatable;
  const used = node.requested;
  if (node.pods.size + 1 > a.pods) reasons.push('Too many pods');
  if (r.cpu === 0 && r.memory === 0 && r.ephemeralStorage === 0 && !r.scalar) return { reasons, unresolvable };
  if (r.cpu > 0 && r.cpu > a.cpu - used.cpu) {
    reasons.push('Insufficient cpu');
    if (r.cpu > a.cpu) unresolvable = true;
  }
  if (r.memory > 0 && r.memory > a.memory - used.memory) {
    reasons.push('Insufficient memory');
    if (r.memory > a.memory) unresolvable = true;
  }
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - used.ephemeralStorage) {
    reasons.push('Insufficient ephemeral-storage');
    if (r.ephemeralStorage > a.ephemeralStorage) unresolvable = true;
  }
  if (r.scalar) {
    for (const name in r.scalar) {
      const want = r.scalar[name]!;
      const total = a.scalar[name] ?? 0;
      if (want > total - (used.scalar[name] ?? 0)) {
        reasons.push(`Insufficient ${name}`);
        if (want > total) unresolvable = true;
      }
    }
  }
  return { reasons, unresolvable };
}

/** The common case without allocating: fits on cpu, memory, storage and pod count (extended resources go the long way). */
function fitsQuickly(r: PodRequests, node: NodeInfo): boolean {
  const a = node.allocatable;
  const used = node.requested;
  return !r.scalar && node.pods.size < a.pods
    && (r.cpu === 0 || r.cpu <= a.cpu - used.cpu)
    && (r.memory === 0 || r.memory <= a.memory - used.memory)
    && (r.ephemeralStorage === 0 || r.ephemeralStorage <= a.ephemeralStorage - used.ephemeralStorage);
}

/** Upstream's leastRequestedScore. */
function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_SCORE) / capacity);
}

export const nodeResourcesFit: Plugin = {
  name: NAME,
  weight: 1,
  filter(cycle, node) {
    if (fitsQuickly(cycle.pod.requests, node)) return undefined;
    const { reasons, unresolvable } = insufficientResources(cycle.pod.requests, node);
    if (!reasons.length) return undefined;
    return { code: unresolvable ? 'UnschedulableAndUnresolvable' : 'Unschedulable', reasons, plugin: NAME } satisfies Status;
  },
  score(cycle, node) {
    const r = cycle.pod.requests;
    let total = 0;
    let weights = 0;
    if (node.allocatable.cpu) { total += leastRequested(node.nonZeroRequested.cpu + r.nonZeroCpu, node.allocatable.cpu); weights++; }
    if (node.allocatable.memory) { total += leastRequested(node.nonZeroRequested.memory + r.nonZeroMemory, node.allocatable.memory); weights++; }
    return weights ? Math.trunc(total / weights) : 0;
  },
};
