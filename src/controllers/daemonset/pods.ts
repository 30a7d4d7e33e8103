/**
 * Daemon pods as upstream makes them (daemon/util): the template with the daemon
 * tolerations, labelled with the revision hash, and pinned to one node by required node
 * affinity `metadata.name In [node]` (replacing any required node affinity the template
 * had, since the node already satisfies it). The scheduler binds them; until then the
 * affinity says which node a pod is for.
 */
import type { Affinity, DaemonSet, Pod, PodTemplateSpec } from '../../api/objects/index.js';
import { POD_REVISION_LABEL } from '../history/index.js';
import { controllerRef } from '../runtime/pods.js';
import { withDaemonTolerations } from './eligibility.js';

/** Set on DaemonSets by older API servers; pods then carry it too and it also marks them updated. */
const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

function templateGeneration(ds: DaemonSet): string | undefined {
  const value = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return value && /^\d+$/.test(value) ? value : undefined;
}

/** CreatePodTemplate: the template every new pod of the current revision starts from. */
export function daemonPodTemplate(ds: DaemonSet, hash: string): PodTemplateSpec {
  const template = structuredClone(ds.spec.template);
  const generation = templateGeneration(ds);
  template.spec.tolerations = withDaemonTolerations(template.spec);
  template.metadata = {
    ...template.metadata,
    labels: { ...template.metadata?.labels, ...(generation ? { [TEMPLATE_GENERATION_LABEL]: generation } : {}), ...(hash ? { [POD_REVISION_LABEL]: hash } : {}) },
  };
  return template;
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity. */
function pinnedTo(affinity: Affinity | undefined, node: string): Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In' as const, values: [node] }] }] };
  return { ...affinity, nodeAffinity: { ...affinity?.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required } };
}

/** A new pod of `ds` for `node` (GetPodFromTemplate with the daemon's name as prefix). */
export function podForNode(ds: DaemonSet, template: PodTemplateSpec, node: string): Pod {
  const t = structuredClone(template);
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`, namespace: ds.metadata.namespace,
      labels: t.metadata?.labels,
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ...(t.metadata?.finalizers ? { finalizers: t.metadata.finalizers } : {}),
      ownerReferences: [controllerRef(ds, 'apps/v1', 'DaemonSet')],
    },
    spec: { ...t.spec, affinity: pinnedTo(t.spec.affinity, node) },
  };
}

/** GetTargetNodeName: the node a pod is bound to, or the one its affinity pins it to. */
export function targetNode(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const r of term.matchFields ?? []) {
      if (r.key === 'metadata.name' && r.operator === 'In') return r.values?.length === 1 ? r.values[0] : undefined;
    }
  }
  return undefined;
}

/** IsPodUpdated: carries the current revision's hash (or the current template generation). */
export function isPodUpdated(ds: DaemonSet, pod: Pod, hash: string): boolean {
  const generation = templateGeneration(ds);
  const labels = pod.metadata.labels ?? {};
  return (hash !== '' && labels[POD_REVISION_LABEL] === hash) || (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation);
}

/** Bound pods first, then oldest, then by name (podByCreationTimestampAndPhase). */
export function byAge(a: Pod, b: Pod): number {
  if (Boolean(a.spec.nodeName) !== Boolean(b.spec.nodeName)) return a.spec.nodeName ? -1 : 1;
  const at = String(a.metadata.creationTimestamp ?? '');
  const bt = String(b.metadata.creationTimestamp ?? '');
  return at === bt ? String(a.metadata.name).localeCompare(String(b.metadata.name)) : at.localeCompare(bt);
}
