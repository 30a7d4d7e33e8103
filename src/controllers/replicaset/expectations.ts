/**
 * Upstream's ControllerExpectations (UIDTrackingControllerExpectations for deletions):
 * creates and deletes a controller has made but its pod informer has not shown yet.
 * While any are outstanding the controller does not count pods again, or it would
 * create a second pod for one whose watch event is still on its way. Each record lives
 * at most `ttlMs` (upstream's 5 minutes), in case an event is never seen.
 */
import type { Clock } from '../../client/clock.js';

interface Record {
  creations: number;
  /** Keys (`namespace/name`) of pods whose deletion is awaited. */
  deletions: Set<string>;
  at: number;
}

const EXPECTATIONS_TTL_MS = 5 * 60_000;

export class ControllerExpectations {
  private readonly records = new Map<string, Record>();

  constructor(private readonly clock: Clock, private readonly ttlMs = EXPECTATIONS_TTL_MS) {}

  /** True when nothing is outstanding for `key` (or its record expired): the controller may count and act. */
  satisfied(key: string): boolean {
    const r = this.records.get(key);
    if (!r) return true;
    if (r.creations <= 0 && r.deletions.size === 0) return true;
    return this.clock.now().getTime() - r.at > this.ttlMs;
  }

  expectCreations(key: string, count: number): void {
    this.records.set(key, { creations: count, deletions: new Set(), at: this.clock.now().getTime() });
  }

  expectDeletions(key: string, podKeys: string[]): void {
    this.records.set(key, { creations: 0, deletions: new Set(podKeys), at: this.clock.now().getTime() });
  }

  /** A pod the controller created was seen, or a planned creation was not attempted. */
  creationObserved(key: string): void {
    const r = this.records.get(key);
    if (r) r.creations--;
  }

  deletionObserved(key: string, podKey: string): void {
    this.records.get(key)?.deletions.delete(podKey);
  }

  forget(key: string): void {
    this.records.delete(key);
  }
}
