/**
 * What the controller has asked for but its informer has not shown yet (upstream's
 * ControllerExpectations and uidTrackingExpectations). Acting on a cache that lags its
 * own writes would create pods twice or count a finished pod twice, so a Job's pods are
 * managed only once the creations and deletions it made have been observed, and a pod
 * whose finalizer removal is in flight is not counted again.
 */
import type { Clock } from '../../client/clock.js';

/** Expectations older than this are given up on (a watch event can be lost to a relist). */
const EXPECTATIONS_TTL_MS = 5 * 60_000;

export class Expectations {
  private readonly pending = new Map<string, { adds: number; dels: number; at: number }>();
  private readonly finalizers = new Map<string, Set<string>>();

  constructor(private readonly clock: Clock) {}

  expect(key: string, adds: number, dels: number): void {
    const e = this.pending.get(key);
    const now = this.clock.now().getTime();
    this.pending.set(key, { adds: Math.max(e?.adds ?? 0, 0) + adds, dels: Math.max(e?.dels ?? 0, 0) + dels, at: now });
  }

  creationObserved(key: string): void {
    const e = this.pending.get(key);
    if (e) e.adds--;
  }

  deletionObserved(key: string): void {
    const e = this.pending.get(key);
    if (e) e.dels--;
  }

  satisfied(key: string): boolean {
    const e = this.pending.get(key);
    if (!e || (e.adds <= 0 && e.dels <= 0)) return true;
    return this.clock.now().getTime() - e.at > EXPECTATIONS_TTL_MS;
  }

  /** Pod UIDs whose tracking finalizer this Job removed but the informer still shows. */
  finalizersBeingRemoved(key: string): Set<string> {
    return new Set(this.finalizers.get(key));
  }

  expectFinalizerRemoved(key: string, uid: string): void {
    let set = this.finalizers.get(key);
    if (!set) this.finalizers.set(key, (set = new Set()));
    set.add(uid);
  }

  finalizerRemovalObserved(key: string, uid: string): void {
    const set = this.finalizers.get(key);
    if (set?.delete(uid) && !set.size) this.finalizers.delete(key);
  }

  forget(key: string): void {
    this.pending.delete(key);
    this.finalizers.delete(key);
  }
}
