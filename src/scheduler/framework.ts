/**
 * One scheduling attempt for one pod (upstream's schedulePod with the framework's
 * extension points): PreFilter once, Filter per node until enough feasible nodes are
 * found, PreScore/Score/NormalizeScore on those, weighted sum, and the best node with
 * ties broken at random. Plugins are pure functions of the pod and the cache's node
 * infos; everything a plugin needs per pod is computed once in its PreFilter/PreScore
 * and kept in the cycle's state.
 */
import type { SchedulerCache, NodeInfo } from './cache.js';
import { Nominator } from './nominator.js';
import { unresolvable, type PodInfo, type Status } from './types.js';
import type { ClusterView } from './cluster-view.js';

export const MAX_NODE_SCORE = 100;
/** Upstream's minFeasibleNodesToFind and minFeasibleNodesPercentageToFind. */
const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

export interface Cycle {
  pod: PodInfo;
  cluster: ClusterView;
  /** Per-plugin state for this pod (upstream's CycleState). */
  state: Map<string, unknown>;
}

export interface Plugin {
  readonly name: string;
  /**
   * Once per pod: a Status rejects every node; 'skip' means Filter has nothing to check
   * for this pod; `nodeNames` limits the nodes worth filtering (upstream's PreFilterResult).
   */
  preFilter?(cycle: Cycle): Status | 'skip' | PreFilterResult | undefined;
  filter?(cycle: Cycle, node: NodeInfo): Status | undefined;
  /**
   * Preemption removes (and puts back) pods on one node to see whether the pod would fit
   * then: plugins whose PreFilter state counts pods update it here (upstream's PreFilterExtensions).
   */
  removePod?(cycle: Cycle, pod: PodInfo, node: NodeInfo): void;
  addPod?(cycle: Cycle, pod: PodInfo, node: NodeInfo): void;
  /** Once per pod, on the feasible nodes: 'skip' leaves this plugin out of scoring. */
  preScore?(cycle: Cycle, nodes: NodeInfo[]): 'skip' | undefined;
  score?(cycle: Cycle, node: NodeInfo): number;
  /** Turns raw scores (in node order) into 0..100 in place. */
  normalize?(cycle: Cycle, scores: number[], nodes: NodeInfo[]): void;
  /**
   * After the pod is assumed on `node`, before it is bound, in the background (upstream's
   * PreBind, e.g. VolumeBinding's volume writes); a rejection fails the binding and the
   * pod is tried again.
   */
  preBind?(cycle: Cycle, node: string): Promise<void>;
  /** Weight of its score in the default profile. */
  weight?: number;
}

export interface PreFilterResult { nodeNames: Set<string> }

export interface Diagnosis {
  /** Node name → why it was rejected. */
  statuses: Map<string, Status>;
  /** Why nodes absent from `statuses` were rejected (those a PreFilterResult left out). */
  absent?: Status;
  /** A PreFilter rejection (every node rejected for the same reason). */
  preFilterMessage?: string;
  /** The plugin whose PreFilter rejected the pod (what the pod then waits on, as upstream's UnschedulablePlugins). */
  preFilterPlugin?: string;
  /** Set by PostFilter (preemption). */
  postFilterMessage?: string;
}

export type ScheduleResult =
  | { kind: 'scheduled'; node: string; evaluated: number; feasible: number }
  | { kind: 'unschedulable'; numAllNodes: number; diagnosis: Diagnosis }
  | { kind: 'noNodes' };

export class Framework {
  private nextStartNodeIndex = 0;
  readonly nominator = new Nominator();
  private readonly filters: Plugin[];
  private readonly scorers: Plugin[];

  constructor(readonly plugins: Plugin[], private readonly cluster: ClusterView, private readonly random: () => number = Math.random, private readonly percentageOfNodesToScore = 0) {
    this.filters = plugins.filter((p) => p.filter || p.preFilter);
    this.scorers = plugins.filter((p) => p.score);
  }

  newCycle(pod: PodInfo): Cycle {
    return { pod, cluster: this.cluster, state: new Map() };
  }

  get cache(): SchedulerCache {
    return this.cluster.cache;
  }

  schedule(pod: PodInfo): { result: ScheduleResult; cycle: Cycle; filters: Plugin[] } {
    const cycle = this.newCycle(pod);
    const all = this.cache.nodeList();
    if (!all.length) return { result: { kind: 'noNodes' }, cycle, filters: [] };
    const diagnosis: Diagnosis = { statuses: new Map() };
    const pre = this.runPreFilter(cycle, diagnosis);
    if (!pre) return { result: { kind: 'unschedulable', numAllNodes: all.length, diagnosis }, cycle, filters: [] };
    const { active, nodeNames } = pre;
    let nodes = all;
    if (nodeNames) {
      nodes = [];
      for (const name of nodeNames.names) {
        const node = this.cache.nodeInfo(name);
        if (node) nodes.push(node);
      }
      diagnosis.absent = unresolvable('', `node(s) didn't satisfy plugin(s) [${nodeNames.plugins.sort(compareStrings).join(' ')}]`);
    }

    const feasible = this.findFeasible(cycle, active, nodes, diagnosis, nodes === all);
    if (!feasible.length) return { result: { kind: 'unschedulable', numAllNodes: all.length, diagnosis }, cycle, filters: active };
    const evaluated = feasible.length + diagnosis.statuses.size;
    if (feasible.length === 1) return { result: { kind: 'scheduled', node: feasible[0]!.name, evaluated, feasible: 1 }, cycle, filters: active };
    const totals = this.prioritize(cycle, feasible);
    return { result: { kind: 'scheduled', node: this.selectHost(feasible, totals), evaluated, feasible: feasible.length }, cycle, filters: active };
  }

  /**
   * Runs every PreFilter: the filters left to run per node and the nodes worth trying
   * (undefined: all), or undefined if the pod was rejected outright.
   */
  runPreFilter(cycle: Cycle, diagnosis: Diagnosis): { active: Plugin[]; nodeNames?: { names: Set<string>; plugins: string[] } } | undefined {
    const active: Plugin[] = [];
    let nodeNames: { names: Set<string>; plugins: string[] } | undefined;
    for (const p of this.filters) {
      const verdict = p.preFilter?.(cycle);
      if (verdict === 'skip') continue;
      if (verdict && 'code' in verdict) {
        diagnosis.preFilterMessage = verdict.reasons.join(', ');
        diagnosis.preFilterPlugin = verdict.plugin;
        return undefined;
      }
      if (verdict) {
        // Several plugins narrowing the nodes: only nodes all of them allow.
        nodeNames = nodeNames
          ? { names: new Set([...nodeNames.names].filter((n) => verdict.nodeNames.has(n))), plugins: [...nodeNames.plugins, p.name] }
          : { names: verdict.nodeNames, plugins: [p.name] };
      }
      if (p.filter) active.push(p);
    }
    return { active, nodeNames };
  }

  /**
   * The first failing filter's status, or undefined when the pod fits `node`. Pods
   * nominated to the node with at least this pod's priority count as present (upstream's
   * RunFilterPluginsWithNominatedPods: the pod must fit both with and without them).
   */
  runFilters(cycle: Cycle, filters: Plugin[], node: NodeInfo): Status | undefined {
    const nominated = this.nominator.size ? this.nominator.podsOn(node.name) : undefined;
    if (nominated) {
      const added: PodInfo[] = [];
      for (const info of nominated.values()) {
        if (info.key === cycle.pod.key || info.priority < cycle.pod.priority || node.pods.has(info.key)) continue;
        added.push(info);
        node.addPod(info);
        for (const p of this.plugins) p.addPod?.(cycle, info, node);
      }
      if (added.length) {
        const status = this.filterOnce(cycle, filters, node);
        for (const info of added) {
          node.removePod(info.key);
          for (const p of this.plugins) p.removePod?.(cycle, info, node);
        }
        if (status) return status;
      }
    }
    return this.filterOnce(cycle, filters, node);
  }

  private filterOnce(cycle: Cycle, filters: Plugin[], node: NodeInfo): Status | undefined {
    for (const p of filters) {
      const status = p.filter!(cycle, node);
      if (status) return status;
    }
    return undefined;
  }

  /**
   * Filters nodes from a rotating start until enough feasible ones are found (upstream's
   * findNodesThatPassFilters with numFeasibleNodesToFind), so large clusters stay cheap.
   */
  private findFeasible(cycle: Cycle, filters: Plugin[], nodes: NodeInfo[], diagnosis: Diagnosis, rotate: boolean): NodeInfo[] {
    const feasible: NodeInfo[] = [];
    const n = nodes.length;
    const nominated = this.nominator.nominatedNode(cycle.pod.key) ?? cycle.pod.pod.status?.nominatedNodeName;
    if (nominated) {
      // The node preemption made room on is tried first; if it fits there, that is the answer.
      const node = this.cache.nodeInfo(nominated);
      if (node && !this.runFilters(cycle, filters, node)) return [node];
    }
    if (!n) return feasible;
    const wanted = numFeasibleNodesToFind(n, this.percentageOfNodesToScore);
    let processed = 0;
    const start = rotate ? this.nextStartNodeIndex % n : 0;
    for (let i = 0; i < n && feasible.length < wanted; i++) {
      const node = nodes[(start + i) % n]!;
      processed++;
      const status = filters.length ? this.runFilters(cycle, filters, node) : undefined;
      if (status) diagnosis.statuses.set(node.name, status);
      else feasible.push(node);
    }
    if (rotate) this.nextStartNodeIndex = (start + processed) % n;
    return feasible;
  }

  /** Weighted sum of normalised scores per feasible node (upstream's prioritizeNodes). */
  prioritize(cycle: Cycle, nodes: NodeInfo[]): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    for (const p of this.scorers) {
      if (p.preScore?.(cycle, nodes) === 'skip') continue;
      const scores = new Array<number>(nodes.length);
      for (let i = 0; i < nodes.length; i++) scores[i] = p.score!(cycle, nodes[i]!);
      p.normalize?.(cycle, scores, nodes);
      const weight = p.weight ?? 1;
      for (let i = 0; i < nodes.length; i++) totals[i]! += scores[i]! * weight;
    }
    return totals;
  }

  /** The highest total; among equals each is equally likely (reservoir sampling, as upstream). */
  selectHost(nodes: NodeInfo[], totals: number[]): string {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      if (totals[i]! > totals[best]!) {
        best = i;
        ties = 1;
      } else if (totals[i] === totals[best]) {
        ties++;
        if (Math.floor(this.random() * ties) === 0) best = i;
      }
    }
    return nodes[best]!.name;
  }
}

/** Upstream's numFeasibleNodesToFind: all of a small cluster, an adaptive share of a large one. */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (!percentage) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_PERCENTAGE) percentage = MIN_FEASIBLE_PERCENTAGE;
  }
  const n = Math.trunc((numAllNodes * percentage) / 100);
  return n < MIN_FEASIBLE_NODES ? MIN_FEASIBLE_NODES : n;
}

/**
 * Upstream's FitError.Error(): `0/N nodes are available: <counts of each reason, sorted
 * as strings>.` then the PostFilter (preemption) message.
 */
export function fitErrorMessage(numAllNodes: number, diagnosis: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (diagnosis.preFilterMessage) {
    msg += ` ${diagnosis.preFilterMessage}.`;
  } else {
    const counts = new Map<string, number>();
    for (const status of diagnosis.statuses.values()) for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    const absent = numAllNodes - diagnosis.statuses.size;
    if (diagnosis.absent && absent > 0) for (const reason of diagnosis.absent.reasons) counts.set(reason, (counts.get(reason) ?? 0) + absent);
    const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort(compareStrings);
    if (histogram.length) msg += ` ${histogram.join(', ')}.`;
  }
  if (diagnosis.postFilterMessage) msg += ` ${diagnosis.postFilterMessage}`;
  return msg;
}

/** Go's sort.Strings order (bytewise), not localeCompare. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Upstream's DefaultNormalizeScore: scale to 0..100 by the maximum, optionally reversed. */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = Math.trunc((MAX_NODE_SCORE * scores[i]!) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
