/**
 * `skiff agent`, Skiff's kubelet: registers its Node and keeps it alive (node.ts), and
 * runs the pods bound to it through a CRI-shaped `Runtime` (pod-sync.ts): one work-queue
 * key per pod, so a pod is never synced twice at once while different pods proceed in
 * parallel; the runtime's container events and the API's pod changes both requeue.
 */
import { join } from 'node:path';
import type { PersistentVolumeClaim, Pod } from '../../api/objects/index.js';
import type { KObject } from '../../api/types.js';
import type { Client } from '../../client/client.js';
import { realClock, type Clock } from '../../client/clock.js';
import { isNotFound } from '../../client/errors.js';
import { Informer, objectKey } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { EventRecorder } from '../../controllers/runtime/events.js';
import type { Runtime } from '../runtime/types.js';
import { AgentMetrics, resourceMetricsText } from './metrics.js';
import { hostFacts } from './host.js';
import { killContainer } from './lifecycle.js';
import { startNodeReporter } from './node.js';
import { localPathNodeAnnotations, startLocalPathReclaimer } from './local-path.js';
import { watchPodCidr } from './pod-cidr.js';
import type { DnsSettings } from './pod-dns.js';
import { PodSync } from './pod-sync.js';
import { Prober, probeLabel } from './probes.js';
import { startLogRotation } from './log-rotation.js';
import { StatsCollector, type Summary } from './stats.js';
import { PodVolumes } from './volumes/index.js';
import { volumeSources } from './volumes/api-sources.js';

/** How often emptyDirs with a sizeLimit are measured. */
const EVICTION_CHECK_MS = 10_000;

export interface AgentOptions {
  client: Client;
  nodeName: string;
  runtime: Runtime;
  /** Where pod logs and runtime state live (`<dataDir>/pods`). */
  dataDir: string;
  /** The node's InternalIP; 127.0.0.1 by default (process-runtime pods share the host's network). */
  address?: string;
  /** The cluster DNS given to pods (kubelet's --cluster-dns, --cluster-domain). */
  dns?: DnsSettings;
  /** How long to wait at start for the node's pod subnet (pod-cidr.ts). */
  podCIDRWaitMs?: number;
  /** The port of the agent's kubelet API (logs, exec), reported in the Node's daemonEndpoints. */
  kubeletPort?: number;
  labels?: Record<string, string>;
  clock?: Clock;
  /** Pods synced at once. */
  workers?: number;
  onError?(err: unknown): void;
}

export interface Agent {
  nodeName: string;
  /** The pods informer (this node's pods), for the kubelet API's log lookups. */
  pods: Informer<Pod>;
  /** The Summary API document (stats.ts). */
  summary(): Promise<Summary>;
  /** Prometheus text: the agent's own metrics (`/metrics`) and resource usage (`/metrics/resource`). */
  metrics(): Promise<string>;
  resourceMetrics(): Promise<string>;
  /** Stops syncing; with `killPods`, stops every container (within `graceSeconds`). */
  stop(options?: { killPods?: boolean; graceSeconds?: number }): Promise<void>;
}

export async function startAgent(o: AgentOptions): Promise<Agent> {
  const clock = o.clock ?? realClock;
  const onError = o.onError ?? (() => undefined);
  // Every runtime call is counted and timed for /metrics.
  const metrics = new AgentMetrics(o.nodeName, o.runtime);
  const runtime = metrics.instrument(o.runtime);
  const version = await runtime.version();
  const runtimeName = runtime.handler;
  const facts = hostFacts(o.dataDir, `${runtimeName}://${version.runtimeVersion}`);
  const address = o.address ?? '127.0.0.1';
  const handlers = runtime.handlers?.() ?? [runtime.handler];
  const reporter = await startNodeReporter({ client: o.client, name: o.nodeName, address, facts, kubeletPort: o.kubeletPort ?? 0, labels: o.labels, annotations: localPathNodeAnnotations(o.dataDir), runtimeHandlers: handlers, runtimeConditions: () => runtime.conditions?.() ?? [], clock, onError });

  const podsApi = o.client.resource<Pod>(resources.pods);
  const informer = new Informer<Pod>(podsApi, { fieldSelector: `spec.nodeName=${o.nodeName}`, onError });
  // Every service, for the service environment variables of containers (as the kubelet watches them).
  const services = new Informer<KObject>(o.client.resource<KObject>(resources.services), { onError });
  const lookup = (resource: typeof resources.configmaps) => async (namespace: string, name: string): Promise<KObject | undefined> => {
    try {
      return await o.client.resource(resource).get(name, namespace);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  // What the pods' volumes read, kept current: a changed ConfigMap or Secret rewrites the volumes that show it, a bound claim lets its pod start.
  const configMaps = new Informer<KObject>(o.client.resource<KObject>(resources.configmaps), { onError });
  const secrets = new Informer<KObject>(o.client.resource<KObject>(resources.secrets), { onError });
  const claims = new Informer<PersistentVolumeClaim>(o.client.resource<PersistentVolumeClaim>(resources.persistentvolumeclaims), { onError });
  const volumes = new PodVolumes({
    root: join(o.dataDir, 'kubelet', 'pods'), allocatable: facts.allocatable, tmpfs: process.getuid?.() === 0,
    sources: volumeSources(o.client, { configMaps, secrets, claims }), onError,
  });
  const events = new EventRecorder({ client: o.client, component: 'kubelet', host: o.nodeName, clock });
  const podOf = (key: string) => {
    const [namespace, name] = key.split('/') as [string, string];
    return informer.get(name, namespace);
  };
  const prober: Prober = new Prober({
    runtime: runtime, clock, podIP: (pod): string => sync.podIPOf(pod),
    changed: (key) => queue.add(key),
    failed: (key, kind, output) => {
      const pod = podOf(key);
      if (pod) events.event(pod, 'Warning', 'Unhealthy', `${probeLabel(kind)} probe failed: ${output}`);
    },
    unhealthy: (key, container, id, kind) => {
      const pod = podOf(key);
      if (!pod) return;
      events.event(pod, 'Normal', 'Killing', `Container ${container} failed ${kind} probe, will be restarted`);
      const probe = pod.spec.containers.find((c) => c.name === container)?.[`${kind}Probe`] as { terminationGracePeriodSeconds?: number } | undefined;
      const grace = probe?.terminationGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      // The runtime's stopped event requeues the pod, whose restartPolicy decides what follows.
      const spec = pod.spec.containers.find((c) => c.name === container);
      killContainer(pod, spec, id, grace, { runtime, events, clock, podIP: (p): string => sync.podIPOf(p) }).catch(onError);
    },
  });
  const sync: PodSync = new PodSync({
    pods: podsApi, runtime: runtime, runtimeName, logRoot: join(o.dataDir, 'pods'), hostIP: address,
    allocatable: facts.allocatable, envSources: {
      configMap: lookup(resources.configmaps), secret: lookup(resources.secrets),
      services: (namespaces) => services.list().filter((s) => namespaces.includes(s.metadata?.namespace ?? '')),
    },
    events, prober, volumes, clock, dns: o.dns,
    runtimeHandlerOf: async (pod) => {
      const name = pod.spec.runtimeClassName;
      if (typeof name !== 'string' || !name) return undefined;
      try {
        return String((await o.client.resource(resources.runtimeclasses).get(name)).handler ?? '');
      } catch (err) {
        if (isNotFound(err)) throw new Error(`failed to get sandbox runtime: RuntimeClass "${name}" not found`);
        throw err;
      }
    },
  });
  const queue = new WorkQueue({
    workers: o.workers ?? 16, clock,
    reconcile: (key) => sync.sync(key, podOf(key)),
    onError: (_key, err) => onError(err),
  });
  const handle = informer.addHandler({ add: (p) => queue.add(objectKey(p)), update: (_o, p) => queue.add(objectKey(p)), delete: (p) => queue.add(objectKey(p)) });
  const refresh = (kind: 'configMaps' | 'secrets' | 'claims') => (obj: KObject) => {
    const namespace = obj.metadata?.namespace;
    for (const pod of informer.list(namespace)) {
      if (PodVolumes.references(pod)[kind].has(obj.metadata?.name ?? '')) queue.add(objectKey(pod));
    }
  };
  const volumeHandles = ([['configMaps', configMaps], ['secrets', secrets], ['claims', claims]] as const).map(([kind, inf]) => {
    const changed = refresh(kind);
    return (inf as Informer<KObject>).addHandler({ add: changed, update: (_old, obj) => changed(obj), delete: changed });
  });
  const unsubscribe = runtime.onEvent((e) => {
    const key = sync.keyOfSandbox(e.sandboxId);
    if (key) queue.add(key);
  });
  const rotation = startLogRotation({ runtime: runtime, clock, onError });
  const stats = new StatsCollector({ runtime: runtime, clock, nodeName: o.nodeName, onError });
  // Pods get their addresses from the node's pod subnet: known to the runtime before any pod starts.
  const podCidr = watchPodCidr({ client: o.client, nodeName: o.nodeName, runtime, waitMs: o.podCIDRWaitMs, onError });
  await podCidr.ready;
  // What the runtime still runs from before (a restarted agent) is this agent's again.
  const adopted = await sync.adopt();
  informer.start();
  services.start();
  for (const inf of [configMaps, secrets, claims]) inf.start();
  await Promise.all([informer.waitForSync(), services.waitForSync(), configMaps.waitForSync(), secrets.waitForSync(), claims.waitForSync()]);
  // Pods deleted while no agent ran have no event coming: their sync ends them.
  for (const key of adopted) queue.add(key);
  const eviction = new AbortController();
  void (async () => {
    // The kubelet's eviction manager looks at local storage every 10 s (housekeeping interval).
    while (!eviction.signal.aborted) {
      await clock.sleep(EVICTION_CHECK_MS, eviction.signal);
      if (eviction.signal.aborted) break;
      try {
        for (const over of await volumes.overLimit()) {
          const key = sync.evict(over.uid, over.message);
          if (key) queue.add(key);
        }
      } catch (err) {
        onError(err);
      }
    }
  })();
  const localPath = await startLocalPathReclaimer({ client: o.client, nodeName: o.nodeName, dataDir: o.dataDir, pods: informer, clock, onError });

  return {
    nodeName: o.nodeName,
    pods: informer,
    summary: () => stats.summary(informer),
    metrics: () => metrics.text(),
    resourceMetrics: async () => resourceMetricsText(await stats.summary(informer)),
    async stop(options = {}) {
      unsubscribe();
      handle.remove();
      for (const h of volumeHandles) h.remove();
      informer.stop();
      services.stop();
      for (const inf of [configMaps, secrets, claims]) inf.stop();
      queue.stop();
      prober.stopAll();
      rotation.stop();
      localPath.stop();
      podCidr.stop();
      eviction.abort();
      stats.stop();
      await reporter.stop();
      if (options.killPods) await sync.stopAll(options.graceSeconds ?? 0);
      await volumes.close(options.killPods === true);
    },
  };
}
