/**
 * A small work queue with client-go's guarantees: a key waiting twice is queued once,
 * one key is never processed by two workers at once, and a key that changed while it
 * was processed runs again afterwards. Failures are retried with capped exponential
 * back-off; `requeueAfter` schedules a later look.
 */
export type ReconcileResult = void | { requeueAfterMs: number };

export interface WorkQueueOptions {
  reconcile(key: string): Promise<ReconcileResult>;
  onError?(key: string, err: unknown): void;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = false;
  private stopped = false;

  constructor(private readonly options: WorkQueueOptions) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) { this.dirty.add(key); return; }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    if (!this.running) void this.drain();
  }

  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => { this.timers.delete(timer); this.add(key); }, ms);
    timer.unref?.();
    this.timers.add(timer);
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length && !this.stopped) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      this.active.add(key);
      try {
        const result = await this.options.reconcile(key);
        this.failures.delete(key);
        if (result && result.requeueAfterMs >= 0) this.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        this.options.onError?.(key, err);
        const delay = Math.min((this.options.baseDelayMs ?? 5) * 2 ** (n - 1), this.options.maxDelayMs ?? 30_000);
        this.addAfter(key, delay);
      } finally {
        this.active.delete(key);
        if (this.dirty.delete(key)) this.add(key);
      }
    }
    this.running = false;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
