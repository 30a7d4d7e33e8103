/**
 * core/v1 remaining kinds: namespaces, config, accounts, events, limits, quotas, replication controllers.
 * Field names, types and list/patch markers follow upstream's Go types; the
 * descriptions are our own one-line summaries.
 */
import { arr, bool, bytes, int32, int64, mapOf, microTime, obj, quantity, str, time, core, frozen, gvk, typeMeta, objectMeta, listMeta } from './dsl.js';

export const coreV1MiscDefinitions = frozen({
  'io.k8s.api.core.v1.Namespace': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: core('NamespaceSpec', 'Desired state of the object.'),
    status: core('NamespaceStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'A scope for names; most objects live in one.', gvk: gvk('', 'v1', 'Namespace') }),
  'io.k8s.api.core.v1.NamespaceList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(core('Namespace'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'NamespaceList') }),
  'io.k8s.api.core.v1.ConfigMap': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    immutable: bool('When true, the data cannot be changed.'),
    data: mapOf(str(), 'UTF-8 values by key.'),
    binaryData: mapOf(bytes(), 'Binary values by key, base64 encoded.'),
  }, { desc: 'Non-confidential configuration data as key/value pairs.', gvk: gvk('', 'v1', 'ConfigMap') }),
  'io.k8s.api.core.v1.ConfigMapList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(core('ConfigMap'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'ConfigMapList') }),
  'io.k8s.api.core.v1.Secret': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    immutable: bool('When true, the data cannot be changed.'),
    data: mapOf(bytes(), 'Values by key, base64 encoded.'),
    stringData: mapOf(str(), 'Write-only plain-text values merged into data.'),
    type: str('Kind of secret, used to check its content (Opaque by default).'),
  }, { desc: 'Confidential data such as passwords, tokens or keys.', gvk: gvk('', 'v1', 'Secret') }),
  'io.k8s.api.core.v1.SecretList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(core('Secret'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'SecretList') }),
  'io.k8s.api.core.v1.ServiceAccount': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    secrets: arr(core('ObjectReference'), { mergeKey: 'name', strategy: 'merge', listType: 'map', mapKeys: ['name'] }),
    imagePullSecrets: arr(core('LocalObjectReference'), { listType: 'atomic' }),
    automountServiceAccountToken: bool(),
  }, { desc: 'An identity for processes running in pods.', gvk: gvk('', 'v1', 'ServiceAccount') }),
  'io.k8s.api.core.v1.ServiceAccountList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(core('ServiceAccount'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'ServiceAccountList') }),
  'io.k8s.api.core.v1.Event': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    involvedObject: core('ObjectReference', 'The object the event is about.'),
    reason: str('Short machine-readable reason.'),
    message: str('Human-readable description.'),
    source: core('EventSource'),
    firstTimestamp: time(),
    lastTimestamp: time(),
    count: int32('How many times this event happened.'),
    type: str('Normal or Warning.'),
    eventTime: microTime(),
    series: core('EventSeries'),
    action: str(),
    related: core('ObjectReference'),
    reportingComponent: str(),
    reportingInstance: str(),
  }, { desc: 'A report of something that happened to an object.', required: ['involvedObject'], gvk: gvk('', 'v1', 'Event') }),
  'io.k8s.api.core.v1.EventList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(core('Event'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'EventList') }),
  'io.k8s.api.core.v1.LimitRange': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: core('LimitRangeSpec', 'Desired state of the object.'),
  }, { desc: 'Default and allowed resource amounts per object in a namespace.', gvk: gvk('', 'v1', 'LimitRange') }),
  'io.k8s.api.core.v1.LimitRangeList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(core('LimitRange'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'LimitRangeList') }),
  'io.k8s.api.core.v1.ResourceQuota': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: core('ResourceQuotaSpec', 'Desired state of the object.'),
    status: core('ResourceQuotaStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'Caps on the total resources consumed in a namespace.', gvk: gvk('', 'v1', 'ResourceQuota') }),
  'io.k8s.api.core.v1.ResourceQuotaList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(core('ResourceQuota'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'ResourceQuotaList') }),
  'io.k8s.api.core.v1.ReplicationController': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: core('ReplicationControllerSpec', 'Desired state of the object.'),
    status: core('ReplicationControllerStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'Keeps a number of pod replicas running (predecessor of ReplicaSet).', gvk: gvk('', 'v1', 'ReplicationController') }),
  'io.k8s.api.core.v1.ReplicationControllerList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(core('ReplicationController'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'ReplicationControllerList') }),
  'io.k8s.api.core.v1.NamespaceSpec': obj({
    finalizers: arr(str(), { listType: 'atomic' }),
  }, { desc: 'Finalizers that must run before the namespace is removed.' }),
  'io.k8s.api.core.v1.NamespaceStatus': obj({
    phase: str(),
    conditions: arr(core('NamespaceCondition'), { mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] }),
  }, { desc: 'Phase of the namespace: Active or Terminating.' }),
  'io.k8s.api.core.v1.EventSource': obj({
    component: str(),
    host: str(),
  }),
  'io.k8s.api.core.v1.EventSeries': obj({
    count: int32(),
    lastObservedTime: microTime(),
  }),
  'io.k8s.api.core.v1.LimitRangeSpec': obj({
    limits: arr(core('LimitRangeItem'), { listType: 'atomic' }),
  }, { desc: 'The limits to enforce.', required: ['limits'] }),
  'io.k8s.api.core.v1.ResourceQuotaSpec': obj({
    hard: mapOf(quantity()),
    scopes: arr(str(), { listType: 'atomic' }),
    scopeSelector: core('ScopeSelector'),
  }, { desc: 'Hard limits and the scopes they apply to.' }),
  'io.k8s.api.core.v1.ResourceQuotaStatus': obj({
    hard: mapOf(quantity()),
    used: mapOf(quantity()),
  }, { desc: 'Hard limits and current usage.' }),
  'io.k8s.api.core.v1.ReplicationControllerSpec': obj({
    replicas: int32({ default: 1 }),
    minReadySeconds: int32({ default: 0 }),
    selector: mapOf(str(), { mapType: 'atomic' }),
    template: core('PodTemplateSpec'),
  }, { desc: 'Replicas, selector and pod template.' }),
  'io.k8s.api.core.v1.ReplicationControllerStatus': obj({
    replicas: int32(),
    fullyLabeledReplicas: int32(),
    readyReplicas: int32(),
    availableReplicas: int32(),
    observedGeneration: int64(),
    conditions: arr(core('ReplicationControllerCondition'), { mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] }),
  }, { desc: 'Observed replica counts.', required: ['replicas'] }),
  'io.k8s.api.core.v1.NamespaceCondition': obj({
    type: str(),
    status: str('Most recently observed state, written by the system.'),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
  }, { required: ['type', 'status'] }),
  'io.k8s.api.core.v1.LimitRangeItem': obj({
    type: str(),
    max: mapOf(quantity()),
    min: mapOf(quantity()),
    default: mapOf(quantity()),
    defaultRequest: mapOf(quantity()),
    maxLimitRequestRatio: mapOf(quantity()),
  }, { desc: 'Limits for one kind of object (Pod, Container, PersistentVolumeClaim).', required: ['type'] }),
  'io.k8s.api.core.v1.ScopeSelector': obj({
    matchExpressions: arr(core('ScopedResourceSelectorRequirement'), { listType: 'atomic' }),
  }, { atomic: true }),
  'io.k8s.api.core.v1.ReplicationControllerCondition': obj({
    type: str(),
    status: str('Most recently observed state, written by the system.'),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
  }, { required: ['type', 'status'] }),
  'io.k8s.api.core.v1.ScopedResourceSelectorRequirement': obj({
    scopeName: str(),
    operator: str(),
    values: arr(str(), { listType: 'atomic' }),
  }, { required: ['scopeName', 'operator'] }),
});
