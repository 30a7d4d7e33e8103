/**
 * Topology spread constraints as PodTopologySpread evaluates them: the pod's own (those
 * with the wanted `whenUnsatisfiable`), or else the cluster defaults (hostname maxSkew 3,
 * zone maxSkew 5, ScheduleAnyway) with a selector made from the Services and controllers
 * selecting the pod. Plus which nodes a constraint counts (nodeAffinityPolicy,
 * nodeTaintsPolicy) and how many matching pods a node holds.
 */
import type { Pod, TopologySpreadConstraint } from '../../api/objects/index.js';
import { selectorOf, type LabelSelector, type Requirement } from '../../apiserver/selectors/labels.js';
import type { NodeInfo } from '../cache.js';
import type { ClusterView } from '../cluster-view.js';
import { selectorOrNothing } from './affinity-terms.js';
import { firstUntoleratedTaint, isHardEffect } from '../../api/scheduling/matching.js';
import { matchesRequiredNodeAffinity } from './node-affinity.js';

export const HOSTNAME = 'kubernetes.io/hostname';
export const ZONE = 'topology.kubernetes.io/zone';

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  isHostname: boolean;
  selector: LabelSelector;
  /** Identifies the selector (with the pod's namespace) for NodeInfo.memoised. */
  countKey: string;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

/** Upstream's systemDefaultConstraints. */
const SYSTEM_DEFAULTS: Array<Pick<SpreadConstraint, 'topologyKey' | 'maxSkew' | 'isHostname'>> = [
  { topologyKey: HOSTNAME, maxSkew: 3, isHostname: true },
  { topologyKey: ZONE, maxSkew: 5, isHostname: false },
];

function countKeyOf(selector: LabelSelector, namespace: string): string {
  return `${namespace}\u0000${JSON.stringify(selector.requirements)}`;
}

function selectorWithLabelKeys(c: TopologySpreadConstraint, pod: Pod): LabelSelector {
  const base = selectorOrNothing(c.labelSelector);
  const labels = pod.metadata.labels ?? {};
  const keys = (c.matchLabelKeys ?? []).filter((k) => k in labels);
  if (!keys.length || !c.labelSelector) return base;
  const extra: Requirement[] = keys.map((k) => ({ key: k, op: 'in', values: [labels[k]!] }));
  return selectorOf([...base.requirements, ...extra]);
}

/** The constraints to apply, and whether they are the cluster defaults. */
export function spreadConstraints(pod: Pod, action: 'DoNotSchedule' | 'ScheduleAnyway', cluster: ClusterView): { constraints: SpreadConstraint[]; systemDefaulted: boolean } {
  const own = pod.spec?.topologySpreadConstraints;
  const namespace = pod.metadata.namespace ?? 'default';
  if (own?.length) {
    const constraints = own.filter((c) => c.whenUnsatisfiable === action).map((c) => {
      const selector = selectorWithLabelKeys(c, pod);
      return {
        maxSkew: c.maxSkew,
        topologyKey: c.topologyKey,
        isHostname: c.topologyKey === HOSTNAME,
        selector,
        countKey: countKeyOf(selector, namespace),
        minDomains: c.minDomains ?? 1,
        honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
        honorTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
      };
    });
    return { constraints, systemDefaulted: false };
  }
  if (action !== 'ScheduleAnyway') return { constraints: [], systemDefaulted: true };
  const selector = cluster.defaultSelector(pod);
  if (!selector || !selector.requirements.length) return { constraints: [], systemDefaulted: true };
  const countKey = countKeyOf(selector, namespace);
  return {
    constraints: SYSTEM_DEFAULTS.map((d) => ({ ...d, selector, countKey, minDomains: 1, honorNodeAffinity: true, honorTaints: false })),
    systemDefaulted: true,
  };
}

export function nodeHasAllKeys(node: NodeInfo, constraints: SpreadConstraint[]): boolean {
  for (const c of constraints) if (!(c.topologyKey in node.labels)) return false;
  return true;
}

/** Upstream's matchNodeInclusionPolicies. */
export function nodeIncluded(c: SpreadConstraint, pod: Pod, node: NodeInfo): boolean {
  if (c.honorNodeAffinity && !matchesRequiredNodeAffinity(pod, node)) return false;
  if (c.honorTaints && firstUntoleratedTaint(node.taints, pod.spec?.tolerations, isHardEffect)) return false;
  return true;
}

/** Pods on the node in `namespace` matching the constraint's selector, terminating ones left out (upstream's countPodsMatchSelector). */
export function countMatching(node: NodeInfo, c: SpreadConstraint, namespace: string): number {
  if (!c.selector.requirements.length || !node.pods.size) return 0;
  return node.memoised(c.countKey, () => countNow(node, c.selector, namespace));
}

function countNow(node: NodeInfo, selector: LabelSelector, namespace: string): number {
  let n = 0;
  for (const p of node.pods.values()) {
    const meta = p.pod.metadata;
    if (meta.deletionTimestamp || meta.namespace !== namespace) continue;
    if (selector.matches(meta.labels)) n++;
  }
  return n;
}
