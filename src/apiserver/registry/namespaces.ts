/**
 * What the write path needs to know about namespaces (exists? terminating?), kept in
 * memory from the watch hub, as upstream's NamespaceLifecycle admission reads an
 * informer instead of the store. A name the cache has not seen is looked up in the
 * store by the caller, so a namespace created a moment ago is never refused.
 */
import type { KObject, ResourceType } from '../../api/types.js';
import type { ObjectStorage } from './storage.js';
import type { WatchHub } from '../watch/hub.js';
import { resourcePrefix } from './keys.js';

export type NamespaceState = 'active' | 'terminating';

export function namespaceState(ns: KObject): NamespaceState {
  return ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating' ? 'terminating' : 'active';
}

export class NamespaceCache {
  private readonly states = new Map<string, NamespaceState>();
  private subscription?: { stop(): void };

  /** undefined: not known here (ask the store). */
  get(name: string): NamespaceState | undefined {
    return this.states.get(name);
  }

  async start(options: { hub: WatchHub; storage: ObjectStorage; namespaceType: ResourceType }): Promise<void> {
    const list = await options.storage.list(options.namespaceType, '');
    for (const ns of list.items) this.states.set(ns.metadata!.name!, namespaceState(ns));
    this.subscription = options.hub.subscribe({ prefix: resourcePrefix(options.namespaceType), fromRevision: Number(list.resourceVersion) }, {
      onEvents: (events) => {
        for (const e of events) {
          const name = e.object.metadata?.name;
          if (!name) continue;
          if (e.kind === 'delete') this.states.delete(name);
          else this.states.set(name, namespaceState(e.object));
        }
      },
      // Forget everything rather than answer from a cache that stopped following.
      onError: () => { this.states.clear(); this.subscription = undefined; },
    });
  }

  stop(): void {
    this.subscription?.stop();
    this.states.clear();
  }
}
