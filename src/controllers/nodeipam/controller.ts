/**
 * Node IPAM (kube-controller-manager's nodeipam with `--allocate-node-cidrs`, range
 * allocator): each Node without `spec.podCIDR` gets the next free subnet of the cluster
 * CIDR (`/24` by default, as k3s), set once — the field is immutable after. Its pods get
 * their addresses from it (the node's runtime, as CNI's host-local does). Subnets of
 * deleted nodes are free again. When the cluster CIDR is used up the node gets upstream's
 * `CIDRNotAvailable` event and is tried again later.
 *
 * Skiff's default cluster CIDR is a loopback range (127.64.0.0/10): pods of the process
 * runtime share the host's network, and a loopback address can never route off the machine.
 */
import type { Node } from '../../api/objects/index.js';
import { isNotFound } from '../../client/errors.js';
import { resources } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { cidrContains, cidrSize, formatCidr, parseCidr, type Cidr } from '../../util/cidr.js';
import type { Controller, ControllerContext } from '../runtime/context.js';

/** Loopback: pods of the process runtime share the host's network; none of these addresses can route off the machine. */
export const DEFAULT_CLUSTER_CIDR = '127.64.0.0/10';
export const DEFAULT_NODE_CIDR_MASK_SIZE = 24;
/** How soon a node that found the range full is tried again. */
const RETRY_FULL_MS = 30_000;

export interface NodeIpamOptions {
  clusterCIDR?: string;
  nodeCIDRMaskSize?: number;
}

/** The subnets of a cluster CIDR, as indexes, and which are taken. */
export class SubnetSet {
  readonly count: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(readonly cluster: Cidr, readonly maskSize: number) {
    if (maskSize < cluster.prefix || maskSize > 30) throw new Error(`node CIDR mask size ${maskSize} does not fit the cluster CIDR ${formatCidr(cluster)}`);
    if (maskSize - cluster.prefix > 16) throw new Error(`cluster CIDR ${formatCidr(cluster)} has more than 65536 subnets of /${maskSize}: use a larger node CIDR mask size`);
    this.count = 2 ** (maskSize - cluster.prefix);
  }

  /** The subnet's index, when `cidr` is one of ours. */
  indexOf(cidr: string): number | undefined {
    const c = parseCidr(cidr);
    if (!c || c.prefix !== this.maskSize || !cidrContains(this.cluster, c.base)) return undefined;
    return (c.base - this.cluster.base) / cidrSize(c);
  }

  occupy(cidr: string): void {
    const i = this.indexOf(cidr);
    if (i !== undefined) this.used.add(i);
  }

  release(cidr: string): void {
    const i = this.indexOf(cidr);
    if (i !== undefined) this.used.delete(i);
  }

  /** The next free subnet after the last one given (upstream's round-robin), or undefined when all are taken. */
  allocate(): string | undefined {
    for (let k = 0; k < this.count; k++) {
      const i = (this.next + k) % this.count;
      if (this.used.has(i)) continue;
      this.used.add(i);
      this.next = (i + 1) % this.count;
      return formatCidr({ base: this.cluster.base + i * 2 ** (32 - this.maskSize), prefix: this.maskSize });
    }
    return undefined;
  }
}

export function startNodeIpamController(ctx: ControllerContext, o: NodeIpamOptions = {}): Controller {
  const clusterText = o.clusterCIDR ?? DEFAULT_CLUSTER_CIDR;
  const cluster = parseCidr(clusterText);
  if (!cluster) throw new Error(`invalid cluster CIDR ${JSON.stringify(clusterText)}`);
  const subnets = new SubnetSet(cluster, o.nodeCIDRMaskSize ?? DEFAULT_NODE_CIDR_MASK_SIZE);
  const nodes = ctx.informers.for(resources.nodes);
  const nodesApi = ctx.client.resource<Node>(resources.nodes);
  const events = ctx.events('cidrAllocator');

  const reconcile = async (name: string) => {
    const node = nodes.get(name) as Node | undefined;
    if (!node || node.spec?.podCIDR || node.metadata.deletionTimestamp) return undefined;
    const cidr = subnets.allocate();
    if (!cidr) {
      events.event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      return { requeueAfterMs: RETRY_FULL_MS };
    }
    try {
      await nodesApi.patch(name, undefined, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, { fieldManager: 'node-ipam-controller' });
    } catch (err) {
      subnets.release(cidr);
      if (isNotFound(err)) return undefined;
      throw err;
    }
    return undefined;
  };

  const queue = new WorkQueue({ reconcile, clock: ctx.clock, onError: (_key, err) => ctx.onError('node-ipam-controller', err) });
  const synced = nodes.waitForSync().then(() => {
    // Subnets already given out first (upstream's occupyCIDRs), then the nodes that need one.
    for (const n of nodes.list() as Node[]) if (n.spec?.podCIDR) subnets.occupy(n.spec.podCIDR);
    const seen = (n: Node) => {
      const cidr = n.spec?.podCIDR;
      if (cidr) subnets.occupy(cidr);
      else queue.add(n.metadata.name!);
    };
    nodes.addHandler({
      add: (n) => seen(n as Node),
      update: (_old, n) => seen(n as Node),
      delete: (n) => {
        const cidr = (n as Node).spec?.podCIDR;
        if (cidr) subnets.release(cidr);
      },
    });
  });
  return { synced, stop: () => queue.stop() };
}
