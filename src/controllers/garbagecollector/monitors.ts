/**
 * What the garbage collector watches (upstream's GraphBuilder monitors): one informer per
 * resource that supports list, watch and delete, found by discovery and found again
 * whenever CustomResourceDefinitions change (and periodically), so custom kinds are
 * collected too. Built-in resources use the process's shared informers (pods, ReplicaSets
 * … are watched once for every controller); a custom resource gets an informer of its
 * own, stopped when its definition goes away.
 */
import type { KObject } from '../../api/types.js';
import type { ResourceRef } from '../../client/client.js';
import { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../runtime/context.js';
import { discoverResources, groupOf, type DiscoveredResource } from '../runtime/discovery.js';

export const CRD_RESOURCE: ResourceRef = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false };

/** Upstream's default ignored resources: events are never owners worth tracking, and there are many. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

export interface MonitorEvents {
  upsert(resource: DiscoveredResource, obj: KObject): void;
  remove(resource: DiscoveredResource, obj: KObject): void;
  /** The resource is no longer served: forget what was seen of it. */
  forget(resource: DiscoveredResource): void;
}

interface Monitor {
  resource: DiscoveredResource;
  informer: Informer;
  handle: { remove(): void };
  /** An informer of our own (custom resources), stopped with the monitor. */
  own: boolean;
}

const keyOf = (r: { group: string; plural: string }) => `${r.group}/${r.plural}`;

/** How long a new monitor may take to list before discovery moves on (a resource removed meanwhile never lists). */
const LIST_TIMEOUT_MS = 60_000;

function listedOrTimedOut(monitors: Monitor[]): Promise<void> {
  if (!monitors.length) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, LIST_TIMEOUT_MS); timer.unref?.(); });
  return Promise.race([Promise.all(monitors.map((m) => m.informer.waitForSync())).then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

export class Monitors {
  private readonly monitors = new Map<string, Monitor>();
  /** `group/Kind` → resource, for turning ownerReferences into API paths. */
  private kinds = new Map<string, DiscoveredResource>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly events: MonitorEvents,
    private readonly crds: Informer,
  ) {}

  /** Discovers again and starts or stops monitors to match; resolves once new monitors have listed. */
  async sync(): Promise<{ added: string[]; removed: string[] }> {
    const { resources, failed } = await discoverResources(this.ctx.client);
    for (const f of failed) this.ctx.onError('garbage-collector-controller', new Error(`discovery of ${f.groupVersion} failed: ${String(f.error)}`));
    const kinds = new Map<string, DiscoveredResource>();
    for (const r of resources) kinds.set(`${r.ref.group}/${r.kind}`, r);
    this.kinds = kinds;

    const wanted = new Map<string, DiscoveredResource>();
    for (const r of resources) {
      const key = keyOf(r.ref);
      if (IGNORED.has(key)) continue;
      if (!['list', 'watch', 'delete'].every((v) => r.verbs.includes(v))) continue;
      wanted.set(key, r);
    }
    const failedGroups = new Set(failed.map((f) => groupOf(f.groupVersion)));
    const added: string[] = [];
    const removed: string[] = [];
    for (const [key, monitor] of this.monitors) {
      // A group that failed to answer this time keeps its monitors (upstream keeps them too).
      if (wanted.has(key) || failedGroups.has(monitor.resource.ref.group)) continue;
      this.stopMonitor(monitor);
      this.monitors.delete(key);
      this.events.forget(monitor.resource);
      removed.push(key);
    }
    const custom = this.customResources();
    const started: Monitor[] = [];
    for (const [key, resource] of wanted) {
      if (this.monitors.has(key)) continue;
      const monitor = this.startMonitor(resource, custom.has(key));
      this.monitors.set(key, monitor);
      started.push(monitor);
      added.push(key);
    }
    await listedOrTimedOut(started);
    return { added, removed };
  }

  /** The resource serving `apiVersion`/`kind` (any served version of the group will do: uids are per object). */
  resourceFor(apiVersion: string, kind: string): DiscoveredResource | undefined {
    return this.kinds.get(`${groupOf(apiVersion)}/${kind}`);
  }

  stop(): void {
    for (const monitor of this.monitors.values()) this.stopMonitor(monitor);
    this.monitors.clear();
  }

  private customResources(): Set<string> {
    const out = new Set<string>();
    for (const crd of this.crds.list()) {
      const spec = crd.spec as { group?: string; names?: { plural?: string } } | undefined;
      if (spec?.group && spec.names?.plural) out.add(`${spec.group}/${spec.names.plural}`);
    }
    return out;
  }

  private startMonitor(resource: DiscoveredResource, custom: boolean): Monitor {
    const informer = custom
      ? new Informer(this.ctx.client.resource(resource.ref), { onError: (err) => this.ctx.onError('garbage-collector-controller', err) }).start()
      : this.ctx.informers.for(resource.ref);
    const handle = informer.addHandler({
      add: (obj) => this.events.upsert(resource, obj),
      update: (_old, obj) => this.events.upsert(resource, obj),
      delete: (obj) => this.events.remove(resource, obj),
    });
    return { resource, informer, handle, own: custom };
  }

  private stopMonitor(monitor: Monitor): void {
    monitor.handle.remove();
    if (monitor.own) monitor.informer.stop();
  }
}
