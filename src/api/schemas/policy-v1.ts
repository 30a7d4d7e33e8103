/**
 * policy/v1 PodDisruptionBudget: how many pods of a set voluntary disruptions (drain,
 * eviction) may take down at once. Field names, types and list/patch markers follow
 * upstream's Go types; descriptions are our own.
 */
import { arr, int32, int64, intOrString, mapOf, meta, obj, ref, str, time, frozen, gvk, typeMeta, objectMeta, listMeta } from './dsl.js';

const policy = (name: string, desc?: string) => ref(`io.k8s.api.policy.v1.${name}`, desc);

export const policyV1Definitions = frozen({
  'io.k8s.api.policy.v1.PodDisruptionBudget': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: policy('PodDisruptionBudgetSpec', 'Desired state of the budget.'),
    status: policy('PodDisruptionBudgetStatus', 'Most recently observed state, written by the disruption controller.'),
  }, { desc: 'The most disruption a set of pods accepts at once.', gvk: gvk('policy', 'v1', 'PodDisruptionBudget') }),
  'io.k8s.api.policy.v1.PodDisruptionBudgetList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(policy('PodDisruptionBudget'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('policy', 'v1', 'PodDisruptionBudgetList') }),
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': obj({
    minAvailable: intOrString('Pods that must stay available after an eviction: a number or a percentage.'),
    maxUnavailable: intOrString('Pods that may be unavailable after an eviction: a number or a percentage.'),
    selector: { ...meta('LabelSelector', 'The pods the budget covers.'), 'x-kubernetes-patch-strategy': 'replace' },
    unhealthyPodEvictionPolicy: str({ desc: 'When unhealthy pods may be evicted: IfHealthyBudget or AlwaysAllow.', enum: ['AlwaysAllow', 'IfHealthyBudget'] }),
  }, { desc: 'The pods a budget covers and how many must stay available.' }),
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': obj({
    observedGeneration: int64(),
    disruptedPods: mapOf(time(), 'Pods evicted but not yet seen deleted, with the time of eviction.'),
    disruptionsAllowed: int32('Disruptions allowed now.'),
    currentHealthy: int32('Healthy pods now.'),
    desiredHealthy: int32('Healthy pods the budget requires.'),
    expectedPods: int32('Pods the budget covers.'),
    conditions: arr(meta('Condition'), { desc: 'Conditions such as DisruptionAllowed.', mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] }),
  }, { desc: 'Observed state of a budget.', required: ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] }),
});
