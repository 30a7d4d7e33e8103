/**
 * The node's pod subnet, passed to the runtime as the kubelet does (CRI UpdateRuntimeConfig
 * when `spec.podCIDR` is set or changes). The node IPAM controller sets it moments after
 * registration; pods started before it arrives would get no address of their own, so the
 * agent waits for it, briefly: a cluster that allocates none (no nodeipam controller) only
 * costs that wait once.
 */
import type { Node } from '../../api/objects/index.js';
import type { Client } from '../../client/client.js';
import { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import type { Runtime } from '../runtime/types.js';

export const POD_CIDR_WAIT_MS = 3_000;

export interface PodCidrWatch {
  /** Resolves once the runtime has the subnet, or after `waitMs` without one. */
  ready: Promise<void>;
  stop(): void;
}

export function watchPodCidr(o: { client: Client; nodeName: string; runtime: Runtime; waitMs?: number; onError(err: unknown): void }): PodCidrWatch {
  const informer = new Informer<Node>(o.client.resource<Node>(resources.nodes), { fieldSelector: `metadata.name=${o.nodeName}`, onError: o.onError });
  let current: string | undefined;
  let known!: () => void;
  const applied = new Promise<void>((resolve) => { known = resolve; });
  const apply = (node: Node) => {
    const cidr = node.spec?.podCIDR;
    if (!cidr || cidr === current) return;
    current = cidr;
    o.runtime.updateRuntimeConfig({ podCIDR: cidr }).then(known, o.onError);
  };
  informer.addHandler({ add: apply, update: (_old, node) => apply(node) });
  informer.start();
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => { timer = setTimeout(resolve, o.waitMs ?? POD_CIDR_WAIT_MS); });
  return {
    ready: Promise.race([applied, waited]).finally(() => clearTimeout(timer)),
    stop() {
      clearTimeout(timer);
      informer.stop();
    },
  };
}
