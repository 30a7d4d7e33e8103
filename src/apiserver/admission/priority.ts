/**
 * The Priority admission plugin (upstream plugin/pkg/admission/priority):
 * - a pod gets `spec.priority` (and `spec.preemptionPolicy`) from the PriorityClass it
 *   names, or from the global default class, or 0 when there is none; a pod naming a
 *   missing class, or carrying a priority that disagrees with its class, is refused;
 * - at most one PriorityClass is the global default.
 */
import { Forbidden, NotFound } from '../../api/errors.js';
import type { KObject, ResourceType } from '../../api/types.js';
import type { Catalogue } from '../../api/catalogue.js';
import type { KindCache } from '../registry/kind-cache.js';
import type { ObjectStorage } from '../registry/storage.js';
import type { AdmissionPlugin } from './types.js';

interface PodSpec {
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: string;
}

/** `classes` (the PriorityClasses kept in memory) saves a store read per pod; without it the store is read. */
export function priorityAdmission(options: { storage: ObjectStorage; catalogue: Catalogue; classes?: KindCache }): AdmissionPlugin {
  const allClasses = async (pcType: ResourceType) => (options.classes ? options.classes.list('') : (await options.storage.list(pcType, '')).items);
  const classes = () => options.catalogue.byResource('scheduling.k8s.io', 'v1', 'priorityclasses');
  const forbidden = (rt: ResourceType, obj: KObject, why: string) =>
    new Forbidden(`${rt.plural}${rt.group ? '.' + rt.group : ''} "${obj.metadata?.name ?? ''}" is forbidden: ${why}`);

  /** The global default with the lowest value, as upstream picks when several claim it. */
  async function globalDefault(pcType: ResourceType): Promise<KObject | undefined> {
    let chosen: KObject | undefined;
    for (const pc of await allClasses(pcType)) {
      if (pc.globalDefault === true && (!chosen || (pc.value as number) < (chosen.value as number))) chosen = pc;
    }
    return chosen;
  }

  async function admitPod(rt: ResourceType, pod: KObject, pcType: ResourceType): Promise<void> {
    const spec = (pod.spec ?? {}) as PodSpec;
    let pc: KObject | undefined;
    if (spec.priorityClassName) {
      try {
        // The cache first; the store for a class created a moment ago that the cache has yet to see.
        pc = (await allClasses(pcType)).find((c) => c.metadata?.name === spec.priorityClassName) ?? await options.storage.get(pcType, '', spec.priorityClassName);
      } catch (err) {
        if (err instanceof NotFound) throw forbidden(rt, pod, `no PriorityClass with name ${spec.priorityClassName} was found`);
        throw err;
      }
    } else {
      pc = await globalDefault(pcType);
      if (pc) spec.priorityClassName = pc.metadata!.name;
    }
    const priority = pc ? (pc.value as number) : 0;
    if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
      throw forbidden(rt, pod, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
    }
    spec.priority = priority;
    const policy = pc?.preemptionPolicy as string | undefined;
    if (policy) {
      if (spec.preemptionPolicy && spec.preemptionPolicy !== policy) {
        throw forbidden(rt, pod, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
      }
      spec.preemptionPolicy = policy;
    }
    pod.spec = spec as KObject['spec'];
  }

  /** A class becoming the default (created so, or marked so) while another is the default. */
  async function checkSingleDefault(rt: ResourceType, pc: KObject, pcType: ResourceType): Promise<void> {
    if (pc.globalDefault !== true) return;
    const existing = await globalDefault(pcType);
    if (existing && existing.metadata!.name !== pc.metadata?.name) {
      throw forbidden(rt, pc, `PriorityClass ${existing.metadata!.name} is already marked as default. Only one default can exist`);
    }
  }

  const isPriorityClass = (rt: ResourceType, pcType: ResourceType) => rt.group === pcType.group && rt.kind === pcType.kind;

  return {
    async admitCreate(rt, obj) {
      const pcType = classes();
      if (!pcType) return;
      if (rt.group === '' && rt.kind === 'Pod') return admitPod(rt, obj, pcType);
      if (isPriorityClass(rt, pcType)) await checkSingleDefault(rt, obj, pcType);
    },
    async admitUpdate(rt, obj) {
      const pcType = classes();
      if (pcType && isPriorityClass(rt, pcType)) await checkSingleDefault(rt, obj, pcType);
    },
  };
}
