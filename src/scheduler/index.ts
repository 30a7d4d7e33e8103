/**
 * The scheduler (kube-scheduler's default profile): assigns pending pods whose
 * `spec.schedulerName` is ours to nodes. Shared informers on pods and nodes feed the
 * cache (cache.ts) and the queue (queue.ts); the loop (scheduler.ts) runs the plugins
 * (plugins/) through the framework (framework.ts) and binds in the background.
 *
 *   const scheduler = startScheduler(ctx);            // after ctx.informers.start() is fine too
 *   await scheduler.synced;
 */
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, PodDisruptionBudget, StorageClass } from '../api/objects/index.js';
import type { KObject } from '../api/types.js';
import { deepEqual } from '../apiserver/patch/json.js';
import { resources } from '../client/resources.js';
import type { Controller, ControllerContext } from '../controllers/runtime/context.js';
import { SchedulerCache } from './cache.js';
import { defaultSelector, type OwnerInformers } from './default-selector.js';
import type { ClusterView } from './cluster-view.js';
import { Framework, type Plugin } from './framework.js';
import { defaultPlugins } from './plugins/index.js';
import { volumeBindingSource } from './plugins/volume-binding-api.js';
import type { Informer } from '../client/informer.js';
import { SchedulingQueue } from './queue.js';
import { SchedulingLoop, type PostFilter } from './scheduler.js';
import { DEFAULT_SCHEDULER, isTerminal, newPodInfo, podKey } from './types.js';
import { DefaultPreemption } from './preemption.js';
import { SchedulerWrites } from './writes.js';

export interface SchedulerOptions {
  /** Pods with this `spec.schedulerName` are ours; default `default-scheduler`. */
  schedulerName?: string;
  /** Share of feasible nodes to find before scoring; 0 (default) is upstream's adaptive rule. */
  percentageOfNodesToScore?: number;
  /** Bindings in flight before the loop waits; default 256. */
  maxInFlightBinds?: number;
  /** For tie-breaking between equally good nodes (tests pass a seeded one). */
  random?: () => number;
  /** Replace the default profile's plugins (tests). */
  plugins?: Plugin[];
  /** DefaultPreemption (default on). */
  preemption?: boolean;
}

export interface Scheduler extends Controller {
  cache: SchedulerCache;
  queue: SchedulingQueue;
  loop: SchedulingLoop | undefined;
  /** Resolves when nothing is active and no binding is in flight (tests, benchmarks). */
  idle(): Promise<void>;
}

const FLUSH_BACKOFF_MS = 1_000;
const FLUSH_UNSCHEDULABLE_MS = 30_000;

export function startScheduler(ctx: ControllerContext, options: SchedulerOptions = {}): Scheduler {
  const schedulerName = options.schedulerName ?? DEFAULT_SCHEDULER;
  const pods = ctx.informers.for<Pod>(resources.pods);
  const nodes = ctx.informers.for<Node>(resources.nodes);
  const namespaces = ctx.informers.for(resources.namespaces);
  const cache = new SchedulerCache();
  const queue = new SchedulingQueue(() => ctx.clock.now().getTime());
  const onError = (err: unknown) => ctx.onError(schedulerName, err);

  const owners: OwnerInformers = {
    services: ctx.informers.for(resources.services),
    replicationControllers: ctx.informers.for(resources.replicationcontrollers),
    replicaSets: ctx.informers.for(resources.replicasets),
    statefulSets: ctx.informers.for(resources.statefulsets),
  };
  const cluster: ClusterView = {
    cache,
    namespaceLabels: (name) => {
      const ns = namespaces.get(name);
      return ns ? ns.metadata?.labels ?? {} : undefined;
    },
    defaultSelector: (pod) => defaultSelector(pod, owners),
  };
  // VolumeBinding reads claims, volumes and classes; its PreBind waits end when the scheduler stops.
  const volumeInformers = {
    claims: ctx.informers.for<PersistentVolumeClaim>(resources.persistentvolumeclaims),
    volumes: ctx.informers.for<PersistentVolume>(resources.persistentvolumes),
    classes: ctx.informers.for<StorageClass>(resources.storageclasses),
    pods, nodes,
  };
  const bindingWaits = new AbortController();
  const volumes = volumeBindingSource(volumeInformers, { client: ctx.client, clock: ctx.clock, signal: bindingWaits.signal });
  const framework = new Framework(options.plugins ?? defaultPlugins(volumes), cluster, options.random, options.percentageOfNodesToScore);
  const pdbs = ctx.informers.for<PodDisruptionBudget>(resources.poddisruptionbudgets);
  const writes = new SchedulerWrites(ctx.client, ctx.events(schedulerName), ctx.clock, schedulerName, onError);
  const preemption = new DefaultPreemption({
    framework,
    pdbs: () => pdbs.list(),
    random: options.random,
    evict: (victim, preemptor, node) => void writes.evict(victim, preemptor, node).catch((err: unknown) => {
      preemption.evicting.delete(podKey(victim));
      onError(err);
    }),
    clearNomination: (pod) => void writes.clearNomination(pod),
  });
  const postFilter: PostFilter | undefined = options.preemption === false ? undefined : preemption;
  /** Nominations made by an earlier run (or another scheduler instance) are honoured too. */
  const trackNomination = (pod: Pod) => {
    const node = pod.status?.nominatedNodeName;
    const key = podKey(pod);
    if (node && framework.nominator.nominatedNode(key) !== node) framework.nominator.nominate(newPodInfo(pod), node);
  };

  const responsible = (pod: Pod) => {
    const spec = pod.spec;
    return (spec?.schedulerName || DEFAULT_SCHEDULER) === schedulerName && !spec?.nodeName && !pod.metadata.deletionTimestamp
      && !isTerminal(pod) && !(spec?.schedulingGates as unknown[] | undefined)?.length;
  };
  /** Plugins whose verdict can change when a pod is bound or relabelled (upstream's queueing hints). */
  const POD_AFFINITY_PLUGINS = ['InterPodAffinity', 'PodTopologySpread'];

  pods.addHandler({
    add(pod) {
      if (pod.spec?.nodeName) {
        if (isTerminal(pod)) return;
        cache.upsertPod(pod);
        queue.moveAllToActiveOrBackoff(POD_AFFINITY_PLUGINS);
      } else if (responsible(pod)) {
        queue.add(pod);
        trackNomination(pod);
      }
    },
    update(old, pod) {
      const key = podKey(pod);
      if (pod.spec?.nodeName) {
        if (!old.spec?.nodeName) {
          queue.delete(key);
          framework.nominator.remove(key);
        }
        const wasCounted = cache.nodeOf(key) !== undefined;
        cache.upsertPod(pod, old);
        if (wasCounted && isTerminal(pod)) queue.moveAllToActiveOrBackoff();
        else if (!wasCounted || !sameLabels(old, pod)) queue.moveAllToActiveOrBackoff(POD_AFFINITY_PLUGINS);
        return;
      }
      if (cache.isAssumed(key)) return; // being bound: the binding's own update will follow
      if (responsible(pod)) {
        queue.update(pod);
        trackNomination(pod);
      } else {
        queue.delete(key);
        framework.nominator.remove(key);
      }
    },
    delete(pod) {
      const key = podKey(pod);
      queue.delete(key);
      framework.nominator.remove(key);
      preemption.evicting.delete(key);
      if (cache.nodeOf(key) !== undefined) {
        cache.removePod(key);
        queue.moveAllToActiveOrBackoff();
      }
    },
  });
  nodes.addHandler({
    add(node) {
      cache.setNode(node);
      queue.moveAllToActiveOrBackoff();
    },
    update(old, node) {
      cache.setNode(node);
      if (nodeSchedulingChanged(old, node)) queue.moveAllToActiveOrBackoff();
    },
    delete(node) {
      cache.removeNode(node.metadata.name!);
    },
  });

  // A claim, volume or class appearing or changing may be what a pod waits for (upstream's VolumeBinding events).
  const volumesChanged = () => queue.moveAllToActiveOrBackoff(['VolumeBinding']);
  for (const inf of [volumeInformers.claims, volumeInformers.volumes, volumeInformers.classes] as Array<Informer<KObject>>) {
    inf.addHandler({ add: volumesChanged, update: volumesChanged });
  }

  let loop: SchedulingLoop | undefined;
  const stopping = new AbortController();
  const informers = [pods, nodes, namespaces, pdbs, ...Object.values(owners), volumeInformers.claims, volumeInformers.volumes, volumeInformers.classes];
  const synced = Promise.all(informers.map((i) => i.waitForSync())).then(() => {
    if (stopping.signal.aborted) return;
    loop = new SchedulingLoop({
      client: ctx.client, clock: ctx.clock, queue, cache, framework, postFilter,
      events: ctx.events(schedulerName),
      currentPod: (key) => { const [ns, name] = key.split('/') as [string, string]; return pods.get(name, ns); },
      maxInFlightBinds: options.maxInFlightBinds,
      onError,
    });
  });

  // Upstream flushes completed backoffs every second and long-parked pods every 30 s.
  const timers = (async () => {
    let sinceLeftover = 0;
    while (!stopping.signal.aborted) {
      await ctx.clock.sleep(FLUSH_BACKOFF_MS, stopping.signal);
      if (stopping.signal.aborted) break;
      queue.flushBackoff();
      sinceLeftover += FLUSH_BACKOFF_MS;
      if (sinceLeftover >= FLUSH_UNSCHEDULABLE_MS) {
        sinceLeftover = 0;
        queue.flushUnschedulableLeftover();
      }
    }
  })();

  return {
    synced,
    cache,
    queue,
    get loop() { return loop; },
    idle: async () => { await synced; await loop?.idle(); },
    async stop() {
      stopping.abort();
      bindingWaits.abort();
      queue.close();
      await timers;
      await loop?.stop();
    },
  };
}

function sameLabels(a: KObject, b: KObject): boolean {
  return deepEqual(a.metadata?.labels ?? {}, b.metadata?.labels ?? {});
}

/** Whether a node update can change where pods fit (not heartbeats). */
function nodeSchedulingChanged(old: Node, node: Node): boolean {
  const conditions = (n: Node) => (n.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`);
  return (old.spec?.unschedulable ?? false) !== (node.spec?.unschedulable ?? false)
    || !deepEqual(old.status?.allocatable, node.status?.allocatable)
    || !deepEqual(old.metadata.labels, node.metadata.labels)
    || !deepEqual(old.spec?.taints, node.spec?.taints)
    || !deepEqual(conditions(old), conditions(node));
}
