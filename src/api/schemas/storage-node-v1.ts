/**
 * storage.k8s.io/v1 StorageClass (how volumes are provisioned) and node.k8s.io/v1
 * RuntimeClass (which container runtime handler runs a pod). Field names and types
 * follow upstream's Go types; descriptions are our own.
 */
import { arr, bool, core, mapOf, obj, quantity, ref, str, frozen, gvk, typeMeta, objectMeta, listMeta } from './dsl.js';

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
  'io.k8s.api.node.v1.RuntimeClassList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(ref('io.k8s.api.node.v1.RuntimeClass'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('node.k8s.io', 'v1', 'RuntimeClassList') }),
});
