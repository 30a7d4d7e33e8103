/**
 * The agent's Node: registered with its capacity, addresses and node info, conditions
 * kept true (Ready, MemoryPressure, DiskPressure, PIDPressure), its Lease renewed every
 * quarter of its duration (the kubelet's NodeLease heartbeat) and its status re-posted
 * every five minutes (nodeStatusReportFrequency) — the lease carries liveness between.
 */
import type { Node } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import type { KObject } from '../../api/types.js';
import type { Client } from '../../client/client.js';
import type { Clock } from '../../client/clock.js';
import { isAlreadyExists, isConflict } from '../../client/errors.js';
import { resources } from '../../client/resources.js';
import { ensureLease, renewLease } from '../lease.js';
import { healthyNodeConditions } from '../conditions.js';
import type { HostFacts } from './host.js';
import type { RuntimeCondition } from '../runtime/types.js';

export interface NodeReporterOptions {
  client: Client;
  name: string;
  address: string;
  facts: HostFacts;
  kubeletPort: number;
  /** The RuntimeClass handlers this node offers (status.runtimeHandlers). */
  runtimeHandlers: string[];
  /** The runtime's own conditions (e.g. ResourceLimitsNotEnforced), reported among the node's. */
  runtimeConditions?(): RuntimeCondition[];
  labels?: Record<string, string>;
  /** Set at registration besides the kubelet's own (e.g. where local-path volumes live). */
  annotations?: Record<string, string>;
  clock: Clock;
  leaseDurationSeconds?: number;
  onError(err: unknown): void;
}

const STATUS_REPORT_MS = 5 * 60_000;

function nodeStatus(o: NodeReporterOptions, previous: Node['status'], now: Date): Node['status'] {
  const at = metaTime(now);
  return {
    ...previous,
    capacity: o.facts.capacity,
    allocatable: o.facts.allocatable,
    // The runtime's conditions (ResourceLimitsNotEnforced…): said where `kubectl describe node`
    // shows them, in the manner of node-problem-detector's conditions.
    conditions: healthyNodeConditions(previous?.conditions, at, (o.runtimeConditions?.() ?? []).map((c) => [c.type, c.status, c.reason, c.message])),
    addresses: [{ type: 'InternalIP', address: o.address }, { type: 'Hostname', address: o.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: o.kubeletPort } },
    nodeInfo: o.facts.nodeInfo,
    runtimeHandlers: o.runtimeHandlers.map((name) => ({ name, features: { recursiveReadOnlyMounts: false, userNamespaces: false } })),
  };
}

export async function startNodeReporter(o: NodeReporterOptions): Promise<{ stop(): Promise<void> }> {
  const nodes = o.client.resource<Node>(resources.nodes);
  const leases = o.client.resource(resources.leases);
  const leaseSeconds = o.leaseDurationSeconds ?? 40;
  const manifest: Node = {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: o.name,
      labels: { 'kubernetes.io/hostname': o.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': o.facts.nodeInfo.architecture!, ...o.labels },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', ...o.annotations },
    },
    spec: {},
  };
  let node: Node;
  try {
    node = await nodes.create(manifest, { fieldManager: 'kubelet' });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    node = await nodes.get(o.name);
  }
  const report = async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        node = await nodes.updateStatus({ ...node, status: nodeStatus(o, node.status, o.clock.now()) }, { fieldManager: 'kubelet' });
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
        node = await nodes.get(o.name);
      }
    }
  };
  await report();
  let lease: KObject = await ensureLease(leases, o.name, leaseSeconds, o.clock.now());
  let lastReport = o.clock.now().getTime();

  const stopping = new AbortController();
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      await o.clock.sleep((leaseSeconds * 1000) / 4, stopping.signal);
      if (stopping.signal.aborted) break;
      try {
        lease = await renewLease(leases, lease, o.name, leaseSeconds, o.clock.now());
        if (o.clock.now().getTime() - lastReport >= STATUS_REPORT_MS) {
          await report();
          lastReport = o.clock.now().getTime();
        }
      } catch (err) {
        o.onError(err);
      }
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
