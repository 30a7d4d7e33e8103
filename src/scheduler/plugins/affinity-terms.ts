/**
 * Pod (anti-)affinity terms compiled once per pod (upstream's AffinityTerm): the label
 * selector, the namespaces it covers (its own when none are named and there is no
 * namespaceSelector), and the topology key. Compiled terms are kept per PodInfo, so a
 * pod bound long ago is not parsed again for every new pod.
 */
import type { Pod, PodAffinityTerm } from '../../api/objects/index.js';
import { labelSelectorFromObject, type LabelSelector } from '../../apiserver/selectors/labels.js';
import type { PodInfo } from '../types.js';

export const NOTHING: LabelSelector = { requirements: [], matches: () => false };

/** A selector object, nil (or invalid) selecting nothing, as upstream's LabelSelectorAsSelector for affinity. */
export function selectorOrNothing(sel: PodAffinityTerm['labelSelector']): LabelSelector {
  if (!sel) return NOTHING;
  try {
    return labelSelectorFromObject(sel);
  } catch {
    return NOTHING;
  }
}

export interface AffinityTerm {
  selector: LabelSelector;
  namespaces: Set<string>;
  /** undefined: no namespaceSelector (only `namespaces` count); `{}` selects every namespace. */
  namespaceSelector: LabelSelector | undefined;
  topologyKey: string;
  weight: number;
}

export interface PodAffinityTerms {
  required: AffinityTerm[];
  requiredAnti: AffinityTerm[];
  preferred: AffinityTerm[];
  preferredAnti: AffinityTerm[];
}

function compile(pod: Pod, t: PodAffinityTerm, weight: number): AffinityTerm {
  const namespaces = new Set(t.namespaces ?? []);
  if (!namespaces.size && !t.namespaceSelector) namespaces.add(pod.metadata.namespace ?? 'default');
  return {
    selector: selectorOrNothing(t.labelSelector),
    namespaces,
    namespaceSelector: t.namespaceSelector ? selectorOrNothing(t.namespaceSelector) : undefined,
    topologyKey: t.topologyKey,
    weight,
  };
}

const EMPTY: PodAffinityTerms = { required: [], requiredAnti: [], preferred: [], preferredAnti: [] };
const compiled = new WeakMap<PodInfo, PodAffinityTerms>();

export function affinityTerms(info: PodInfo): PodAffinityTerms {
  if (!info.hasAffinity) return EMPTY;
  let terms = compiled.get(info);
  if (terms) return terms;
  const pod = info.pod;
  const a = pod.spec?.affinity;
  terms = {
    required: (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compile(pod, t, 1)),
    requiredAnti: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compile(pod, t, 1)),
    preferred: (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).filter((w) => w.podAffinityTerm).map((w) => compile(pod, w.podAffinityTerm, w.weight)),
    preferredAnti: (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).filter((w) => w.podAffinityTerm).map((w) => compile(pod, w.podAffinityTerm, w.weight)),
  };
  compiled.set(info, terms);
  return terms;
}

/** Upstream's AffinityTerm.Matches: the pod is in a covered namespace and its labels match. */
export function termMatches(term: AffinityTerm, pod: Pod, namespaceLabels: (ns: string) => Record<string, string> | undefined): boolean {
  const ns = pod.metadata.namespace ?? 'default';
  if (!term.namespaces.has(ns)) {
    if (!term.namespaceSelector) return false;
    const labels = namespaceLabels(ns);
    if (!labels || !term.namespaceSelector.matches(labels)) return false;
  }
  return term.selector.matches(pod.metadata.labels ?? {});
}
