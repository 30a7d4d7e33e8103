/**
 * storage.k8s.io/v1 StorageClass (how volumes are provisioned), node.k8s.io/v1
 * RuntimeClass (which container runtime handler runs a pod) and metrics.k8s.io/v1beta1
 * NodeMetrics / PodMetrics (what `kubectl top` reads). Field names and types
 * follow upstream's Go types; descriptions are our own.
 */
import { arr, bool, core, mapOf, obj, quantity, ref, str, time, frozen, gvk, typeMeta, objectMeta, listMeta } from './dsl.js';

export const storageNodeV1Definitions = frozen({
  'io.k8s.api.core.v1.TopologySelectorLabelRequirement': obj({
    key: str('The label key the selector applies to.'),
    values: arr(str(), { desc: 'Label values; one must match.', listType: 'atomic' }),
  }, { required: ['key', 'values'] }),
  'io.k8s.api.core.v1.TopologySelectorTerm': obj({
    matchLabelExpressions: arr(core('TopologySelectorLabelRequirement'), { desc: 'Requirements by node labels, all of which must hold.', listType: 'atomic' }),
  }, { desc: 'A topology a volume may be provisioned in.', atomic: true }),
  'io.k8s.api.storage.v1.StorageClass': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    provisioner: str('The volume plugin that provisions volumes of this class.'),
    parameters: mapOf(str(), 'Provisioner-specific parameters.'),
    reclaimPolicy: str({ desc: 'What happens to a dynamically provisioned volume when released: Delete (default) or Retain.', enum: ['Delete', 'Retain'] }),
    mountOptions: arr(str(), { desc: 'Mount options of dynamically provisioned volumes.', listType: 'atomic' }),
    allowVolumeExpansion: bool('Whether volumes of this class may be expanded.'),
    allowedTopologies: arr(core('TopologySelectorTerm'), { desc: 'Where volumes may be provisioned; empty: anywhere.', listType: 'atomic' }),
    volumeBindingMode: str({ desc: 'When claims are bound: Immediate (default) or WaitForFirstConsumer.', enum: ['Immediate', 'WaitForFirstConsumer'] }),
  }, { desc: 'A class of storage: how its volumes are provisioned.', required: ['provisioner'], gvk: gvk('storage.k8s.io', 'v1', 'StorageClass') }),
  'io.k8s.api.storage.v1.StorageClassList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(ref('io.k8s.api.storage.v1.StorageClass'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('storage.k8s.io', 'v1', 'StorageClassList') }),
  'io.k8s.api.node.v1.Overhead': obj({
    podFixed: mapOf(quantity(), 'Resources a pod of this class uses beyond its containers.'),
  }),
  'io.k8s.api.node.v1.Scheduling': obj({
    nodeSelector: mapOf(str(), { desc: 'Labels nodes must have to run pods of this class.', mapType: 'atomic' }),
    tolerations: arr(core('Toleration'), { desc: 'Tolerations added to pods of this class.', listType: 'atomic' }),
  }),
  'io.k8s.api.node.v1.RuntimeClass': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    handler: str('The runtime handler (CRI) that runs pods of this class, e.g. process, simulated or runc.'),
    overhead: ref('io.k8s.api.node.v1.Overhead', 'Resources of pods of this class beyond their containers.'),
    scheduling: ref('io.k8s.api.node.v1.Scheduling', 'Nodes that support this class.'),
  }, { desc: 'A container runtime configuration pods can select by name.', required: ['handler'], gvk: gvk('node.k8s.io', 'v1', 'RuntimeClass') }),
  'io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    timestamp: time('When the usage was sampled.'),
    window: str('The interval the CPU rate was measured over.'),
    usage: mapOf(quantity(), 'cpu (cores) and memory (working set) in use.'),
  }, { desc: "A node's resource usage.", required: ['timestamp', 'window', 'usage'], gvk: gvk('metrics.k8s.io', 'v1beta1', 'NodeMetrics') }),
  'io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetricsList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(ref('io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('metrics.k8s.io', 'v1beta1', 'NodeMetricsList') }),
  'io.k8s.metrics.pkg.apis.metrics.v1beta1.ContainerMetrics': obj({
    name: str('The container.'),
    usage: mapOf(quantity(), 'cpu and memory in use.'),
  }, { required: ['name', 'usage'] }),
  'io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    timestamp: time('When the usage was sampled.'),
    window: str('The interval the CPU rate was measured over.'),
    containers: arr(ref('io.k8s.metrics.pkg.apis.metrics.v1beta1.ContainerMetrics'), { desc: 'Usage per container.', listType: 'atomic' }),
  }, { desc: "A pod's resource usage.", required: ['timestamp', 'window', 'containers'], gvk: gvk('metrics.k8s.io', 'v1beta1', 'PodMetrics') }),
  'io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetricsList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(ref('io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('metrics.k8s.io', 'v1beta1', 'PodMetricsList') }),
  'io.k8s.api.node.v1.RuntimeClassList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(ref('io.k8s.api.node.v1.RuntimeClass'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('node.k8s.io', 'v1', 'RuntimeClassList') }),
});
