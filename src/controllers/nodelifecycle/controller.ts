/**
 * The node lifecycle controller (kube-controller-manager's `nodelifecycle`, with the
 * NoExecute taint manager it runs):
 *
 * - every `nodeMonitorPeriodMs` it checks each node's signs of life (health.ts); a node
 *   silent past the grace period gets Ready=Unknown ("Kubelet stopped posting node
 *   status."), a `NodeNotReady` event, and its pods marked not Ready;
 * - a node not Ready gets the NoExecute taint `node.kubernetes.io/not-ready` (Ready
 *   False) or `node.kubernetes.io/unreachable` (Unknown), removed when it is Ready again
 *   — unless no node at all is Ready (upstream's full disruption: the control plane is
 *   more likely cut off than every node dead, so nothing is evicted);
 * - on every node change its NoSchedule taints follow its conditions and `unschedulable`;
 * - the taint manager (taint-eviction.ts) evicts pods from NoExecute-tainted nodes.
 *
 * All timing is on `ctx.clock`.
 */
import type { Node, Pod } from '../../api/objects/index.js';
import type { KObject } from '../../api/types.js';
import { isConflict } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../runtime/context.js';
import { NodeHealthTracker, readyCondition } from './health.js';
import { markPodsNotReady, NODE_CONTROLLER } from './pods-not-ready.js';
import { TaintEvictionManager } from './taint-eviction.js';
import { desiredNoScheduleTaints, isManagedNoSchedule, isNoExecuteReadinessTaint, noExecuteTaintFor, sameTaint, swapTaints, updateTaints } from './taints.js';

export interface NodeLifecycleOptions {
  /** How long a node may stay silent before it is Unknown (`--node-monitor-grace-period`, 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** The same for a node that never posted a Ready condition (`--node-startup-grace-period`, 60 s). */
  nodeStartupGracePeriodMs?: number;
  /** How often node health is checked (`--node-monitor-period`, 5 s). */
  nodeMonitorPeriodMs?: number;
}

const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const POD_NODE_INDEX = 'nodelifecycle/spec.nodeName';
/** Nodes with this label do not count when deciding whether every node is down. */
const EXCLUDE_DISRUPTION_LABEL = 'node.kubernetes.io/exclude-disruption';
const CONCURRENCY = 8;

function ensureIndex(informer: Informer<Pod>): void {
  try {
    informer.addIndex(POD_NODE_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  } catch {
    // Already added by an earlier start on the same informers.
  }
}

async function inBatches<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export function startNodeLifecycleController(ctx: ControllerContext, options: NodeLifecycleOptions = {}): Controller {
  const nodes = ctx.informers.for<Node>(resources.nodes);
  const leases = ctx.informers.for(resources.leases);
  const pods = ctx.informers.for<Pod>(resources.pods);
  ensureIndex(pods);
  const nodeClient = ctx.client.resource<Node>(resources.nodes);
  const podClient = ctx.client.resource<Pod>(resources.pods);
  const podsOnNode = (name: string) => pods.byIndex(POD_NODE_INDEX, name);
  const events = ctx.events(NODE_CONTROLLER);
  const onError = (err: unknown) => ctx.onError(NODE_CONTROLLER, err);
  const health = new NodeHealthTracker({
    monitorGracePeriodMs: options.nodeMonitorGracePeriodMs ?? 40_000,
    startupGracePeriodMs: options.nodeStartupGracePeriodMs ?? 60_000,
  });
  const taintManager = new TaintEvictionManager(ctx, nodes, pods, podsOnNode, podClient);
  const registered = new Map<string, Node>();
  /** Nodes whose pods still need marking not Ready (a failed MarkPodsNotReady is retried next pass). */
  const podsToMark = new Set<string>();
  let fullDisruption = false;

  /** Registration and the NoSchedule taints of one node, on every change of it. */
  const nodeQueue = new WorkQueue({
    workers: 4,
    onError: (_key, err) => onError(err),
    reconcile: async (name) => {
      const node = nodes.get(name);
      if (!node) {
        const last = registered.get(name);
        if (last) {
          registered.delete(name);
          health.forget(name);
          events.event(last, 'Normal', 'RemovingNode', `Node ${name} event: Removing Node ${name} from Controller`);
        }
        return;
      }
      const lease = leases.get(name, NODE_LEASE_NAMESPACE);
      if (!registered.has(name)) {
        health.firstSeen(node, lease, ctx.clock.now());
        events.event(node, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
      } else {
        health.notice(node, lease, ctx.clock.now());
      }
      registered.set(name, node);
      const desired = desiredNoScheduleTaints(node);
      await updateTaints(nodeClient, node, swapTaints(desired, (t) => isManagedNoSchedule(t) && !desired.some((d) => sameTaint(t, d)), ctx.clock.now()));
    },
  });

  /** A pod bound to a node that is not Ready is not Ready either (upstream's processPod). */
  const podQueue = new WorkQueue({
    onError: (_key, err) => onError(err),
    reconcile: async (key) => {
      const [namespace, name] = key.split('/') as [string, string];
      const pod = pods.get(name, namespace);
      const node = pod?.spec.nodeName ? nodes.get(pod.spec.nodeName) : undefined;
      const ready = node && readyCondition(node);
      if (pod && ready && ready.status !== 'True') await markPodsNotReady(ctx, podClient, [pod], node.metadata.name!);
    },
  });

  async function checkHealth(known: Node, now: Date): Promise<{ node: Node; observed: ReturnType<typeof readyCondition>; current: ReturnType<typeof readyCondition> }> {
    let node = known;
    for (let attempt = 1; ; attempt++) {
      const observed = readyCondition(node);
      const status = health.observe(node, leases.get(node.metadata.name!, NODE_LEASE_NAMESPACE), now);
      if (!status) return { node, observed, current: observed };
      try {
        const updated = await nodeClient.updateStatus({ ...node, status });
        return { node: updated, observed, current: readyCondition(updated) };
      } catch (err) {
        // The kubelet (or someone) wrote meanwhile: judge the fresh node, which may show a sign of life.
        if (!isConflict(err) || attempt >= 3) throw err;
      }
      node = await nodeClient.get(known.metadata.name!);
    }
  }

  /** NoExecute taint for the node's readiness (processTaintBaseEviction), none while every node is down. */
  async function taintForReadiness(node: Node, status: 'True' | 'False' | 'Unknown'): Promise<void> {
    const key = fullDisruption ? undefined : noExecuteTaintFor(status);
    const add = key ? [{ key, effect: 'NoExecute' as const }] : [];
    await updateTaints(nodeClient, node, swapTaints(add, isNoExecuteReadinessTaint, ctx.clock.now()));
  }

  async function monitorPass(): Promise<void> {
    const now = ctx.clock.now();
    const checked: Array<Awaited<ReturnType<typeof checkHealth>>> = [];
    await inBatches(nodes.list(), async (node) => {
      try {
        checked.push(await checkHealth(node, now));
      } catch (err) {
        onError(new Error(`updating health of node ${node.metadata.name}: ${String(err)}`));
      }
    });
    const counted = checked.filter((c) => c.current && !(EXCLUDE_DISRUPTION_LABEL in (c.node.metadata.labels ?? {})));
    const allDown = counted.length > 0 && counted.every((c) => c.current!.status !== 'True');
    if (fullDisruption && !allDown) health.resetAll(now); // leaving it: everyone gets a fresh grace period
    fullDisruption = allDown;
    await inBatches(checked, async ({ node, observed, current }) => {
      if (!current) return; // never posted status and still within its startup grace
      const name = node.metadata.name!;
      try {
        await taintForReadiness(node, current.status);
      } catch (err) {
        onError(new Error(`tainting node ${name}: ${String(err)}`));
      }
      if (current.status === 'True') {
        podsToMark.delete(name);
        return;
      }
      if (observed?.status === 'True') {
        events.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        podsToMark.add(name);
      }
      if (!podsToMark.has(name)) return;
      try {
        await markPodsNotReady(ctx, podClient, podsOnNode(name), name);
        podsToMark.delete(name);
      } catch (err) {
        onError(err);
      }
    });
  }

  const stopping = new AbortController();
  let loop: Promise<void> | undefined;
  const synced = Promise.all([nodes.waitForSync(), leases.waitForSync(), pods.waitForSync()]).then(() => {
    nodes.addHandler({
      add: (n) => { nodeQueue.add(n.metadata.name!); taintManager.nodeChanged(undefined, n); },
      update: (old, n) => { nodeQueue.add(n.metadata.name!); taintManager.nodeChanged(old, n); },
      delete: (n) => { nodeQueue.add(n.metadata.name!); taintManager.nodeChanged(n, undefined); },
    });
    const leaseRenewed = (lease: KObject) => { if (lease.metadata?.namespace === NODE_LEASE_NAMESPACE && nodes.get(lease.metadata.name!)) nodeQueue.add(lease.metadata.name!); };
    leases.addHandler({ add: leaseRenewed, update: (_old, lease) => leaseRenewed(lease) });
    const podBound = (old: Pod | undefined, pod: Pod) => {
      if (pod.spec.nodeName && pod.spec.nodeName !== old?.spec.nodeName) podQueue.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
    };
    pods.addHandler({
      add: (p) => { podBound(undefined, p); taintManager.podChanged(undefined, p); },
      update: (old, p) => { podBound(old, p); taintManager.podChanged(old, p); },
      delete: (p) => taintManager.podChanged(p, undefined),
    });
    loop = (async () => {
      while (!stopping.signal.aborted) {
        try {
          await monitorPass();
        } catch (err) {
          onError(err);
        }
        await ctx.clock.sleep(options.nodeMonitorPeriodMs ?? 5_000, stopping.signal);
      }
    })();
  });

  return {
    synced,
    async stop() {
      stopping.abort();
      nodeQueue.stop();
      podQueue.stop();
      taintManager.stop();
      await loop;
    },
  };
}
