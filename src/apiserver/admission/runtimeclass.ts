/**
 * The RuntimeClass admission plugin (upstream plugin/pkg/admission/runtimeclass): a pod
 * naming a RuntimeClass must name one that exists, gets the class's pod overhead (or
 * must already carry the same), and gets the class's scheduling constraints — its node
 * selector merged into the pod's (a conflicting value is refused) and its tolerations
 * added — so the scheduler places the pod only on nodes that run its handler.
 */
import { Forbidden, NotFound } from '../../api/errors.js';
import type { Catalogue } from '../../api/catalogue.js';
import type { KObject } from '../../api/types.js';
import { deepEqual } from '../patch/json.js';
import type { ObjectStorage } from '../registry/storage.js';
import type { AdmissionPlugin } from './types.js';

type Obj = Record<string, unknown>;

export function runtimeClassAdmission(options: { storage: ObjectStorage; catalogue: Catalogue }): AdmissionPlugin {
  return {
    async admitCreate(rt, pod) {
      if (rt.group !== '' || rt.kind !== 'Pod') return;
      const spec = (pod.spec ?? {}) as Obj;
      const name = spec.runtimeClassName;
      if (typeof name !== 'string' || !name) return;
      const rcType = options.catalogue.byResource('node.k8s.io', 'v1', 'runtimeclasses');
      if (!rcType) return;
      const refuse = (why: string) => new Forbidden(`pods "${pod.metadata?.name ?? ''}" is forbidden: ${why}`);
      let rc: KObject;
      try {
        rc = await options.storage.get(rcType, '', name);
      } catch (err) {
        if (err instanceof NotFound) throw refuse(`pod rejected: RuntimeClass "${name}" not found`);
        throw err;
      }
      const fixed = (rc.overhead as Obj | undefined)?.podFixed as Obj | undefined;
      if (fixed) {
        if (spec.overhead !== undefined && !deepEqual(spec.overhead, fixed)) throw refuse("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
        spec.overhead = { ...fixed };
      }
      const scheduling = rc.scheduling as { nodeSelector?: Record<string, string>; tolerations?: Obj[] } | undefined;
      if (scheduling?.nodeSelector) {
        const selector = { ...(spec.nodeSelector as Record<string, string> | undefined) };
        for (const [k, v] of Object.entries(scheduling.nodeSelector)) {
          if (selector[k] !== undefined && selector[k] !== v) throw refuse(`conflict: runtimeClass.scheduling.nodeSelector[${k}] = ${v}; pod.spec.nodeSelector[${k}] = ${selector[k]}`);
          selector[k] = v;
        }
        spec.nodeSelector = selector;
      }
      if (scheduling?.tolerations?.length) {
        const tolerations = [...((spec.tolerations as Obj[] | undefined) ?? [])];
        for (const t of scheduling.tolerations) if (!tolerations.some((e) => deepEqual(e, t))) tolerations.push(t);
        spec.tolerations = tolerations;
      }
      pod.spec = spec as KObject['spec'];
    },
  };
}
