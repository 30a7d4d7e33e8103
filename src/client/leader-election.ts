/**
 * Leader election on a `coordination.k8s.io/v1` Lease, as client-go's leaderelection
 * does it: the leader renews `spec.renewTime` every `retryPeriod`; a candidate takes the
 * lease over once `renewTime + leaseDurationSeconds` has passed without a renewal. Every
 * write is an update at the lease's resourceVersion, so of two candidates racing for an
 * expired lease exactly one wins (the other gets a 409 and keeps waiting). A leader that
 * cannot renew within `renewDeadline` steps down before its lease can expire elsewhere.
 *
 * Time comes from an injectable clock so tests step through expiry without sleeping.
 */
import { microTime } from '../api/time.js';
import type { KObject } from '../api/types.js';
import type { ResourceClient } from './client.js';
import { realClock, type Clock } from './clock.js';
import { isAlreadyExists, isConflict, isNotFound } from './errors.js';

export interface LeaderElectionOptions {
  leases: ResourceClient;
  namespace: string;
  name: string;
  /** This candidate, e.g. `<hostname>_<random>`; unique per process. */
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  clock?: Clock;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  onError?(err: unknown): void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

type Lease = KObject & { spec?: LeaseSpec };

export class LeaderElector {
  private readonly controller = new AbortController();
  private leading = false;
  private running: Promise<void> | undefined;
  private readonly clock: Clock;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;

  constructor(private readonly o: LeaderElectionOptions) {
    this.clock = o.clock ?? realClock;
    this.leaseDurationMs = o.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = o.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = o.retryPeriodMs ?? 2_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs)) {
      throw new Error('leader election needs leaseDuration > renewDeadline > retryPeriod');
    }
  }

  isLeader(): boolean {
    return this.leading;
  }

  start(): this {
    this.running ??= this.run();
    return this;
  }

  /** Stops campaigning; a leader steps down and gives the lease up so another takes over at once. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    let lastRenew = 0;
    while (!signal.aborted) {
      const ok = await this.tryAcquireOrRenew();
      const now = this.clock.now().getTime();
      if (ok) {
        lastRenew = now;
        if (!this.leading) {
          this.leading = true;
          this.o.onStartedLeading();
        }
      } else if (this.leading && now - lastRenew >= this.renewDeadlineMs) {
        this.leading = false;
        this.o.onStoppedLeading();
      }
      await this.clock.sleep(this.retryPeriodMs, signal);
    }
    if (this.leading) {
      this.leading = false;
      await this.release();
      this.o.onStoppedLeading();
    }
  }

  /** One attempt; true when we hold the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { leases, namespace, name, identity } = this.o;
    const now = this.clock.now();
    const spec: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000), acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
    try {
      let current: Lease;
      try {
        current = (await leases.get(name, namespace)) as Lease;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await leases.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec } as Lease);
        return true;
      }
      const held = current.spec ?? {};
      const mine = held.holderIdentity === identity;
      if (!mine && held.holderIdentity) {
        const renewed = Date.parse(held.renewTime ?? held.acquireTime ?? '') || 0;
        const expires = renewed + (held.leaseDurationSeconds ?? 0) * 1000;
        if (now.getTime() < expires) return false; // someone else's, still valid
      }
      const next: LeaseSpec = mine
        ? { ...held, renewTime: microTime(now), leaseDurationSeconds: spec.leaseDurationSeconds }
        : { ...spec, leaseTransitions: (held.leaseTransitions ?? 0) + (held.holderIdentity ? 1 : 0) };
      await leases.update({ ...current, spec: next } as Lease);
      return true;
    } catch (err) {
      // Lost a race (409) or could not reach the API: not leading on this round.
      if (!isConflict(err) && !isAlreadyExists(err)) this.o.onError?.(err);
      return false;
    }
  }

  /** Gives the lease up (holder cleared) so a waiting candidate need not wait out the duration. */
  private async release(): Promise<void> {
    try {
      const current = (await this.o.leases.get(this.o.name, this.o.namespace)) as Lease;
      if (current.spec?.holderIdentity !== this.o.identity) return;
      await this.o.leases.update({ ...current, spec: { ...current.spec, holderIdentity: undefined, leaseDurationSeconds: 1, renewTime: microTime(this.clock.now()) } } as Lease);
    } catch (err) {
      this.o.onError?.(err);
    }
  }
}
