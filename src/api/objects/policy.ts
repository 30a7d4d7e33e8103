/** TypeScript shapes of policy/v1 and scheduling.k8s.io/v1 objects. */
import type { KObject, ObjectMeta } from '../types.js';
import type { Condition, LabelSelectorSpec } from './core.js';
import type { IntOrString } from './apps.js';

export interface PodDisruptionBudget extends KObject {
  metadata: ObjectMeta;
  spec?: { minAvailable?: IntOrString; maxUnavailable?: IntOrString; selector?: LabelSelectorSpec; unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow' };
  status?: {
    observedGeneration?: number;
    disruptedPods?: Record<string, string>;
    disruptionsAllowed: number;
    currentHealthy: number;
    desiredHealthy: number;
    expectedPods: number;
    conditions?: Condition[];
  };
}

export interface PriorityClass extends KObject { metadata: ObjectMeta; value: number; globalDefault?: boolean; preemptionPolicy?: 'PreemptLowerPriority' | 'Never'; description?: string }
