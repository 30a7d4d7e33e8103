/**
 * Which owner to sync when a dependent (a pod, a revision) changes — upstream's
 * resolveControllerRef plus "every owner that might adopt it" for orphans (its
 * addPod/updatePod/deletePod handlers): the object's controller when it is a live owner
 * of this kind, otherwise, for an orphan not being deleted, every owner in its namespace
 * whose selector matches its labels. An empty selector matches nothing here, as upstream's
 * GetPodStatefulSets / GetPodDaemonSets / getPodReplicaSets skip it.
 */
import type { LabelSelectorSpec } from '../../api/objects/index.js';
import type { KObject, OwnerReference } from '../../api/types.js';
import { labelSelectorFromObject } from '../../apiserver/selectors/labels.js';
import type { Informer, InformerHandlers } from '../../client/informer.js';
import { controllerOf } from './pods.js';

type SelectorOf<O> = (owner: O) => LabelSelectorSpec | undefined;
const specSelector = (owner: KObject): LabelSelectorSpec | undefined => (owner as { spec?: { selector?: LabelSelectorSpec } }).spec?.selector;

/** The live owner of `kind` that `ref` (by default `obj`'s controller reference) names, if it is still the same object. */
export function resolveOwner<O extends KObject>(obj: KObject, kind: string, owners: Informer<O>, ref: OwnerReference | undefined = controllerOf(obj)): O | undefined {
  if (!ref || ref.kind !== kind) return undefined;
  const owner = owners.get(ref.name, obj.metadata?.namespace ?? '');
  return owner?.metadata?.uid === ref.uid ? owner : undefined;
}

/** Owners in `obj`'s namespace whose non-empty selector matches its labels: those that may adopt it. */
export function adoptersOf<O extends KObject>(obj: KObject, owners: Informer<O>, selectorOf: SelectorOf<O> = specSelector): O[] {
  return owners.list(obj.metadata?.namespace ?? '').filter((owner) => {
    const selector = labelSelectorFromObject(selectorOf(owner));
    return selector.requirements.length > 0 && selector.matches(obj.metadata?.labels);
  });
}

/** Whether two label maps are equal (absent and empty alike); cheap enough for every watch event. */
export function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = a ? Object.keys(a) : [];
  if (ka.length !== (b ? Object.keys(b).length : 0)) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a![k] === b![k]);
}

/**
 * Informer handlers for a dependent kind that queue the owners each change concerns:
 * an added object's controller (or, for an orphan, the owners that may adopt it); on an
 * update, the controller it left, its controller, or — for an orphan whose labels or
 * controller changed — the owners that may adopt it now (an orphan's status changes
 * concern nobody); a deleted object's controller.
 */
export function dependentHandlers<O extends KObject>(kind: string, owners: Informer<O>, enqueue: (owner: O) => void, selectorOf: SelectorOf<O> = specSelector): InformerHandlers<KObject> {
  const enqueueAdopters = (obj: KObject) => {
    if (obj.metadata?.deletionTimestamp) return;
    for (const owner of adoptersOf(obj, owners, selectorOf)) enqueue(owner);
  };
  return {
    add(obj) {
      const ref = controllerOf(obj);
      if (!ref) return enqueueAdopters(obj);
      const owner = resolveOwner(obj, kind, owners, ref);
      if (owner) enqueue(owner);
    },
    update(old, cur) {
      const oldRef = controllerOf(old);
      const curRef = controllerOf(cur);
      const refChanged = oldRef?.uid !== curRef?.uid;
      if (refChanged && oldRef) {
        const previous = resolveOwner(old, kind, owners, oldRef);
        if (previous) enqueue(previous);
      }
      if (curRef) {
        const owner = resolveOwner(cur, kind, owners, curRef);
        if (owner) enqueue(owner);
        return;
      }
      if (refChanged || !sameLabels(old.metadata?.labels, cur.metadata?.labels)) enqueueAdopters(cur);
    },
    delete(obj) {
      const owner = resolveOwner(obj, kind, owners);
      if (owner) enqueue(owner);
    },
  };
}
