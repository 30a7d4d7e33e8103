/**
 * Fans committed events out to watchers, with a gap-free handoff from history to live.
 *
 * The hub knows `revision`: every event up to it has been both committed and published
 * here. A new watcher replays the log from `fromRevision` up to that mark (in pages, off
 * the caller's stack) while live events published meanwhile wait in its buffer; those are
 * all newer than the mark, so replay + buffer is exactly the history, once, in order.
 */
import type { Watch, WatchEvent, WatchHandlers, WatchOptions } from '../types.js';
import type { HistoryPage } from './reader.js';

export interface WatchHubOptions {
  /** Revision of the newest published event at start (everything up to it is in the log). */
  revision: number;
  readHistory(options: { prefix: string; after: number; until: number; limit: number }): HistoryPage;
  /** A handler threw; the watch is ended with that error. */
  onHandlerError?(err: unknown): void;
  pageSize?: number;
}

interface Watcher {
  prefix: string;
  /** Events up to here were delivered (or skipped as not matching). */
  cursor: number;
  /** Replay reads the log up to here; then the buffer takes over. */
  replayUntil: number;
  replaying: boolean;
  buffer: WatchEvent[];
  stopped: boolean;
  handlers: WatchHandlers;
}

export class WatchHub {
  private revision: number;
  private readonly watchers = new Set<Watcher>();
  private readonly options: WatchHubOptions;
  private readonly pageSize: number;

  constructor(options: WatchHubOptions) {
    this.options = options;
    this.revision = options.revision;
    this.pageSize = options.pageSize ?? 500;
  }

  get size(): number {
    return this.watchers.size;
  }

  watch(options: WatchOptions, handlers: WatchHandlers): Watch {
    const watcher: Watcher = {
      prefix: options.prefix,
      cursor: options.fromRevision,
      replayUntil: this.revision,
      replaying: true,
      buffer: [],
      stopped: false,
      handlers,
    };
    this.watchers.add(watcher);
    // Even an error (compacted history) is reported asynchronously, never from watch().
    setImmediate(() => this.replay(watcher));
    return {
      stop: () => {
        watcher.stopped = true;
        this.watchers.delete(watcher);
      },
    };
  }

  /** Events of one commit, in revision order; `revision` is the newest after it. */
  publish(events: WatchEvent[], revision: number): void {
    this.revision = Math.max(this.revision, revision);
    if (!events.length) return;
    for (const watcher of this.watchers) {
      const mine = events.filter((e) => e.kv.key.startsWith(watcher.prefix));
      if (!mine.length) continue;
      if (watcher.replaying) watcher.buffer.push(...mine);
      else this.deliver(watcher, mine);
    }
  }

  /** Ends every watch with `err` (e.g. the writer died). */
  failAll(err: Error): void {
    for (const watcher of [...this.watchers]) this.fail(watcher, err);
  }

  /** Stops every watch without callbacks (the store is closing). */
  stopAll(): void {
    for (const watcher of this.watchers) watcher.stopped = true;
    this.watchers.clear();
  }

  private replay(watcher: Watcher): void {
    if (watcher.stopped) return;
    let page: HistoryPage;
    try {
      page = this.options.readHistory({
        prefix: watcher.prefix,
        after: watcher.cursor,
        until: watcher.replayUntil,
        limit: this.pageSize,
      });
    } catch (err) {
      this.fail(watcher, err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (page.events.length) this.deliver(watcher, page.events);
    if (watcher.stopped) return;
    if (page.full) {
      setImmediate(() => this.replay(watcher));
      return;
    }
    watcher.cursor = Math.max(watcher.cursor, watcher.replayUntil);
    watcher.replaying = false;
    const buffered = watcher.buffer;
    watcher.buffer = [];
    this.deliver(watcher, buffered);
  }

  private deliver(watcher: Watcher, events: WatchEvent[]): void {
    if (watcher.stopped || !events.length) return;
    const fresh = events[0].revision > watcher.cursor ? events : events.filter((e) => e.revision > watcher.cursor);
    if (!fresh.length) return;
    watcher.cursor = fresh[fresh.length - 1].revision;
    try {
      watcher.handlers.onEvents(fresh);
    } catch (err) {
      this.options.onHandlerError?.(err);
      this.fail(watcher, err instanceof Error ? err : new Error(String(err)));
    }
  }

  private fail(watcher: Watcher, err: Error): void {
    if (watcher.stopped) return;
    watcher.stopped = true;
    this.watchers.delete(watcher);
    try {
      watcher.handlers.onError(err);
    } catch (handlerErr) {
      this.options.onHandlerError?.(handlerErr);
    }
  }
}
