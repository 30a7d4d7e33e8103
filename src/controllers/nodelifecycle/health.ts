/**
 * Node health as the node lifecycle controller judges it (upstream's nodeHealthMap and
 * tryUpdateNodeHealth): a node is alive while its kubelet renews its Lease in
 * `kube-node-lease` or posts a new Ready heartbeat. What counts is when *this controller*
 * saw the signal change, on its own clock, never the timestamps the node wrote (clocks
 * across a cluster disagree). A node silent for longer than the grace period (the
 * startup grace period if it never posted a Ready condition) gets its conditions set to
 * Unknown.
 */
import type { Condition, Node } from '../../api/objects/index.js';
import type { KObject } from '../../api/types.js';
import { metaTime } from '../../api/time.js';

/** The conditions a silent kubelet can no longer vouch for (NetworkUnavailable is the network's, not the kubelet's). */
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export interface NodeHealth {
  /** Clock time (ms) the controller last saw a sign of life. */
  probeAt: number;
  /** The Ready condition as last seen (heartbeat and transition times). */
  ready: Condition | undefined;
  /** The lease renewTime last seen. */
  leaseRenewTime: string | undefined;
}

export interface HealthOptions {
  monitorGracePeriodMs: number;
  startupGracePeriodMs: number;
}

export function readyCondition(node: Node): Condition | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

const renewTimeOf = (lease: KObject | undefined) => (lease?.spec as { renewTime?: string } | undefined)?.renewTime;

export class NodeHealthTracker {
  private readonly health = new Map<string, NodeHealth>();

  constructor(private readonly options: HealthOptions) {}

  /** Starts the clock for a node seen for the first time (a no-op for known nodes). */
  firstSeen(node: Node, lease: KObject | undefined, now: Date): boolean {
    const name = node.metadata.name!;
    if (this.health.has(name)) return false;
    this.health.set(name, { probeAt: now.getTime(), ready: readyCondition(node), leaseRenewTime: renewTimeOf(lease) });
    return true;
  }

  forget(name: string): void {
    this.health.delete(name);
  }

  /** Leaving full disruption: every node gets a fresh grace period (upstream does the same). */
  resetAll(now: Date): void {
    for (const h of this.health.values()) h.probeAt = now.getTime();
  }

  /**
   * Takes in what the node and its lease show now (see notice). Returns the node's status with its
   * kubelet conditions set to Unknown when the grace period has passed without a sign of
   * life and that changes its Ready condition; undefined otherwise.
   */
  observe(node: Node, lease: KObject | undefined, now: Date): Node['status'] | undefined {
    const h = this.notice(node, lease, now);
    const current = readyCondition(node);
    const grace = current ? this.options.monitorGracePeriodMs : this.options.startupGracePeriodMs;
    if (now.getTime() <= h.probeAt + grace) return undefined;
    // Only a change of Ready is written (upstream compares the Ready condition alone).
    return current?.status === 'Unknown' ? undefined : markUnknown(node, now);
  }

  /**
   * Takes in a sign of life, if the node or its lease shows one: a new Ready heartbeat, a
   * Ready condition appearing or vanishing, a lease renewed. Called on every change of
   * either (and by observe), so the time a sign was seen is when it happened, not when
   * the next health check ran.
   */
  notice(node: Node, lease: KObject | undefined, now: Date): NodeHealth {
    const name = node.metadata.name!;
    const current = readyCondition(node);
    const t = now.getTime();
    let h = this.health.get(name);
    if (!h) {
      h = { probeAt: t, ready: current, leaseRenewTime: undefined };
      this.health.set(name, h);
    } else if (!h.ready !== !current) {
      // Ready appeared (a restart of ours with the node already registered) or vanished.
      h.probeAt = t;
    } else if (h.ready && current && h.ready.lastHeartbeatTime !== current.lastHeartbeatTime) {
      h.probeAt = t;
    }
    h.ready = current ? { ...current } : undefined;
    const renewTime = renewTimeOf(lease);
    if (renewTime && (h.leaseRenewTime === undefined || Date.parse(renewTime) > Date.parse(h.leaseRenewTime))) {
      h.leaseRenewTime = renewTime;
      h.probeAt = t;
    }
    return h;
  }
}

/** The node's status with every kubelet condition Unknown (those never posted are added). */
function markUnknown(node: Node, now: Date): Node['status'] {
  const at = metaTime(now);
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  for (const type of KUBELET_CONDITIONS) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({
        type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata.creationTimestamp ?? at, lastTransitionTime: at,
      });
    } else if (c.status !== 'Unknown') {
      Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: at });
    }
  }
  return { ...node.status, conditions };
}
