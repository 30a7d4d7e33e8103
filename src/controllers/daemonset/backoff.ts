/**
 * Back-off for deleting failed daemon pods (client-go's flowcontrol.Backoff as the
 * controller manager configures it: 1 s doubling to 15 min). A kubelet that keeps
 * rejecting a pod must not make the controller delete and recreate it in a hot loop.
 * An entry untouched for twice the maximum is forgotten.
 */
import type { Clock } from '../../client/clock.js';

export class FailedPodBackoff {
  private readonly entries = new Map<string, { delayMs: number; lastUpdate: number }>();

  constructor(private readonly clock: Clock, private readonly initialMs = 1_000, private readonly maxMs = 15 * 60_000) {}

  /** Milliseconds still to wait before the next deletion for `key`; 0 when none. */
  remaining(key: string): number {
    const entry = this.entries.get(key);
    const now = this.clock.now().getTime();
    if (!entry || now - entry.lastUpdate > 2 * this.maxMs) return 0;
    return Math.max(0, entry.lastUpdate + entry.delayMs - now);
  }

  /** Records a deletion now: the next one waits twice as long as the last (from the initial delay). */
  next(key: string): void {
    const now = this.clock.now().getTime();
    const entry = this.entries.get(key);
    const delayMs = !entry || now - entry.lastUpdate > 2 * this.maxMs ? this.initialMs : Math.min(entry.delayMs * 2, this.maxMs);
    this.entries.set(key, { delayMs, lastUpdate: now });
  }

  /** Drops entries past their expiry (upstream's periodic GC), so the map does not grow forever. */
  gc(): void {
    const now = this.clock.now().getTime();
    for (const [key, entry] of this.entries) if (now - entry.lastUpdate > 2 * this.maxMs) this.entries.delete(key);
  }
}
