/**
 * core/v1 nodes: Node spec (taints, pod CIDRs) and status (conditions, capacity, addresses).
 * Field names, types and list/patch markers follow upstream's Go types; the
 * descriptions are our own one-line summaries.
 */
import { arr, bool, int32, int64, mapOf, obj, quantity, str, time, core, frozen, gvk, typeMeta, objectMeta, listMeta } from './dsl.js';

export const coreV1NodeDefinitions = frozen({
  'io.k8s.api.core.v1.Node': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: core('NodeSpec', 'Desired state of the object.'),
    status: core('NodeStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'A machine (real or virtual) that runs pods.', gvk: gvk('', 'v1', 'Node') }),
  'io.k8s.api.core.v1.NodeList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(core('Node'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'NodeList') }),
  'io.k8s.api.core.v1.NodeSpec': obj({
    podCIDR: str('Pod IP range assigned to the node.'),
    podCIDRs: arr(str(), { strategy: 'merge', listType: 'set' }),
    providerID: str('Identifier of the node at its infrastructure provider.'),
    unschedulable: bool('When true, no new pods are scheduled here (cordoned).'),
    taints: arr(core('Taint'), { desc: 'Taints that repel pods without a matching toleration.', listType: 'atomic' }),
    configSource: core('NodeConfigSource'),
    externalID: str(),
    podPreemptionPolicy: core('NodePodPreemptionPolicy'),
  }, { desc: 'Configuration of a node: pod CIDRs, taints and schedulability.' }),
  'io.k8s.api.core.v1.NodeStatus': obj({
    capacity: mapOf(quantity(), 'Total resources of the node.'),
    allocatable: mapOf(quantity(), 'Resources available to pods.'),
    phase: str(),
    conditions: arr(core('NodeCondition'), { desc: 'Current node conditions such as Ready.', mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] }),
    addresses: arr(core('NodeAddress'), { desc: 'Addresses of the node.', mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] }),
    daemonEndpoints: core('NodeDaemonEndpoints'),
    nodeInfo: core('NodeSystemInfo', 'Versions and identifiers reported by the node.'),
    images: arr(core('ContainerImage'), { listType: 'atomic' }),
    volumesInUse: arr(str(), { listType: 'atomic' }),
    volumesAttached: arr(core('AttachedVolume'), { listType: 'atomic' }),
    config: core('NodeConfigStatus'),
    runtimeHandlers: arr(core('NodeRuntimeHandler'), { listType: 'atomic' }),
    features: core('NodeFeatures'),
    declaredFeatures: arr(str(), { listType: 'atomic' }),
  }, { desc: 'Observed state of a node.' }),
  'io.k8s.api.core.v1.Taint': obj({
    key: str(),
    value: str(),
    effect: str(),
    timeAdded: time(),
  }, { desc: 'A mark on a node that repels pods not tolerating it.', required: ['key', 'effect'] }),
  'io.k8s.api.core.v1.NodeConfigSource': obj({
    configMap: core('ConfigMapNodeConfigSource'),
  }),
  'io.k8s.api.core.v1.NodePodPreemptionPolicy': obj({
    disableResizePreemption: arr(str(), { listType: 'set' }),
  }),
  'io.k8s.api.core.v1.NodeCondition': obj({
    type: str(),
    status: str('Most recently observed state, written by the system.'),
    lastHeartbeatTime: time(),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
  }, { desc: 'One condition of a node.', required: ['type', 'status'] }),
  'io.k8s.api.core.v1.NodeAddress': obj({
    type: str(),
    address: str(),
  }, { desc: 'One address of a node.', required: ['type', 'address'] }),
  'io.k8s.api.core.v1.NodeDaemonEndpoints': obj({
    kubeletEndpoint: core('DaemonEndpoint'),
  }),
  'io.k8s.api.core.v1.NodeSystemInfo': obj({
    machineID: str(),
    systemUUID: str(),
    bootID: str(),
    kernelVersion: str(),
    osImage: str(),
    containerRuntimeVersion: str(),
    kubeletVersion: str(),
    kubeProxyVersion: str(),
    operatingSystem: str(),
    architecture: str(),
    swap: core('NodeSwapStatus'),
  }, { desc: 'Identifiers and versions reported by the node.', required: ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'] }),
  'io.k8s.api.core.v1.ContainerImage': obj({
    names: arr(str(), { listType: 'atomic' }),
    sizeBytes: int64(),
  }),
  'io.k8s.api.core.v1.AttachedVolume': obj({
    name: str(),
    devicePath: str(),
  }, { required: ['name', 'devicePath'] }),
  'io.k8s.api.core.v1.NodeConfigStatus': obj({
    assigned: core('NodeConfigSource'),
    active: core('NodeConfigSource'),
    lastKnownGood: core('NodeConfigSource'),
    error: str(),
  }),
  'io.k8s.api.core.v1.NodeRuntimeHandler': obj({
    name: str(),
    features: core('NodeRuntimeHandlerFeatures'),
  }),
  'io.k8s.api.core.v1.NodeFeatures': obj({
    supplementalGroupsPolicy: bool(),
  }),
  'io.k8s.api.core.v1.ConfigMapNodeConfigSource': obj({
    namespace: str(),
    name: str(),
    uid: str(),
    resourceVersion: str(),
    kubeletConfigKey: str(),
  }, { required: ['namespace', 'name', 'kubeletConfigKey'] }),
  'io.k8s.api.core.v1.DaemonEndpoint': obj({
    Port: int32(),
  }, { required: ['Port'] }),
  'io.k8s.api.core.v1.NodeSwapStatus': obj({
    capacity: int64(),
  }),
  'io.k8s.api.core.v1.NodeRuntimeHandlerFeatures': obj({
    recursiveReadOnlyMounts: bool(),
    userNamespaces: bool(),
  }),
});
