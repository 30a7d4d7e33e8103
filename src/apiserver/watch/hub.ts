/**
 * One store watch per API server, fanned out in memory to every client watch (the role
 * of kube-apiserver's watch cache). Each store event is decoded at most once, when a
 * watcher needs the object, and printed once per event type for all watchers (as the
 * cacher's cachingObject serialises once). A ring of recent events, kept as stored text,
 * lets a watcher start from a recent resourceVersion without touching the store. Older
 * starting points get their own store watch, which replays history or fails with
 * CompactedError (→ 410 Expired).
 */
import type { KObject } from '../../api/types.js';
import { CompactedError, type Store, type Watch, type WatchEvent } from '../../store/types.js';
import { decodeObject, encodeWithRevision } from '../registry/codec.js';
import { ROOT } from '../registry/keys.js';

export interface HubEvent {
  revision: number;
  key: string;
  /** 'put' with no previous state is a creation. */
  kind: 'create' | 'update' | 'delete';
  /** Decoded current state (for deletes: the last state, with the delete's revision). Shared: never mutate. */
  readonly object: KObject;
  /** Decoded previous state, for updates and deletes. Shared: never mutate. */
  readonly previous?: KObject;
  /**
   * The watch stream line for this event: `{"type":<type>,"object":<object>}` and a
   * newline, exactly what JSON.stringify writes for it. Built once per event and type
   * and shared by every watcher.
   */
  line?(type: string): string;
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

/**
 * A store event, decoded only when someone looks: most events interest no watcher of
 * theirs (and a watcher without selectors never needs the object, only its JSON text).
 */
class StoreHubEvent implements HubEvent {
  readonly revision: number;
  readonly key: string;
  readonly kind: 'create' | 'update' | 'delete';
  private readonly source: WatchEvent;
  private decoded?: KObject;
  private decodedPrevious?: KObject;
  private json?: string;
  private lines?: Map<string, string>;

  constructor(e: WatchEvent) {
    this.source = e;
    this.revision = e.revision;
    this.key = e.kv.key;
    this.kind = e.type === 'delete' ? 'delete' : e.prevKv ? 'update' : 'create';
  }

  /** Deletes carry the delete's revision, as upstream's watch cache does. */
  private get objectRevision(): number {
    return this.kind === 'delete' ? this.source.revision : this.source.kv.modRevision;
  }

  get object(): KObject {
    return (this.decoded ??= decodeObject(this.source.kv, this.objectRevision));
  }

  get previous(): KObject | undefined {
    if (this.kind === 'create') return undefined;
    return (this.decodedPrevious ??= this.source.prevKv ? decodeObject(this.source.prevKv) : decodeObject(this.source.kv));
  }

  line(type: string): string {
    const cached = this.lines?.get(type);
    if (cached !== undefined) return cached;
    this.json ??= encodeWithRevision(this.source.kv, this.objectRevision);
    const text = `{"type":${JSON.stringify(type)},"object":${this.json}}\n`;
    (this.lines ??= new Map()).set(type, text);
    return text;
  }

  /** Drops what was decoded or printed for the dispatch; the ring keeps only the stored text. */
  release(): void {
    this.decoded = undefined;
    this.decodedPrevious = undefined;
    this.json = undefined;
    this.lines = undefined;
  }
}

export function toHubEvent(e: WatchEvent): HubEvent {
  return new StoreHubEvent(e);
}

interface Entry {
  prefix: string;
  subscriber: Subscriber;
}

export class WatchHub {
  private readonly store: Store;
  private readonly bufferSize: number;
  private readonly buffer: StoreHubEvent[] = [];
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
      onEvents: (events) => this.dispatch(events.map((e) => new StoreHubEvent(e))),
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
    if (backlog.length) {
      queueMicrotask(() => {
        if (this.entries.has(entry)) subscriber.onEvents(backlog);
        for (const e of backlog) e.release();
      });
    }
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

  private dispatch(events: StoreHubEvent[]): void {
    if (!events.length) return;
    for (const e of events) this.buffer.push(e);
    // Trimmed in steps of a quarter, not per event: splicing the front of a full ring on
    // every write would move all of it each time.
    if (this.buffer.length > this.bufferSize * 1.25) this.buffer.splice(0, this.buffer.length - this.bufferSize);
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
    // Watchers got what they need; buffered events keep only the stored text.
    for (const e of events) e.release();
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
