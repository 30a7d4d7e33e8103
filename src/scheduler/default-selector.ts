/**
 * Upstream's helper.DefaultSelector, for the default topology spreading: the labels the
 * pod's Services select on, merged with the selector of the ReplicationController,
 * ReplicaSet or StatefulSet controlling it. Empty (undefined) when none applies.
 */
import type { Pod } from '../api/objects/index.js';
import type { KObject } from '../api/types.js';
import { labelSelectorFromObject, selectorOf, type LabelSelector, type Requirement } from '../apiserver/selectors/labels.js';
import type { Informer } from '../client/informer.js';
import { controllerOf } from '../controllers/runtime/pods.js';

export interface OwnerInformers {
  services: Informer;
  replicationControllers: Informer;
  replicaSets: Informer;
  statefulSets: Informer;
}

type Spec = { selector?: unknown };

export function defaultSelector(pod: Pod, i: OwnerInformers): LabelSelector | undefined {
  const namespace = pod.metadata.namespace ?? 'default';
  const podLabels = pod.metadata.labels ?? {};
  const merged: Record<string, string> = {};
  for (const svc of i.services.list(namespace)) {
    const sel = (svc.spec as Spec | undefined)?.selector as Record<string, string> | undefined;
    if (!sel || !Object.keys(sel).length) continue;
    if (Object.entries(sel).every(([k, v]) => podLabels[k] === v)) Object.assign(merged, sel);
  }
  const owner = controllerOf(pod);
  let extra: Requirement[] = [];
  if (owner) {
    const group = owner.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
    const get = (inf: Informer) => inf.get(owner.name, namespace) as KObject | undefined;
    if (group === '' && owner.kind === 'ReplicationController') {
      Object.assign(merged, ((get(i.replicationControllers)?.spec as Spec | undefined)?.selector as Record<string, string> | undefined) ?? {});
    } else if (group === 'apps' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
      const obj = get(owner.kind === 'ReplicaSet' ? i.replicaSets : i.statefulSets);
      const sel = (obj?.spec as Spec | undefined)?.selector as Parameters<typeof labelSelectorFromObject>[0];
      try {
        if (sel) extra = labelSelectorFromObject(sel).requirements;
      } catch {
        // An invalid selector adds nothing, as upstream ignores the conversion error.
      }
    }
  }
  const requirements: Requirement[] = Object.entries(merged).map(([key, value]) => ({ key, op: '=', values: [value] }));
  requirements.push(...extra);
  return requirements.length ? selectorOf(requirements) : undefined;
}
