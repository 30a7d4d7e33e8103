/**
 * One store watch per API server, fanned out in memory to every client watch (the role
 * of kube-apiserver's watch cache). Each store event is decoded once and shared by all
 * watchers; a ring of recent events lets a watcher start from a recent resourceVersion
 * without touching the store. Older starting points get their own store watch, which
 * replays history or fails with CompactedError (→ 410 Expired).
 */
import type { KObject } from '../../api/types.js';
import { CompactedError, type Store, type Watch, type WatchEvent } from '../../store/types.js';
import { decodeObject } from '../registry/codec.js';
import { ROOT } from '../registry/keys.js';

export interface HubEvent {
  revision: number;
  key: string;
  /** 'put' with no previous state is a creation. */
  kind: 'create' | 'update' | 'delete';
  /** Decoded current state (for deletes: the last state, with the delete's revision). Shared: never mutate. */
  object: KObject;
  /** Decoded previous state, for updates and deletes. Shared: never mutate. */
  previous?: KObject;
}

export interface SubscribeOptions {
  prefix: string;
  /** Deliver events with revision > fromRevision. */
  fromRevision: number;
}

export interface Subscriber {
  onEvents(events: HubEvent[]): void;
  onError(err: Error): void;
}

export interface Subscription {
  stop(): void;
}

export interface WatchHubOptions {
  store: Store;
  /** How many recent events to keep for late starters. */
  bufferSize?: number;
}

export function toHubEvent(e: WatchEvent): HubEvent {
  if (e.type === 'delete') {
    return { revision: e.revision, key: e.kv.key, kind: 'delete', object: decodeObject(e.kv, e.revision), previous: e.prevKv ? decodeObject(e.prevKv) : decodeObject(e.kv) };
  }
  return { revision: e.revision, key: e.kv.key, kind: e.prevKv ? 'update' : 'create', object: decodeObject(e.kv), previous: e.prevKv ? decodeObject(e.prevKv) : undefined };
}

interface Entry {
  prefix: string;
  subscriber: Subscriber;
}

export class WatchHub {
  private readonly store: Store;
  private readonly bufferSize: number;
  private readonly buffer: HubEvent[] = [];
  private readonly entries = new Set<Entry>();
  private storeWatch?: Watch;
  /** Revision up to which the hub has seen everything. */
  private revision = 0;
  private stopped = false;

  constructor(options: WatchHubOptions) {
    this.store = options.store;
    this.bufferSize = options.bufferSize ?? 10_000;
  }

  async start(): Promise<void> {
    this.revision = await this.store.currentRevision();
    this.watchStore();
  }

  private watchStore(): void {
    if (this.stopped) return;
    this.storeWatch = this.store.watch({ prefix: ROOT, fromRevision: this.revision }, {
      onEvents: (events) => this.dispatch(events.map(toHubEvent)),
      onError: (err) => this.restart(err),
    });
  }

  /** The newest revision every subscriber has been (or is being) told about. */
  currentRevision(): number {
    return this.revision;
  }

  get watcherCount(): number {
    return this.entries.size;
  }

  subscribe(options: SubscribeOptions, subscriber: Subscriber): Subscription {
    const oldest = this.buffer.length ? this.buffer[0].revision : this.revision + 1;
    if (options.fromRevision + 1 < oldest) return this.subscribeToStore(options, subscriber);
    const entry: Entry = { prefix: options.prefix, subscriber };
    const backlog = this.buffer.filter((e) => e.revision > options.fromRevision && e.key.startsWith(options.prefix));
    this.entries.add(entry);
    if (backlog.length) queueMicrotask(() => { if (this.entries.has(entry)) subscriber.onEvents(backlog); });
    return { stop: () => { this.entries.delete(entry); } };
  }

  private subscribeToStore(options: SubscribeOptions, subscriber: Subscriber): Subscription {
    let stopped = false;
    const watch = this.store.watch({ prefix: options.prefix, fromRevision: options.fromRevision }, {
      onEvents: (events) => { if (!stopped) subscriber.onEvents(events.map(toHubEvent)); },
      onError: (err) => { if (!stopped) subscriber.onError(err); },
    });
    return { stop: () => { stopped = true; watch.stop(); } };
  }

  private dispatch(events: HubEvent[]): void {
    if (!events.length) return;
    for (const e of events) this.buffer.push(e);
    if (this.buffer.length > this.bufferSize) this.buffer.splice(0, this.buffer.length - this.bufferSize);
    this.revision = events[events.length - 1].revision;
    for (const entry of this.entries) {
      let mine: HubEvent[] | undefined;
      for (const e of events) {
        if (e.key.startsWith(entry.prefix)) (mine ??= []).push(e);
      }
      if (mine) {
        try {
          entry.subscriber.onEvents(mine);
        } catch (err) {
          this.entries.delete(entry);
          entry.subscriber.onError(err as Error);
        }
      }
    }
  }

  /**
   * The store watch broke (lost backend, or it fell behind compaction). Every watcher
   * ends — clients re-watch from their last revision or relist — and the hub resumes
   * from where it was, or from now when that history is gone.
   */
  private restart(err: Error): void {
    for (const entry of this.entries) entry.subscriber.onError(err);
    this.entries.clear();
    if (this.stopped) return;
    const timer = setTimeout(() => {
      void (async () => {
        if (err instanceof CompactedError) {
          this.buffer.length = 0;
          try { this.revision = await this.store.currentRevision(); } catch { /* retried by the next failure */ }
        }
        this.watchStore();
      })();
    }, 100);
    timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    this.storeWatch?.stop();
    for (const entry of this.entries) entry.subscriber.onError(new Error('server is shutting down'));
    this.entries.clear();
  }
}
