/**
 * The scheduler's cache (upstream's internal/cache): per node, what it offers and what
 * the pods bound to it already take, kept current from informer events one pod at a
 * time, never recomputed. A pod the scheduler has just placed is "assumed" onto its
 * node at once, so the next pod sees the space taken, long before the binding's watch
 * event arrives; a failed binding "forgets" it again.
 */
import type { Node, Pod, Taint } from '../api/objects/index.js';
import { deepEqual } from '../apiserver/patch/json.js';
import { nodeResources, type Amounts, type NodeResources } from './resources.js';
import { isTerminal, newPodInfo, podKey, type PodInfo } from './types.js';

export class NodeInfo {
  node: Node | undefined;
  labels: Record<string, string> = {};
  taints: Taint[] = [];
  unschedulable = false;
  allocatable: NodeResources = { cpu: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: {} };
  readonly requested = { cpu: 0, memory: 0, ephemeralStorage: 0, scalar: {} as Amounts };
  /** cpu and memory with upstream's per-container defaults for pods that request none (for scoring). */
  readonly nonZeroRequested = { cpu: 0, memory: 0 };
  readonly pods = new Map<string, PodInfo>();
  /** Pods with any pod (anti-)affinity, and those with required anti-affinity (InterPodAffinity reads only these). */
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  /** `ip/protocol/port` → pods using it. */
  readonly usedPorts = new Map<string, number>();
  /** Bumped whenever what `memoised` counts may change: the node's pods, or one of them starting to terminate. */
  generation = 0;
  /** Memoised counts of pods matching a selector (keyed by the caller), valid while `generation` holds. */
  private readonly memo = new Map<string, { generation: number; value: number }>();

  constructor(readonly name: string) {}

  /**
   * `compute()` for this node, recomputed only when the node's pods changed since: topology
   * spreading asks every node the same question for every pod of a workload.
   */
  memoised(key: string, compute: () => number): number {
    const hit = this.memo.get(key);
    if (hit && hit.generation === this.generation) return hit.value;
    const value = compute();
    if (!hit && this.memo.size >= 64) this.memo.clear();
    this.memo.set(key, { generation: this.generation, value });
    return value;
  }

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    this.allocatable = nodeResources(node.status?.allocatable);
  }

  addPod(info: PodInfo): void {
    this.pods.set(info.key, info);
    this.account(info, 1);
    if (info.hasAffinity) this.podsWithAffinity.add(info);
    if (info.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity.add(info);
  }

  removePod(key: string): PodInfo | undefined {
    const info = this.pods.get(key);
    if (!info) return undefined;
    this.pods.delete(key);
    this.account(info, -1);
    this.podsWithAffinity.delete(info);
    this.podsWithRequiredAntiAffinity.delete(info);
    return info;
  }

  private account(info: PodInfo, sign: 1 | -1): void {
    const r = info.requests;
    this.requested.cpu += sign * r.cpu;
    this.requested.memory += sign * r.memory;
    this.requested.ephemeralStorage += sign * r.ephemeralStorage;
    if (r.scalar) for (const name in r.scalar) this.requested.scalar[name] = (this.requested.scalar[name] ?? 0) + sign * r.scalar[name]!;
    this.nonZeroRequested.cpu += sign * r.nonZeroCpu;
    this.nonZeroRequested.memory += sign * r.nonZeroMemory;
    for (const p of info.hostPorts) {
      const key = `${p.ip}/${p.protocol}/${p.port}`;
      const n = (this.usedPorts.get(key) ?? 0) + sign;
      if (n > 0) this.usedPorts.set(key, n);
      else this.usedPorts.delete(key);
    }
    this.generation++;
  }
}

/** A pod's place in the cache: its node, and whether it is only assumed so far. */
interface PodState { node: string; assumed: boolean }

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  private nodeListCache: NodeInfo[] | undefined;
  /** Pods anywhere with required anti-affinity: when 0, InterPodAffinity skips the existing-pods check. */
  podsWithRequiredAntiAffinity = 0;
  podsWithAffinity = 0;

  /** Nodes with a Node object, in a stable order (the order nodes are evaluated in). */
  nodeList(): NodeInfo[] {
    if (!this.nodeListCache) this.nodeListCache = [...this.nodes.values()].filter((n) => n.node);
    return this.nodeListCache;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    const info = this.nodes.get(name);
    return info?.node ? info : undefined;
  }

  private infoFor(name: string): NodeInfo {
    let info = this.nodes.get(name);
    if (!info) this.nodes.set(name, (info = new NodeInfo(name)));
    return info;
  }

  setNode(node: Node): void {
    const info = this.infoFor(node.metadata.name!);
    if (!info.node) this.nodeListCache = undefined;
    info.setNode(node);
  }

  removeNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    this.nodeListCache = undefined;
    // Pods still bound to a deleted node keep their place until they go (upstream keeps a ghost node).
    if (info.pods.size) info.node = undefined;
    else this.nodes.delete(name);
  }

  isAssumed(key: string): boolean {
    return this.podStates.get(key)?.assumed === true;
  }

  /** Where the cache has the pod (assumed or bound). */
  nodeOf(key: string): string | undefined {
    return this.podStates.get(key)?.node;
  }

  /** Counts a pod on `nodeName` before its binding is confirmed. */
  assume(info: PodInfo, nodeName: string): void {
    this.place(info, nodeName, true);
  }

  /** Undoes `assume` after a failed binding (unless the informer has confirmed it meanwhile). */
  forget(key: string): void {
    const state = this.podStates.get(key);
    if (state?.assumed) this.unplace(key, state);
  }

  /**
   * A bound pod the informer reports (added, or updated to a new state). Finished pods
   * are removed. A confirmed pod whose spec and labels did not change (a status update,
   * the usual case) only has its object swapped, without recounting.
   */
  upsertPod(pod: Pod, old?: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    if (isTerminal(pod)) {
      this.removePod(key);
      return;
    }
    const state = this.podStates.get(key);
    const node = state && !state.assumed && state.node === nodeName ? this.nodes.get(nodeName) : undefined;
    const current = node?.pods.get(key);
    if (current && old && current.pod.metadata.uid === pod.metadata.uid && sameSchedulingFacts(old, pod)) {
      // Spreading skips terminating pods; other status changes (Running, ...) leave its counts valid.
      if (current.pod.metadata.deletionTimestamp !== pod.metadata.deletionTimestamp) node!.generation++;
      current.pod = pod;
      return;
    }
    this.place(newPodInfo(pod), nodeName, false);
  }

  removePod(key: string): void {
    const state = this.podStates.get(key);
    if (state) this.unplace(key, state);
  }

  private place(info: PodInfo, nodeName: string, assumed: boolean): void {
    const previous = this.podStates.get(info.key);
    if (previous) this.unplace(info.key, previous);
    this.podStates.set(info.key, { node: nodeName, assumed });
    this.infoFor(nodeName).addPod(info);
    if (info.hasAffinity) this.podsWithAffinity++;
    if (info.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity++;
  }

  private unplace(key: string, state: PodState): void {
    this.podStates.delete(key);
    const node = this.nodes.get(state.node);
    const info = node?.removePod(key);
    if (info?.hasAffinity) this.podsWithAffinity--;
    if (info?.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity--;
    if (node && !node.node && node.pods.size === 0) this.nodes.delete(state.node);
  }

  /** Every pod the cache counts (assumed included), with its node. */
  *pods(): Iterable<[PodInfo, NodeInfo]> {
    for (const node of this.nodes.values()) for (const info of node.pods.values()) yield [info, node];
  }
}

/** Spec and labels unchanged: nothing the cache counts can differ. */
function sameSchedulingFacts(a: Pod, b: Pod): boolean {
  return deepEqual(a.metadata.labels ?? {}, b.metadata.labels ?? {}) && deepEqual(a.spec, b.spec);
}
