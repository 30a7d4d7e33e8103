/**
 * All objects of one small kind (PriorityClasses, LimitRanges, ResourceQuotas) kept in
 * memory from the watch hub, so admission reads them per request without touching the
 * store — as upstream's admission plugins read informers. While the cache is not
 * following the hub (not started, or its subscription failed), `list` answers from the
 * store instead.
 */
import type { KObject, ResourceType } from '../../api/types.js';
import type { WatchHub } from '../watch/hub.js';
import { resourcePrefix } from './keys.js';
import type { ObjectStorage } from './storage.js';

export class KindCache {
  private readonly byNamespace = new Map<string, Map<string, KObject>>();
  private following = false;
  private subscription?: { stop(): void };

  constructor(readonly rt: ResourceType, private readonly storage: ObjectStorage) {}

  async start(hub: WatchHub): Promise<void> {
    const list = await this.storage.list(this.rt, '');
    for (const obj of list.items) this.put(obj);
    this.subscription = hub.subscribe({ prefix: resourcePrefix(this.rt), fromRevision: Number(list.resourceVersion) }, {
      onEvents: (events) => {
        for (const e of events) {
          if (e.kind === 'delete') this.byNamespace.get(e.object.metadata?.namespace ?? '')?.delete(e.object.metadata?.name ?? '');
          else this.put(e.object);
        }
      },
      onError: () => { this.following = false; this.byNamespace.clear(); this.subscription = undefined; },
    });
    this.following = true;
  }

  /** The kind's objects in `namespace` ('' for cluster-scoped kinds). */
  async list(namespace: string): Promise<KObject[]> {
    if (!this.following) return (await this.storage.list(this.rt, namespace)).items;
    const objects = this.byNamespace.get(namespace);
    return objects ? [...objects.values()] : [];
  }

  stop(): void {
    this.subscription?.stop();
    this.following = false;
  }

  private put(obj: KObject): void {
    const ns = obj.metadata?.namespace ?? '';
    let objects = this.byNamespace.get(ns);
    if (!objects) this.byNamespace.set(ns, (objects = new Map()));
    objects.set(obj.metadata?.name ?? '', obj);
  }
}
