/**
 * Writes a controller made that its informer has not shown yet (the role of upstream's
 * ControllerExpectations). Acting on a cache that does not yet show the pod just created
 * would create a second one, or delete the next pod before the first has gone; so a
 * controller records each create and delete here and holds off until the cache reflects
 * them. Whether a write is reflected is read from the cache itself, so an event that
 * arrives before the write's response cannot be missed: the object is there (created)
 * or gone, replaced or terminating (deleted); or, for a create, the cache is current to
 * a resourceVersion at or past it (if the object is not there, it has gone since).
 * Entries expire after `ttlMs` (upstream's 5 minutes) in case a watch event is lost.
 */
import type { KObject } from '../../api/types.js';
import type { Clock } from '../../client/clock.js';
import type { Informer } from '../../client/informer.js';

interface Pending {
  op: 'create' | 'delete';
  namespace: string;
  name: string;
  uid: string;
  /** The write's resourceVersion, when the server answered with one. */
  resourceVersion?: string;
  at: number;
}

export class PendingWrites<T extends KObject = KObject> {
  private readonly byOwner = new Map<string, Pending[]>();

  constructor(private readonly cache: Informer<T>, private readonly clock: Clock, private readonly ttlMs = 5 * 60_000) {}

  /** `obj` as the create answered it. */
  created(owner: string, obj: KObject): void {
    this.add(owner, 'create', obj, obj.metadata?.resourceVersion);
  }

  /**
   * `obj` as it was when deleted. (Not by resourceVersion: what a delete answers for an
   * object removed at once need not carry the deletion's revision.)
   */
  deleted(owner: string, obj: KObject): void {
    this.add(owner, 'delete', obj, undefined);
  }

  /** Whether the cache shows every write made for `owner` (those it shows are forgotten). */
  settled(owner: string): boolean {
    const list = this.byOwner.get(owner);
    if (!list) return true;
    const now = this.clock.now().getTime();
    const left = list.filter((p) => now - p.at < this.ttlMs && !this.reflected(p));
    if (left.length) this.byOwner.set(owner, left);
    else this.byOwner.delete(owner);
    return left.length === 0;
  }

  forget(owner: string): void {
    this.byOwner.delete(owner);
  }

  private reflected(p: Pending): boolean {
    if (p.resourceVersion && atOrPast(this.cache.lastSyncResourceVersion(), p.resourceVersion)) return true;
    const seen = this.cache.get(p.name, p.namespace || undefined);
    if (p.op === 'create') return Boolean(seen);
    return !seen || seen.metadata?.uid !== p.uid || Boolean(seen.metadata?.deletionTimestamp);
  }

  private add(owner: string, op: Pending['op'], obj: KObject, resourceVersion: string | undefined): void {
    const meta = obj.metadata ?? {};
    const entry: Pending = { op, namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '', resourceVersion, at: this.clock.now().getTime() };
    const list = this.byOwner.get(owner);
    if (list) list.push(entry);
    else this.byOwner.set(owner, [entry]);
  }
}

/**
 * resourceVersions are opaque to clients, but ordered where they are integers (etcd
 * revisions, as Skiff's store uses): only then is "the cache is past the write" known.
 */
function atOrPast(current: string, written: string): boolean {
  return /^\d+$/.test(current) && /^\d+$/.test(written) && BigInt(current) >= BigInt(written);
}
