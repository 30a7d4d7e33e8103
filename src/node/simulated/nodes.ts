/**
 * Simulated nodes (in the spirit of KWOK): Node objects that report themselves healthy
 * and keep their Leases in `kube-node-lease` renewed, as a kubelet would, without
 * running anything. They are API clients like every other component, cheap per node
 * (one lease update per node per renew interval), and what the scale benchmarks and the
 * scheduler and controller tests run against.
 *
 * Pods bound to these nodes are moved through their phases by pods.ts.
 */
import { randomUUID } from 'node:crypto';
import { metaTime } from '../../api/time.js';
import type { KObject } from '../../api/types.js';
import type { Client, ResourceClient } from '../../client/client.js';
import { isAlreadyExists } from '../../client/errors.js';
import { ensureLease, renewLease } from '../lease.js';
import { healthyNodeConditions } from '../conditions.js';
import { realClock, type Clock } from '../../client/clock.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import type { Pod, Taint } from '../../api/objects/index.js';
import { startSimulatedPods } from './pods.js';
import { ANN_LOCAL_PATH_ROOT } from '../../api/storage/local-path.js';
import { reclaimLocalPathVolumes } from '../local-path.js';

export type { Taint } from '../../api/objects/index.js';

export interface SimulatedNodesOptions {
  client: Client;
  count: number;
  /** Node names are `<prefix><index>`; default `sim-node-`. */
  namePrefix?: string;
  /** Per node; default 32 CPUs, 256Gi memory, 110 pods (a kubelet's default pod limit). */
  capacity?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  /** Lease duration; renewed every quarter of it (the kubelet's ratio). Default 40 s. */
  leaseDurationSeconds?: number;
  /** Requests in flight while registering many nodes. */
  concurrency?: number;
  /** How long run-to-completion pods run before they succeed (see pods.ts); default 5 s. */
  completeAfterMs?: number;
  /** Share this pods informer (see pods.ts). */
  podsInformer?: Informer<Pod>;
  clock?: Clock;
  onError?(err: unknown): void;
}

export interface SimulatedNodes {
  names: string[];
  /** Resolves when the renewal loop next finishes renewing every lease (for tests on a fake clock). */
  nextRenewal(): Promise<void>;
  stop(): Promise<void>;
}

/** What the simulated kubelet reports as its version; the API server's minor version. */
export const SIMULATED_KUBELET_VERSION = 'v1.33.0-skiff-sim';

const DEFAULT_CAPACITY = { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '1Ti' };

export async function startSimulatedNodes(o: SimulatedNodesOptions): Promise<SimulatedNodes> {
  const clock = o.clock ?? realClock;
  const nodes = o.client.resource(resources.nodes);
  const leases = o.client.resource(resources.leases);
  const names = Array.from({ length: o.count }, (_, i) => `${o.namePrefix ?? 'sim-node-'}${i}`);
  const leaseSeconds = o.leaseDurationSeconds ?? 40;
  /** The last lease object seen per node: renewals update it in place at its resourceVersion. */
  const known = new Map<string, KObject>();

  await inBatches(names, o.concurrency ?? 20, async (name) => {
    await register(nodes, name, o, clock.now());
    known.set(name, await ensureLease(leases, name, leaseSeconds, clock.now()));
  });

  const renewLeases = () => inBatches(names, o.concurrency ?? 20, async (name) => {
    try {
      known.set(name, await renewLease(leases, known.get(name), name, leaseSeconds, clock.now()));
    } catch (err) {
      o.onError?.(err);
    }
  });

  const owned = new Set(names);
  const podSide = startSimulatedPods({ client: o.client, ownsNode: (n) => owned.has(n), completeAfterMs: o.completeAfterMs, clock, podsInformer: o.podsInformer, onError: o.onError });
  // Local-path volumes on simulated nodes hold nothing on disk: a released one is simply deleted.
  const storage = reclaimLocalPathVolumes({ client: o.client, ownsNode: (n) => owned.has(n), release: async () => true, clock, onError: (err) => o.onError?.(err) });

  const stopping = new AbortController();
  const waiters: Array<() => void> = [];
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      await clock.sleep((leaseSeconds * 1000) / 4, stopping.signal);
      if (stopping.signal.aborted) break;
      await renewLeases();
      for (const done of waiters.splice(0)) done();
    }
  })();

  return {
    names,
    nextRenewal: () => new Promise<void>((resolve) => waiters.push(resolve)),
    async stop() {
      podSide.stop();
      storage.stop();
      stopping.abort();
      await loop;
    },
  };
}

async function register(nodes: ResourceClient, name: string, o: SimulatedNodesOptions, now: Date): Promise<void> {
  const node: KObject = {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'skiff-simulated', type: 'skiff-simulated', ...o.labels,
      },
      // As an agent's node says where its local-path volumes live (nothing is ever written there).
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', [ANN_LOCAL_PATH_ROOT]: `/var/lib/skiff-simulated/${name}/storage` },
    },
    spec: o.taints?.length ? { taints: o.taints } : {},
  };
  try {
    await nodes.create(node, { fieldManager: 'skiff-simulated-node' });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  const capacity = { ...DEFAULT_CAPACITY, ...o.capacity };
  const at = metaTime(now);
  // A merge patch of the status: the node IPAM controller may have set spec.podCIDR meanwhile, and that is no conflict.
  await nodes.patch(name, undefined, 'merge', {
    status: {
      capacity, allocatable: capacity,
      conditions: healthyNodeConditions(undefined, at),
      // Loopback: a simulated node has no network of its own, and nothing may route off the machine.
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
      nodeInfo: {
        machineID: randomUUID().replace(/-/g, ''), systemUUID: randomUUID(), bootID: randomUUID(),
        kernelVersion: 'simulated', osImage: 'Skiff simulated node', containerRuntimeVersion: 'simulated://0.1.0',
        kubeletVersion: SIMULATED_KUBELET_VERSION, kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
      },
    },
  }, { fieldManager: 'skiff-simulated-node', subresource: 'status' });
}

async function inBatches<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}
