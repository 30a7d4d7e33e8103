/**
 * TypeScript shapes of the networking kinds: core/v1 Services and Endpoints,
 * discovery.k8s.io/v1 EndpointSlices, networking.k8s.io/v1 Ingresses and IngressClasses.
 * Field names as upstream; only what Skiff reads or writes is typed, the rest passes through.
 */
import type { KObject, ObjectMeta } from '../types.js';
import type { Condition, ObjectReference } from './core.js';

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServicePort {
  name?: string;
  protocol?: Protocol;
  appProtocol?: string;
  port: number;
  /** A number, or the name of a container port. */
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: ServiceType;
  selector?: Record<string, string>;
  ports?: ServicePort[];
  /** `None` for a headless service. */
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  externalName?: string;
  externalIPs?: string[];
  sessionAffinity?: 'None' | 'ClientIP';
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  publishNotReadyAddresses?: boolean;
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  allocateLoadBalancerNodePorts?: boolean;
  loadBalancerClass?: string;
  [field: string]: unknown;
}

export interface LoadBalancerIngress { ip?: string; hostname?: string; ipMode?: string; ports?: Array<{ port: number; protocol: Protocol; error?: string }> }
export interface LoadBalancerStatus { ingress?: LoadBalancerIngress[] }

export interface Service extends KObject {
  metadata: ObjectMeta;
  spec?: ServiceSpec;
  status?: { loadBalancer?: LoadBalancerStatus; conditions?: Condition[] };
}

export interface EndpointAddress { ip: string; hostname?: string; nodeName?: string; targetRef?: ObjectReference }
export interface EndpointPort { name?: string; port: number; protocol?: Protocol; appProtocol?: string }
export interface EndpointSubset { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }

export interface Endpoints extends KObject {
  metadata: ObjectMeta;
  subsets?: EndpointSubset[];
}

export interface EndpointConditions { ready?: boolean; serving?: boolean; terminating?: boolean }
export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  targetRef?: ObjectReference;
  nodeName?: string;
  zone?: string;
}

export interface EndpointSlice extends KObject {
  metadata: ObjectMeta;
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: Endpoint[];
  ports?: Array<{ name?: string; port?: number; protocol?: Protocol; appProtocol?: string }>;
}

export interface IngressServiceBackend { name: string; port?: { number?: number; name?: string } }
export interface IngressBackend { service?: IngressServiceBackend; resource?: { apiGroup?: string; kind: string; name: string } }
export interface HTTPIngressPath { path?: string; pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific'; backend: IngressBackend }
export interface IngressRule { host?: string; http?: { paths: HTTPIngressPath[] } }
export interface IngressTLS { hosts?: string[]; secretName?: string }

export interface Ingress extends KObject {
  metadata: ObjectMeta;
  spec?: { ingressClassName?: string; defaultBackend?: IngressBackend; tls?: IngressTLS[]; rules?: IngressRule[] };
  status?: { loadBalancer?: LoadBalancerStatus };
}

export interface IngressClass extends KObject {
  metadata: ObjectMeta;
  spec?: { controller?: string; parameters?: Record<string, unknown> };
}
