/**
 * Resource amounts as the scheduler counts them: cpu in millicores, everything else in
 * whole units (bytes, pods, devices), each rounded up as upstream's MilliValue/Value do.
 * A pod's request is upstream's PodRequests (computePodResourceRequest): the sum of its
 * containers, raised to what any init container needs while it runs (with the sidecars
 * started before it), plus the pod overhead.
 */
import type { Container, Pod, ResourceList } from '../api/objects/index.js';
import { quantityNanos } from '../api/defaults/pod.js';

/** Amounts by resource name; `cpu` in millicores. */
export type Amounts = Record<string, number>;

export interface PodRequests {
  cpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and hugepages resources (upstream's ScalarResources), or undefined when none. */
  scalar: Amounts | undefined;
  /** cpu and memory with upstream's defaults (100m, 200Mi) for containers that ask for none: spreads zero-request pods when scoring. */
  nonZeroCpu: number;
  nonZeroMemory: number;
}

/** Upstream's DefaultMilliCPURequest and DefaultMemoryRequest. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const amountCache = new Map<string, number>();

/** One quantity in the scheduler's unit for `name` (rounded up); 0 if malformed. Memoised: the same strings recur in every pod. */
export function amountOf(name: string, q: string | number | undefined): number {
  if (q === undefined) return 0;
  const cacheKey = name === 'cpu' ? `m${q}` : `u${q}`;
  const hit = amountCache.get(cacheKey);
  if (hit !== undefined) return hit;
  const nanos = quantityNanos(q);
  let value = 0;
  if (nanos !== undefined) {
    const unit = name === 'cpu' ? 1_000_000n : 1_000_000_000n;
    value = Number(nanos / unit + (nanos % unit > 0n ? 1n : 0n));
  }
  if (amountCache.size < 10_000) amountCache.set(cacheKey, value);
  return value;
}

export function amounts(list: ResourceList | undefined): Amounts {
  const out: Amounts = {};
  if (list) for (const name in list) out[name] = amountOf(name, list[name]);
  return out;
}

function add(into: Amounts, from: Amounts): void {
  for (const name in from) into[name] = (into[name] ?? 0) + from[name]!;
}

function raiseTo(into: Amounts, from: Amounts): void {
  for (const name in from) if ((into[name] ?? 0) < from[name]!) into[name] = from[name]!;
}

function containerRequests(c: Container, withDefaults: boolean): Amounts {
  const out = amounts(c.resources?.requests);
  if (withDefaults) {
    if (out.cpu === undefined) out.cpu = DEFAULT_MILLI_CPU_REQUEST;
    if (out.memory === undefined) out.memory = DEFAULT_MEMORY_REQUEST;
  }
  return out;
}

/** Upstream's AggregateContainerRequests plus overhead. */
export function aggregateRequests(pod: Pod, withDefaults = false): Amounts {
  const spec = pod.spec;
  const total: Amounts = {};
  for (const c of spec?.containers ?? []) add(total, containerRequests(c, withDefaults));
  const sidecars: Amounts = {};
  const initPeak: Amounts = {};
  for (const c of spec?.initContainers ?? []) {
    const own = containerRequests(c, withDefaults);
    if (c.restartPolicy === 'Always') {
      // A sidecar runs for the pod's whole life: it adds to the total and to every later init container's need.
      add(total, own);
      add(sidecars, own);
      raiseTo(initPeak, sidecars);
    } else {
      const during: Amounts = { ...own };
      add(during, sidecars);
      raiseTo(initPeak, during);
    }
  }
  raiseTo(total, initPeak);
  if (spec?.overhead) add(total, amounts(spec.overhead));
  return total;
}

/** Names counted as scalar resources: everything but cpu, memory, ephemeral-storage and pods. */
export function isScalarResource(name: string): boolean {
  return name !== 'cpu' && name !== 'memory' && name !== 'ephemeral-storage' && name !== 'pods';
}

export function podRequests(pod: Pod): PodRequests {
  const total = aggregateRequests(pod);
  let scalar: Amounts | undefined;
  for (const name in total) {
    if (!isScalarResource(name) || !total[name]) continue;
    (scalar ??= {})[name] = total[name]!;
  }
  const lacking = (c: Container) => c.resources?.requests?.cpu === undefined || c.resources?.requests?.memory === undefined;
  const needsDefaults = (pod.spec?.containers ?? []).some(lacking) || (pod.spec?.initContainers ?? []).some(lacking);
  const nonZero = needsDefaults ? aggregateRequests(pod, true) : total;
  return {
    cpu: total.cpu ?? 0,
    memory: total.memory ?? 0,
    ephemeralStorage: total['ephemeral-storage'] ?? 0,
    scalar,
    nonZeroCpu: nonZero.cpu ?? 0,
    nonZeroMemory: nonZero.memory ?? 0,
  };
}

/** A node's allocatable resources in the same units. */
export interface NodeResources {
  cpu: number;
  memory: number;
  ephemeralStorage: number;
  pods: number;
  scalar: Amounts;
}

export function nodeResources(list: ResourceList | undefined): NodeResources {
  const a = amounts(list);
  const scalar: Amounts = {};
  for (const name in a) if (isScalarResource(name)) scalar[name] = a[name]!;
  return { cpu: a.cpu ?? 0, memory: a.memory ?? 0, ephemeralStorage: a['ephemeral-storage'] ?? 0, pods: a.pods ?? 0, scalar };
}
