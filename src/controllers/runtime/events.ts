/**
 * Events as client-go's record package writes them (core/v1 Events, which
 * `kubectl describe` and `kubectl get events` read): `<object>.<nanoseconds in hex>`
 * names, `involvedObject` pointing at the object, and repeats of the same event folded
 * into one with a rising `count` and `lastTimestamp`.
 *
 * Recording never blocks the caller or fails it: events go through a bounded queue,
 * written a few at a time; when the queue is full new events are dropped (as upstream's
 * broadcaster does), because a controller must not slow down for its own diagnostics.
 */
import { metaTime } from '../../api/time.js';
import type { KObject } from '../../api/types.js';
import type { Event } from '../../api/objects/index.js';
import type { Client, ResourceClient } from '../../client/client.js';
import { realClock, type Clock } from '../../client/clock.js';
import { isNotFound } from '../../client/errors.js';
import { resources } from '../../client/resources.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  client: Client;
  /** `source.component` / `reportingComponent`, e.g. `default-scheduler`. */
  component: string;
  host?: string;
  clock?: Clock;
  /** Events waiting to be written before new ones are dropped; default 1000. */
  queueLimit?: number;
  onError?(err: unknown): void;
}

interface Pending { obj: KObject; type: EventType; reason: string; message: string; at: Date }

const SIMILAR_WINDOW_MS = 10 * 60_000;
const IN_FLIGHT = 4;

export class EventRecorder {
  private readonly events: ResourceClient<Event>;
  private readonly clock: Clock;
  private readonly queue: Pending[] = [];
  /** Recent events by what makes them "the same", for counting repeats. */
  private readonly recent = new Map<string, { name: string; namespace: string; count: number; at: number }>();
  private inFlight = 0;
  /**
   * Sub-millisecond part of generated names, so two events in one millisecond differ;
   * starting at random, so two recorders (components) writing about one object in the
   * same millisecond do not pick the same name.
   */
  private sequence = Math.floor(Math.random() * 1_000_000);
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly o: EventRecorderOptions) {
    this.events = o.client.resource<Event>(resources.events);
    this.clock = o.clock ?? realClock;
  }

  event(obj: KObject, type: EventType, reason: string, message: string): void {
    if (this.queue.length >= (this.o.queueLimit ?? 1000)) return;
    this.queue.push({ obj, type, reason, message, at: this.clock.now() });
    this.pump();
  }

  /** Resolves once every recorded event has been written (tests). */
  flush(): Promise<void> {
    if (!this.queue.length && !this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < IN_FLIGHT && this.queue.length) {
      const next = this.queue.shift()!;
      this.inFlight++;
      this.write(next).catch((err: unknown) => this.o.onError?.(err)).finally(() => {
        this.inFlight--;
        this.pump();
        if (!this.inFlight && !this.queue.length) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    }
  }

  private async write(e: Pending): Promise<void> {
    const meta = e.obj.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const key = `${meta.uid}\u0000${e.type}\u0000${e.reason}\u0000${e.message}`;
    const now = e.at.getTime();
    const seen = this.recent.get(key);
    if (seen && now - seen.at < SIMILAR_WINDOW_MS) {
      seen.count++;
      seen.at = now;
      try {
        await this.events.patch(seen.name, seen.namespace, 'merge', { count: seen.count, lastTimestamp: metaTime(e.at) });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // Deleted meanwhile (TTL, or by hand): write it afresh below.
      }
    }
    const name = `${meta.name}.${(BigInt(now) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16)}`;
    const at = metaTime(e.at);
    await this.events.create({
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: e.obj.apiVersion, kind: e.obj.kind, name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion,
      },
      reason: e.reason, message: e.message, type: e.type,
      count: 1, firstTimestamp: at, lastTimestamp: at, eventTime: null,
      source: { component: this.o.component, ...(this.o.host ? { host: this.o.host } : {}) },
      reportingComponent: this.o.component, reportingInstance: this.o.host ?? '',
    } as Event);
    if (this.recent.size >= 4096) this.prune(now);
    this.recent.set(key, { name, namespace, count: 1, at: now });
  }

  private prune(now: number): void {
    for (const [key, entry] of this.recent) if (now - entry.at >= SIMILAR_WINDOW_MS || this.recent.size >= 4096) this.recent.delete(key);
  }
}
