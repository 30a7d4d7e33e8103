/**
 * Reaching a node's kubelet API from the API server: where it listens (the Node's
 * InternalIP and `daemonEndpoints.kubeletEndpoint.Port`), the API server's kubelet
 * client certificate, the node of a pod, and the container a request names.
 */
import { BadRequest } from '../../api/errors.js';
import type { KObject } from '../../api/types.js';
import type { Node, Pod } from '../../api/objects/index.js';
import type { ApiContext } from '../context.js';

/** Upstream validateContainer: the named container, or the only one. */
export function pickContainer(pod: Pod, container: string | null): string {
  const names = [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...((pod.spec.ephemeralContainers as Array<{ name: string }> | undefined) ?? [])].map((c) => c.name);
  if (!container) {
    if (pod.spec.containers.length === 1) return pod.spec.containers[0]!.name;
    if (pod.spec.containers.length === 0) throw new BadRequest(`a container name must be specified for pod ${pod.metadata.name}`);
    throw new BadRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`);
  }
  if (!names.includes(container)) throw new BadRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  return container;
}

/** Where a node's kubelet API listens, and the credentials to call it. */
export interface KubeletEndpoint {
  address: string;
  port: number;
  credentials: { cert: string; key: string; ca: string };
}

/** Where a node's kubelet API listens and how to call it; undefined for a node without one (simulated nodes). */
export function kubeletEndpoint(api: ApiContext, node: Node): KubeletEndpoint | undefined {
  const address = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? node.status?.addresses?.[0]?.address;
  const port = (node.status?.daemonEndpoints as { kubeletEndpoint?: { Port?: number } } | undefined)?.kubeletEndpoint?.Port;
  const credentials = api.kubeletClient?.();
  return address && port && credentials ? { address, port, credentials } : undefined;
}

/** kubeletEndpoint, or a BadRequest saying what the missing kubelet API prevents. */
export function kubeletOf(api: ApiContext, node: Node, refusal: string): KubeletEndpoint {
  const endpoint = kubeletEndpoint(api, node);
  if (!endpoint) throw new BadRequest(`node ${node.metadata.name} serves no kubelet API: ${refusal}`);
  return endpoint;
}

/** The node a pod runs on: BadRequest when it has none (exec's rule), NotFound for the node when it is gone (upstream's GetConnectionInfo). */
export async function nodeOfPod(api: ApiContext, pod: Pod): Promise<Node> {
  const nodeName = pod.spec.nodeName;
  if (!nodeName) throw new BadRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const nodeType = api.catalogue.byResource('', 'v1', 'nodes')!;
  return (await api.service.storage.get(nodeType, '', nodeName)) as KObject as Node;
}

