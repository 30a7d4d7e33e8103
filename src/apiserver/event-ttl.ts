/**
 * Events expire, as kube-apiserver's `--event-ttl` (default 1 h) makes them: upstream
 * stores each event under an etcd lease renewed on every write, so an event disappears
 * an hour after it last changed. Skiff's stores have no leases; this sweeper deletes
 * events (core/v1 and events.k8s.io share the store) whose last activity is older than
 * the TTL, a page at a time, each delete conditional on the revision it read — an event
 * updated meanwhile stays.
 */
import type { Logger } from 'pino';
import type { KObject, ResourceType } from '../api/types.js';
import type { ObjectStorage } from './registry/storage.js';

/** When an event last changed, as far as its fields say. */
export function lastActivity(event: KObject): number {
  const e = event as KObject & { lastTimestamp?: string | null; eventTime?: string | null; series?: { lastObservedTime?: string } };
  const times = [e.lastTimestamp, e.eventTime, e.series?.lastObservedTime, e.metadata?.creationTimestamp].map((t) => (t ? Date.parse(t) : NaN)).filter(Number.isFinite);
  return times.length ? Math.max(...times) : 0;
}

export function startEventExpiry(o: { storage: ObjectStorage; events: ResourceType; ttlMs: number; intervalMs: number; clock: () => Date; logger: Logger }): { sweep(now?: Date): Promise<number>; stop(): void } {
  let running: Promise<number> | undefined;
  const sweepOnce = async (now: Date): Promise<number> => {
    const cutoff = now.getTime() - o.ttlMs;
    let removed = 0;
    let next: string | undefined;
    do {
      const page = await o.storage.list(o.events, '', { limit: 500, continue: next });
      for (const event of page.items) {
        if (lastActivity(event) >= cutoff) continue;
        try {
          await o.storage.delete(o.events, event.metadata!.namespace ?? '', event.metadata!.name!, event.metadata!.resourceVersion!);
          removed++;
        } catch {
          // Changed or already gone since the page was read: not ours to remove now.
        }
      }
      next = page.continue;
    } while (next);
    return removed;
  };
  const sweep = (now = o.clock()) => (running ??= sweepOnce(now).finally(() => { running = undefined; }));
  const timer = setInterval(() => {
    sweep().then((n) => { if (n) o.logger.debug({ component: 'event-ttl', removed: n }, 'expired events removed'); },
      (err: unknown) => o.logger.warn({ component: 'event-ttl', err }, 'event expiry failed'));
  }, o.intervalMs);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
