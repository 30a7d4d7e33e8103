/**
 * core/v1 service networking: Service and Endpoints.
 * Field names, types and list/patch markers follow upstream's Go types; the
 * descriptions are our own one-line summaries.
 */
import { arr, bool, int32, intOrString, mapOf, obj, str, core, meta, frozen, gvk, typeMeta, objectMeta, listMeta } from './dsl.js';

export const coreV1ServiceDefinitions = frozen({
  'io.k8s.api.core.v1.Service': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: core('ServiceSpec', 'Desired behaviour of the service.'),
    status: core('ServiceStatus', 'Observed state, such as the load balancer address.'),
  }, { desc: 'A stable virtual address and name for a set of pods.', gvk: gvk('', 'v1', 'Service') }),
  'io.k8s.api.core.v1.ServiceList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(core('Service'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'ServiceList') }),
  'io.k8s.api.core.v1.Endpoints': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    subsets: arr(core('EndpointSubset'), { desc: 'Groups of addresses sharing the same ports.', listType: 'atomic' }),
  }, { desc: 'The addresses backing a service.', gvk: gvk('', 'v1', 'Endpoints') }),
  'io.k8s.api.core.v1.EndpointsList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(core('Endpoints'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('', 'v1', 'EndpointsList') }),
  'io.k8s.api.core.v1.ServiceSpec': obj({
    ports: arr(core('ServicePort'), { desc: 'Ports the service exposes.', mergeKey: 'port', strategy: 'merge', listType: 'map', mapKeys: ['port', 'protocol'] }),
    selector: mapOf(str(), { desc: 'Labels of the pods traffic is routed to.', mapType: 'atomic' }),
    clusterIP: str('Virtual IP of the service; None makes it headless.'),
    clusterIPs: arr(str(), { desc: 'Virtual IPs of the service, one per family.', listType: 'atomic' }),
    type: str('ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    externalIPs: arr(str(), { listType: 'atomic' }),
    sessionAffinity: str('ClientIP keeps a client on the same pod; None does not.'),
    loadBalancerIP: str(),
    loadBalancerSourceRanges: arr(str(), { listType: 'atomic' }),
    externalName: str('DNS name an ExternalName service aliases.'),
    externalTrafficPolicy: str('Cluster or Local routing for external traffic.'),
    healthCheckNodePort: int32(),
    publishNotReadyAddresses: bool(),
    sessionAffinityConfig: core('SessionAffinityConfig'),
    ipFamilies: arr(str(), { desc: 'IP families of the service.', listType: 'atomic' }),
    ipFamilyPolicy: str('SingleStack, PreferDualStack or RequireDualStack.'),
    allocateLoadBalancerNodePorts: bool(),
    loadBalancerClass: str(),
    internalTrafficPolicy: str('Cluster or Local routing for in-cluster traffic.'),
    trafficDistribution: str(),
  }, { desc: 'Ports, selector and type of a service.' }),
  'io.k8s.api.core.v1.ServiceStatus': obj({
    loadBalancer: core('LoadBalancerStatus'),
    conditions: arr(meta('Condition'), { mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] }),
  }, { desc: 'Observed state of a service.' }),
  'io.k8s.api.core.v1.EndpointSubset': obj({
    addresses: arr(core('EndpointAddress'), { listType: 'atomic' }),
    notReadyAddresses: arr(core('EndpointAddress'), { listType: 'atomic' }),
    ports: arr(core('EndpointPort'), { listType: 'atomic' }),
  }, { desc: 'Addresses and the ports they serve.' }),
  'io.k8s.api.core.v1.ServicePort': obj({
    name: str('Name of the port, required when there are several.'),
    protocol: str({ desc: 'TCP, UDP or SCTP.', default: "TCP" }),
    appProtocol: str(),
    port: int32('Port the service listens on.'),
    targetPort: intOrString('Port number or name on the pods.'),
    nodePort: int32('Port on every node for NodePort and LoadBalancer services.'),
  }, { desc: 'One port of a service.', required: ['port'] }),
  'io.k8s.api.core.v1.SessionAffinityConfig': obj({
    clientIP: core('ClientIPConfig'),
  }),
  'io.k8s.api.core.v1.LoadBalancerStatus': obj({
    ingress: arr(core('LoadBalancerIngress'), { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.EndpointAddress': obj({
    ip: str(),
    hostname: str(),
    nodeName: str(),
    targetRef: core('ObjectReference'),
  }, { desc: 'One backend address.', required: ['ip'], atomic: true }),
  'io.k8s.api.core.v1.EndpointPort': obj({
    name: str(),
    port: int32(),
    protocol: str(),
    appProtocol: str(),
  }, { desc: 'One port of a backend.', required: ['port'], atomic: true }),
  'io.k8s.api.core.v1.ClientIPConfig': obj({
    timeoutSeconds: int32(),
  }),
  'io.k8s.api.core.v1.LoadBalancerIngress': obj({
    ip: str(),
    hostname: str(),
    ipMode: str(),
    ports: arr(core('PortStatus'), { listType: 'atomic' }),
  }),
  'io.k8s.api.core.v1.PortStatus': obj({
    port: int32(),
    protocol: str(),
    error: str(),
  }, { required: ['port', 'protocol'] }),
});
