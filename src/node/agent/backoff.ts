/**
 * The kubelet's container restart back-off (CrashLoopBackOff): the first restart waits
 * nothing, the second 10 s, each further one twice as long up to 5 minutes; an exit more
 * than twice the maximum after the last restart starts again from the beginning.
 * Times are the containers' finish times, as upstream's IsInBackOffSince/Next use them.
 */
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  delayMs: number;
  /** Finish time of the exit whose restart was last granted. */
  at: number;
}

export class RestartBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly initialMs = INITIAL_BACKOFF_MS, private readonly maxMs = MAX_BACKOFF_MS) {}

  /**
   * Milliseconds until a container that finished at `finishedAt` may restart; 0 when it
   * may now (upstream IsInBackOffSince: in back-off while now < finishedAt + delay).
   */
  remaining(key: string, finishedAt: number, now: number): number {
    const e = this.entries.get(key);
    if (!e || finishedAt - e.at > 2 * this.maxMs) return 0;
    return Math.max(0, finishedAt + e.delayMs - now);
  }

  /** The delay the next restart would have to wait, for messages (`back-off 20s …`). */
  current(key: string): number {
    return this.entries.get(key)?.delayMs ?? this.initialMs;
  }

  /** Records the restart of an exit at `finishedAt` (upstream backOff.Next): the next one waits longer. */
  restarted(key: string, finishedAt: number): void {
    const e = this.entries.get(key);
    const fresh = !e || finishedAt - e.at > 2 * this.maxMs;
    this.entries.set(key, { delayMs: fresh ? this.initialMs : Math.min(e.delayMs * 2, this.maxMs), at: finishedAt });
  }

  forgetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
