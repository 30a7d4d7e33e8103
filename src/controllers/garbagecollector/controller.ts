/**
 * The garbage collector (kube-controller-manager's `garbagecollector`): deletes objects
 * whose owners are gone, and carries out the propagation policies the API server records
 * as finalizers on delete (`foregroundDeletion`, `orphan`; background needs none).
 *
 * Informers on every deletable resource (monitors.ts) feed the dependency graph
 * (graph.ts); graph changes queue work by object uid: `delete:<uid>` (is it garbage? is
 * it an owner waiting for its dependents?) and `orphan:<uid>`; collector.ts decides and
 * acts. Discovery runs again when CustomResourceDefinitions change and every
 * `resyncPeriodMs` of clock time.
 */
import type { KObject, OwnerReference } from '../../api/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../runtime/context.js';
import type { DiscoveredResource } from '../runtime/discovery.js';
import { Collector, COMPONENT } from './collector.js';
import { DependencyGraph, isDeletingDependents, isOrphaning, type GraphNode } from './graph.js';
import { CRD_RESOURCE, Monitors } from './monitors.js';

export interface GarbageCollectorOptions {
  /** Discovery again after this much clock time (upstream: 30 s). */
  resyncPeriodMs?: number;
  /** Objects processed at once (upstream's --concurrent-gc-syncs, 20). */
  workers?: number;
}

function sameOwners(a: OwnerReference[], b: OwnerReference[]): boolean {
  return a.length === b.length && a.every((r, i) => r.uid === b[i]!.uid && Boolean(r.blockOwnerDeletion) === Boolean(b[i]!.blockOwnerDeletion));
}

export function startGarbageCollector(ctx: ControllerContext, options: GarbageCollectorOptions = {}): Controller {
  const graph = new DependencyGraph();
  const crds = ctx.informers.for(CRD_RESOURCE);
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => { markReady = resolve; });

  const queue = new WorkQueue({
    workers: options.workers ?? 8,
    clock: ctx.clock,
    onError: (key, err) => ctx.onError(COMPONENT, new Error(`${key}: ${String(err)}`)),
    reconcile: async (key) => {
      // The graph must be whole before "not seen" can mean anything.
      await ready;
      const [action, uid] = key.split(':') as [string, string];
      if (action === 'orphan') await collector.orphan(uid);
      else await collector.attemptToDelete(uid);
    },
  });
  const enqueue = (key: string) => queue.add(key);

  const enqueueWaitingOwners = (owners: OwnerReference[]) => {
    for (const ref of owners) {
      const owner = graph.get(ref.uid);
      if (owner && isDeletingDependents(owner)) enqueue(`delete:${owner.uid}`);
      if (owner && isOrphaning(owner)) enqueue(`orphan:${owner.uid}`);
    }
  };

  const forgetNode = (node: GraphNode) => {
    graph.remove(node.uid);
    for (const dep of graph.dependentsOf(node.uid)) enqueue(`delete:${dep.uid}`);
    enqueueWaitingOwners(node.owners);
  };

  const monitors = new Monitors(ctx, {
    upsert(resource: DiscoveredResource, obj: KObject) {
      const change = graph.upsert(resource, obj);
      if (!change) return;
      const { node, previous } = change;
      if (isOrphaning(node)) enqueue(`orphan:${node.uid}`);
      if (isDeletingDependents(node)) {
        enqueue(`delete:${node.uid}`);
        // Just started its foreground deletion: every dependent is to go.
        if (!previous || !isDeletingDependents(previous)) for (const dep of graph.dependentsOf(node.uid)) enqueue(`delete:${dep.uid}`);
      }
      if (previous && sameOwners(previous.owners, node.owners)) return;
      // References changed: owners this one blocked may proceed; owners not seen (or gone) need checking.
      if (previous) enqueueWaitingOwners(previous.owners);
      enqueueWaitingOwners(node.owners);
      if (node.owners.some((ref) => !graph.has(ref.uid) || collector.isAbsent(ref.uid) || isDeletingDependents(graph.get(ref.uid)!))) {
        enqueue(`delete:${node.uid}`);
      }
    },
    remove(_resource: DiscoveredResource, obj: KObject) {
      const uid = obj.metadata?.uid;
      if (!uid) return;
      collector.markAbsent(uid);
      const node = graph.get(uid);
      if (node) forgetNode(node);
    },
    forget(resource: DiscoveredResource) {
      for (const node of graph.nodesOf((r) => r.ref.group === resource.ref.group && r.ref.plural === resource.ref.plural)) forgetNode(node);
    },
  }, crds);
  const collector = new Collector(ctx, graph, monitors, enqueue);

  const discovery = new WorkQueue({
    clock: ctx.clock,
    baseDelayMs: 200,
    onError: (_key, err) => ctx.onError(COMPONENT, new Error(`discovery: ${String(err)}`)),
    reconcile: async () => {
      await monitors.sync();
      markReady();
      collector.retryAwaitingDiscovery();
    },
  });
  const rediscover = () => discovery.add('discovery');

  const stopping = new AbortController();
  const resyncMs = options.resyncPeriodMs ?? 30_000;
  void (async () => {
    while (!stopping.signal.aborted) {
      await ctx.clock.sleep(resyncMs, stopping.signal);
      if (!stopping.signal.aborted) rediscover();
    }
  })();

  const synced = crds.waitForSync().then(() => {
    crds.addHandler({ add: rediscover, update: rediscover, delete: rediscover });
    rediscover();
    return ready;
  });
  return {
    synced,
    stop() {
      stopping.abort();
      discovery.stop();
      queue.stop();
      monitors.stop();
    },
  };
}
