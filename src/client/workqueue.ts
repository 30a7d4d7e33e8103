/**
 * A work queue with client-go's guarantees: a key waiting twice is queued once, one key
 * is never processed by two workers at once, and a key that changed while it was
 * processed runs again afterwards. Up to `workers` keys are reconciled concurrently.
 * Failures are retried with capped exponential back-off (in real time: they wait for a
 * server, not for modelled time); `requeueAfterMs` and `addAfter` wait on the clock, so
 * tests with a fake clock step through them.
 */
import { setMaxListeners } from 'node:events';
import { realClock, type Clock } from './clock.js';

export type ReconcileResult = void | undefined | { requeueAfterMs: number };

export interface WorkQueueOptions {
  reconcile(key: string): Promise<ReconcileResult>;
  onError?(key: string, err: unknown): void;
  /** Keys reconciled at once; default 1. */
  workers?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  clock?: Clock;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private head = 0;
  private readonly queued = new Set<string>();
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly batching = new Set<string>();
  private readonly waits = new AbortController();
  private readonly clock: Clock;
  private running = 0;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: WorkQueueOptions) {
    this.clock = options.clock ?? realClock;
    // Every pending requeue listens on this one signal (see Clock.sleep); that is by design, not a leak.
    setMaxListeners(0, this.waits.signal);
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) { this.dirty.add(key); return; }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    if (this.running < (this.options.workers ?? 1)) {
      this.running++;
      void this.work();
    }
  }

  /** Adds `key` once `ms` of clock time have passed. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) return this.add(key);
    void this.clock.sleep(ms, this.waits.signal).then(() => this.add(key));
  }

  /**
   * Adds `key` after a short real-time window in which further calls for it are folded
   * into this one (upstream's batch periods, e.g. the Job controller's): a burst of pod
   * status changes costs its owner one sync and one status write, not one per change.
   */
  addBatched(key: string, windowMs: number): void {
    if (this.stopped || this.batching.has(key)) return;
    this.batching.add(key);
    const timer = setTimeout(() => { this.timers.delete(timer); this.batching.delete(key); this.add(key); }, windowMs);
    timer.unref?.();
    this.timers.add(timer);
  }

  /** Keys waiting (not counting those being reconciled). */
  length(): number {
    return this.queue.length - this.head;
  }

  /** Resolves when nothing is queued or running (tests and benchmarks). */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private next(): string | undefined {
    if (this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return key;
  }

  private async work(): Promise<void> {
    for (let key = this.next(); key !== undefined && !this.stopped; key = this.next()) {
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
        this.retryAfter(key, delay);
      } finally {
        this.active.delete(key);
        if (this.dirty.delete(key)) this.add(key);
      }
    }
    this.running--;
    if (this.running === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private retryAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => { this.timers.delete(timer); this.add(key); }, ms);
    timer.unref?.();
    this.timers.add(timer);
  }

  stop(): void {
    this.stopped = true;
    this.waits.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
