/**
 * scheduling.k8s.io/v1 PriorityClass: the priority a pod gets by naming the class.
 * Field names and types follow upstream's Go types; descriptions are our own.
 */
import { arr, bool, int32, obj, ref, str, frozen, gvk, typeMeta, objectMeta, listMeta } from './dsl.js';

const scheduling = (name: string, desc?: string) => ref(`io.k8s.api.scheduling.v1.${name}`, desc);

export const schedulingV1Definitions = frozen({
  'io.k8s.api.scheduling.v1.PriorityClass': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    value: int32('The priority of pods that name this class; higher runs first and may preempt lower.'),
    globalDefault: bool('Whether pods that name no class get this one (at most one class may be the default).'),
    description: str('What the class is for.'),
    preemptionPolicy: str({ desc: 'PreemptLowerPriority (default) or Never.', enum: ['Never', 'PreemptLowerPriority'] }),
  }, { desc: 'A mapping from a class name to a pod priority.', required: ['value'], gvk: gvk('scheduling.k8s.io', 'v1', 'PriorityClass') }),
  'io.k8s.api.scheduling.v1.PriorityClassList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(scheduling('PriorityClass'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('scheduling.k8s.io', 'v1', 'PriorityClassList') }),
});
