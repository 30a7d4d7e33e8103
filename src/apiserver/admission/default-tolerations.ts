/**
 * The DefaultTolerationSeconds admission plugin (upstream plugin/pkg/admission/
 * defaulttolerationseconds): every new pod that does not already tolerate the
 * `node.kubernetes.io/not-ready` and `node.kubernetes.io/unreachable` NoExecute taints
 * gets a toleration for each, for 300 seconds by default
 * (`--default-not-ready-toleration-seconds`, `--default-unreachable-toleration-seconds`).
 * So a pod outlives a short node outage, and is evicted by the taint manager after that.
 *
 * Upstream also runs it on pod updates; here it runs on creates only, because update-time
 * admission also sees status writes, which must not change a pod's spec.
 */
import type { KObject } from '../../api/types.js';
import type { AdmissionPlugin } from './types.js';

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

interface Toleration { key?: string; operator?: string; effect?: string; tolerationSeconds?: number }

export interface DefaultTolerationOptions {
  notReadySeconds?: number;
  unreachableSeconds?: number;
}

/** A toleration with no key (or the taint's key) and no effect (or NoExecute) already covers the taint. */
const covers = (t: Toleration, key: string) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute');

export function defaultTolerationsAdmission(options: DefaultTolerationOptions = {}): AdmissionPlugin {
  const defaults: Array<[string, number]> = [[NOT_READY, options.notReadySeconds ?? 300], [UNREACHABLE, options.unreachableSeconds ?? 300]];
  return {
    async admitCreate(rt, obj: KObject) {
      if (rt.group !== '' || rt.kind !== 'Pod') return;
      const spec = (obj.spec ?? {}) as { tolerations?: Toleration[] };
      if (spec.tolerations !== undefined && spec.tolerations !== null && !Array.isArray(spec.tolerations)) return; // validation answers that
      const tolerations = spec.tolerations ?? [];
      const added = defaults
        .filter(([key]) => !tolerations.some((t) => t && typeof t === 'object' && covers(t, key)))
        .map(([key, seconds]) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds }));
      if (!added.length) return;
      spec.tolerations = [...tolerations, ...added];
      obj.spec = spec as KObject['spec'];
    },
  };
}
