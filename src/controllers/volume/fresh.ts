/**
 * An informer's cache with this controller's own writes laid over it until the watch
 * catches up (upstream's storeVolumeUpdate / storeClaimUpdate): a sync that just bound a
 * volume must not read it back unbound from a cache a few events behind, or the next
 * sync redoes the binding and meets a conflict.
 */
import type { KObject } from '../../api/types.js';
import type { Informer } from '../../client/informer.js';

export class FreshView<T extends KObject> {
  private readonly written = new Map<string, T>();

  constructor(readonly informer: Informer<T>) {}

  get(name: string, namespace?: string): T | undefined {
    const key = namespace ? `${namespace}/${name}` : name;
    return this.pick(key, this.informer.get(name, namespace));
  }

  list(namespace?: string): T[] {
    const out: T[] = [];
    const seen = new Set<string>();
    for (const obj of this.informer.list(namespace)) {
      const key = keyOf(obj);
      seen.add(key);
      out.push(this.pick(key, obj)!);
    }
    // Created by this controller, not yet delivered by the watch.
    for (const [key, obj] of this.written) if (!seen.has(key) && (!namespace || obj.metadata?.namespace === namespace)) out.push(obj);
    return out;
  }

  /** Records what a write returned. */
  remember(obj: T): T {
    this.written.set(keyOf(obj), obj);
    return obj;
  }

  /** The object is gone (a delete event): nothing of ours may bring it back. */
  forget(obj: KObject): void {
    this.written.delete(keyOf(obj));
  }

  private pick(key: string, cached: T | undefined): T | undefined {
    const mine = this.written.get(key);
    if (!mine) return cached;
    if (cached && !isOlder(cached, mine)) {
      this.written.delete(key);
      return cached;
    }
    return mine;
  }
}

function keyOf(obj: KObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${obj.metadata?.name ?? ''}` : obj.metadata?.name ?? '';
}

/** resourceVersions are opaque to clients, but Skiff's (store revisions) and etcd's are integers that only grow. */
function isOlder(a: KObject, b: KObject): boolean {
  const x = a.metadata?.resourceVersion;
  const y = b.metadata?.resourceVersion;
  if (!x || !y || !/^\d+$/.test(x) || !/^\d+$/.test(y)) return false;
  return BigInt(x) < BigInt(y);
}
