/**
 * DefaultPreemption (PostFilter): for a pod that fits nowhere, find nodes where removing
 * pods of lower priority would let it fit, keeping as many of them as possible (the
 * most important first, PodDisruptionBudget-protected ones before others), pick the
 * node that hurts least (fewest PDB violations, then lowest highest-victim priority,
 * smallest priority sum, fewest victims, latest start), evict the victims there and
 * nominate the node for the pod. The what-if runs on the cache's own node infos,
 * removing and restoring pods synchronously, with the plugins' PreFilter state kept in
 * step through their addPod/removePod hooks.
 */
import type { Pod, PodDisruptionBudget } from '../api/objects/index.js';
import { labelSelectorFromObject } from '../apiserver/selectors/labels.js';
import type { NodeInfo } from './cache.js';
import { fitErrorMessage, type Cycle, type Diagnosis, type Framework, type Plugin } from './framework.js';
import { unresolvable, type PodInfo, type Status } from './types.js';

const NAME = 'DefaultPreemption';
export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';
/** Upstream's MinCandidateNodesPercentage and MinCandidateNodesAbsolute. */
const MIN_CANDIDATE_PERCENTAGE = 10;
const MIN_CANDIDATE_ABSOLUTE = 100;

export interface PreemptionOptions {
  framework: Framework;
  pdbs(): PodDisruptionBudget[];
  random?: () => number;
  /** Evicts one victim (condition, delete, event); runs in the background. */
  evict(victim: Pod, preemptor: Pod, node: string): void;
  /** Clears a lower-priority pod's nomination to the node (status write in the background). */
  clearNomination(pod: Pod): void;
}

interface Candidate { node: NodeInfo; victims: PodInfo[]; pdbViolations: number }

/** Higher priority first, then the one started earlier (upstream's MoreImportantPod). */
export function moreImportant(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return startTime(a) - startTime(b);
}

function startTime(p: PodInfo): number {
  const t = Date.parse(p.pod.status?.startTime ?? p.pod.metadata.creationTimestamp ?? '');
  return Number.isFinite(t) ? t : Number.MAX_SAFE_INTEGER;
}

/** Victims that would break a PDB (in order), and the others (upstream's filterPodsWithPDBViolation). */
export function splitByPdbViolation(victims: PodInfo[], pdbs: PodDisruptionBudget[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const selectors = pdbs.map((p) => {
    try {
      return p.spec?.selector ? labelSelectorFromObject(p.spec.selector) : undefined;
    } catch {
      return undefined;
    }
  });
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const v of victims) {
    const labels = v.pod.metadata.labels;
    let violated = false;
    if (labels && Object.keys(labels).length) {
      pdbs.forEach((pdb, i) => {
        const sel = selectors[i];
        // A nil or empty selector matches nothing here.
        if (pdb.metadata.namespace !== v.pod.metadata.namespace || !sel || !sel.requirements.length || !sel.matches(labels)) return;
        if (pdb.status?.disruptedPods?.[v.pod.metadata.name!]) return;
        if (--allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(v);
  }
  return { violating, nonViolating };
}

export class DefaultPreemption {
  /** Victims whose eviction we started, until the informer shows them gone. */
  readonly evicting = new Set<string>();
  private readonly random: () => number;

  constructor(private readonly o: PreemptionOptions) {
    this.random = o.random ?? Math.random;
  }

  postFilter(cycle: Cycle, filters: Plugin[], diagnosis: Diagnosis): { message?: string; nominatedNodeName?: string } {
    const pod = cycle.pod;
    const fw = this.o.framework;
    const refused = this.ineligible(pod, diagnosis);
    if (refused) return { message: `preemption: ${refused}` };

    const nodes = fw.cache.nodeList();
    const statuses = new Map<string, Status>();
    const potential: NodeInfo[] = [];
    for (const node of nodes) {
      // Nodes a PreFilterResult left out were not filtered: they count as unresolvable.
      const code = diagnosis.statuses.get(node.name)?.code ?? diagnosis.absent?.code;
      if (code === 'UnschedulableAndUnresolvable') statuses.set(node.name, unresolvable(NAME, NOT_HELPFUL));
      else potential.push(node);
    }
    const hadNomination = Boolean(fw.nominator.nominatedNode(pod.key) ?? pod.pod.status?.nominatedNodeName);
    const clear = hadNomination ? '' : undefined;
    if (!potential.length) {
      fw.nominator.remove(pod.key);
      return { message: `preemption: ${fitErrorMessage(nodes.length, { statuses })}`, nominatedNodeName: clear };
    }

    const candidates = this.dryRun(cycle, filters, potential, statuses);
    if (!candidates.length) {
      fw.nominator.remove(pod.key);
      return { message: `preemption: ${fitErrorMessage(nodes.length, { statuses })}`, nominatedNodeName: clear };
    }
    const best = pickOne(candidates);
    this.prepare(best, pod);
    fw.nominator.nominate(pod, best.node.name);
    return { nominatedNodeName: best.node.name };
  }

  /** Upstream's PodEligibleToPreemptOthers: a reason not to preempt, or undefined. */
  private ineligible(pod: PodInfo, diagnosis: Diagnosis): string | undefined {
    if (pod.pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const nominated = this.o.framework.nominator.nominatedNode(pod.key) ?? pod.pod.status?.nominatedNodeName;
    if (!nominated) return undefined;
    // A nominated node that can never fit it is no reason to wait: preempt elsewhere.
    if (diagnosis.statuses.get(nominated)?.code === 'UnschedulableAndUnresolvable') return undefined;
    const node = this.o.framework.cache.nodeInfo(nominated);
    if (!node) return undefined;
    for (const p of node.pods.values()) {
      if (p.priority < pod.priority && (this.evicting.has(p.key) || terminatingByPreemption(p.pod))) return 'not eligible due to a terminating pod on the nominated node.';
    }
    return undefined;
  }

  private dryRun(cycle: Cycle, filters: Plugin[], potential: NodeInfo[], statuses: Map<string, Status>): Candidate[] {
    const wanted = Math.min(potential.length, Math.max(Math.trunc((potential.length * MIN_CANDIDATE_PERCENTAGE) / 100), MIN_CANDIDATE_ABSOLUTE));
    const offset = Math.floor(this.random() * potential.length);
    const pdbs = this.o.pdbs();
    const nonViolating: Candidate[] = [];
    const violating: Candidate[] = [];
    for (let i = 0; i < potential.length; i++) {
      const node = potential[(offset + i) % potential.length]!;
      const outcome = this.selectVictims(cycle, filters, node, pdbs);
      if ('status' in outcome) {
        statuses.set(node.name, outcome.status);
        continue;
      }
      (outcome.pdbViolations ? violating : nonViolating).push(outcome);
      if (nonViolating.length && nonViolating.length + violating.length >= wanted) break;
    }
    return [...nonViolating, ...violating];
  }

  /** Upstream's SelectVictimsOnNode, on the live node info (restored before returning). */
  selectVictims(cycle: Cycle, filters: Plugin[], node: NodeInfo, pdbs: PodDisruptionBudget[]): Candidate | { status: Status } {
    const fw = this.o.framework;
    const removed: PodInfo[] = [];
    const remove = (p: PodInfo) => {
      node.removePod(p.key);
      for (const plugin of fw.plugins) plugin.removePod?.(cycle, p, node);
    };
    const add = (p: PodInfo) => {
      node.addPod(p);
      for (const plugin of fw.plugins) plugin.addPod?.(cycle, p, node);
    };
    try {
      for (const p of [...node.pods.values()]) {
        if (p.priority < cycle.pod.priority) {
          remove(p);
          removed.push(p);
        }
      }
      if (!removed.length) return { status: unresolvable(NAME, NO_VICTIMS) };
      const unfit = fw.runFilters(cycle, filters, node);
      if (unfit) return { status: unfit };
      removed.sort(moreImportant);
      const { violating, nonViolating } = splitByPdbViolation(removed, pdbs);
      const victims: PodInfo[] = [];
      let pdbViolations = 0;
      const reprieve = (p: PodInfo): boolean => {
        add(p);
        if (!fw.runFilters(cycle, filters, node)) return true;
        remove(p);
        victims.push(p);
        return false;
      };
      for (const p of violating) if (!reprieve(p)) pdbViolations++;
      for (const p of nonViolating) reprieve(p);
      if (violating.length && nonViolating.length) victims.sort(moreImportant);
      if (!victims.length) return { status: { code: 'Unschedulable', reasons: [`expected at least one victim pod on node "${node.name}"`], plugin: NAME } };
      return { node, victims, pdbViolations };
    } finally {
      // Put back whatever is still removed, so the cache is as it was.
      for (const p of removed) if (!node.pods.has(p.key)) add(p);
    }
  }

  /** Evicts the victims and drops lower-priority nominations to the node (upstream's prepareCandidate). */
  private prepare(c: Candidate, preemptor: PodInfo): void {
    for (const v of c.victims) {
      if (this.evicting.has(v.key)) continue;
      this.evicting.add(v.key);
      this.o.evict(v.pod, preemptor.pod, c.node.name);
    }
    const nominated = this.o.framework.nominator.podsOn(c.node.name);
    if (nominated) {
      for (const other of [...nominated.values()]) {
        if (other.key === preemptor.key || other.priority >= preemptor.priority) continue;
        this.o.framework.nominator.remove(other.key);
        this.o.clearNomination(other.pod);
      }
    }
  }
}

function terminatingByPreemption(pod: Pod): boolean {
  return Boolean(pod.metadata.deletionTimestamp) && Boolean(pod.status?.conditions?.some((c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'PreemptionByScheduler'));
}

/** Upstream's pickOneNodeForPreemption: each rule narrows the field until one node is left. */
export function pickOne(candidates: Candidate[]): Candidate {
  const rules: Array<(c: Candidate) => number> = [
    (c) => -c.pdbViolations,
    (c) => -c.victims[0]!.priority,
    (c) => -c.victims.reduce((sum, v) => sum + v.priority + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfMostImportant(c.victims),
  ];
  let field = candidates;
  for (const rule of rules) {
    if (field.length === 1) break;
    let max = -Infinity;
    let next: Candidate[] = [];
    for (const c of field) {
      const score = rule(c);
      if (score > max) { max = score; next = [c]; } else if (score === max) next.push(c);
    }
    field = next;
  }
  return field[0]!;
}

/** The earliest start among the highest-priority victims (upstream's GetEarliestPodStartTime). */
function earliestStartOfMostImportant(victims: PodInfo[]): number {
  const top = victims[0]!.priority;
  let earliest = Number.MAX_SAFE_INTEGER;
  for (const v of victims) if (v.priority === top) earliest = Math.min(earliest, startTime(v));
  return earliest;
}
