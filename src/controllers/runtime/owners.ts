/**
 * Which owner to sync when a dependent (a pod, a revision) changes — upstream's
 * resolveControllerRef plus "every owner that might adopt it" for orphans: the object's
 * controller when it is a live owner of this kind, otherwise (for an orphan not being
 * deleted) every owner in its namespace whose selector matches its labels.
 */
import type { LabelSelectorSpec } from '../../api/objects/index.js';
import type { KObject } from '../../api/types.js';
import { labelSelectorFromObject } from '../../apiserver/selectors/labels.js';
import type { Informer } from '../../client/informer.js';
import { controllerOf } from './pods.js';

export function ownersToSync<O extends KObject & { spec: { selector?: LabelSelectorSpec } }>(obj: KObject, kind: string, owners: Informer<O>): O[] {
  const ref = controllerOf(obj);
  const namespace = obj.metadata?.namespace ?? '';
  if (ref) {
    const owner = ref.kind === kind ? owners.get(ref.name, namespace) : undefined;
    return owner && owner.metadata?.uid === ref.uid ? [owner] : [];
  }
  if (obj.metadata?.deletionTimestamp) return [];
  return owners.list(namespace).filter((o) => labelSelectorFromObject(o.spec.selector).matches(obj.metadata?.labels));
}
