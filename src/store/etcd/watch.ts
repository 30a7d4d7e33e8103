/**
 * Store watches on etcd's Watch RPC, one gRPC stream per watch.
 *
 * We do not use the etcd3 package's Watcher: on reconnect it resumes from the last
 * response *header* revision + 1, which can be past events it has not delivered yet,
 * and it drops the compact_revision of a compacted watch. Here a broken stream ends the
 * watch with onError instead; the caller re-watches from the last revision it saw,
 * exactly as it does after any other watch failure.
 */
import type { IDuplexStream, IEvent, IKeyValue, IWatchRequest, IWatchResponse, WatchClient } from 'etcd3';
import { CompactedError, StoreError, type KeyValue, type Watch, type WatchEvent, type WatchHandlers, type WatchOptions } from '../types.js';
import { backendError } from './errors.js';
import type { KeySpace } from './keys.js';

export interface StartWatchOptions {
  client: WatchClient;
  keys: KeySpace;
  watch: WatchOptions;
  handlers: WatchHandlers;
  /** Told the compacted revision whenever etcd reports one. */
  onCompacted(revision: number): void;
}

export function toKeyValue(keys: KeySpace, kv: IKeyValue): KeyValue {
  return {
    key: keys.decode(kv.key),
    value: kv.value.toString('utf8'),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

function toWatchEvent(keys: KeySpace, ev: IEvent): WatchEvent {
  const revision = Number(ev.kv.mod_revision);
  const prevKv = ev.prev_kv ? toKeyValue(keys, ev.prev_kv) : undefined;
  // The etcd3 package decodes enums as their proto names ("PUT"/"DELETE").
  if (String(ev.type).toUpperCase() === 'DELETE') {
    // etcd's delete event carries only the key and the delete revision; the Store
    // contract wants the last state there. prev_kv is missing only when the previous
    // revision was already compacted away.
    const kv: KeyValue = {
      key: keys.decode(ev.kv.key),
      value: prevKv?.value ?? '',
      createRevision: prevKv?.createRevision ?? 0,
      modRevision: revision,
    };
    return prevKv ? { type: 'delete', kv, prevKv, revision } : { type: 'delete', kv, revision };
  }
  const kv = toKeyValue(keys, ev.kv);
  return prevKv ? { type: 'put', kv, prevKv, revision } : { type: 'put', kv, revision };
}

export function startWatch(options: StartWatchOptions): Watch {
  const { keys, handlers } = options;
  const { key, rangeEnd } = keys.range(options.watch.prefix);
  let stopped = false;
  let stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
  // Highest revision delivered; events at or below it are never delivered again.
  let delivered = options.watch.fromRevision;

  const fail = (err: Error) => {
    if (stopped) return;
    stopped = true;
    stream?.cancel();
    handlers.onError(err);
  };

  const onResponse = (res: IWatchResponse) => {
    if (stopped) return;
    const compactRevision = Number(res.compact_revision);
    if (compactRevision > 0) {
      options.onCompacted(compactRevision);
      fail(new CompactedError(delivered, compactRevision));
      return;
    }
    if (res.canceled) {
      fail(new StoreError(`etcd watch canceled${res.cancel_reason ? `: ${res.cancel_reason}` : ''}`));
      return;
    }
    const events = res.events.map((ev) => toWatchEvent(keys, ev)).filter((ev) => ev.revision > delivered);
    // One onEvents call per revision: a transaction's events stay together, and a
    // consumer can treat each call as one consistent step.
    let start = 0;
    while (start < events.length && !stopped) {
      const revision = events[start]!.revision;
      let end = start + 1;
      while (end < events.length && events[end]!.revision === revision) end++;
      delivered = revision;
      handlers.onEvents(events.slice(start, end));
      start = end;
    }
  };

  options.client
    .watch()
    .then((s) => {
      stream = s;
      // Attached first: cancelling makes the stream emit a CANCELLED error.
      s.on('error', (err: Error) => fail(backendError('watch', err)));
      if (stopped) {
        s.cancel();
        return;
      }
      s.on('data', onResponse);
      s.on('end', () => fail(new StoreError('etcd watch stream ended')));
      s.write({
        create_request: {
          key,
          range_end: rangeEnd,
          start_revision: options.watch.fromRevision + 1,
          prev_kv: true,
        },
      });
    })
    .catch((err: unknown) => fail(backendError('watch', err)));

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      stream?.cancel();
    },
  };
}
