/**
 * Store watches on etcd's Watch RPC, one gRPC stream per watch.
 *
 * A broken stream ends the watch with onError rather than resuming on its own (resuming
 * from a response header's revision could skip events not yet delivered); the caller
 * re-watches from the last revision it saw, exactly as after any other watch failure.
 * A compacted watch reports etcd's compact_revision.
 */
import { CompactedError, StoreError, type KeyValue, type Watch, type WatchEvent, type WatchHandlers, type WatchOptions } from '../types.js';
import { backendError } from './errors.js';
import type { GrpcChannel, GrpcStream } from './grpc.js';
import type { KeySpace } from './keys.js';
import { decodeWatchResponse, encodeWatchCreateRequest, type RawEvent, type RawKeyValue, type WatchResponse } from './messages.js';

export interface StartWatchOptions {
  channel: GrpcChannel;
  keys: KeySpace;
  watch: WatchOptions;
  handlers: WatchHandlers;
  /** Told the compacted revision whenever etcd reports one. */
  onCompacted(revision: number): void;
}

export function toKeyValue(keys: KeySpace, kv: RawKeyValue): KeyValue {
  return {
    key: keys.decode(kv.key),
    value: kv.value.toString('utf8'),
    createRevision: kv.createRevision,
    modRevision: kv.modRevision,
  };
}

function toWatchEvent(keys: KeySpace, ev: RawEvent): WatchEvent {
  const revision = ev.kv.modRevision;
  const prevKv = ev.prevKv ? toKeyValue(keys, ev.prevKv) : undefined;
  if (ev.type === 'delete') {
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
  let stream: GrpcStream | undefined;
  // Highest revision delivered; events at or below it are never delivered again.
  let delivered = options.watch.fromRevision;

  const fail = (err: Error) => {
    if (stopped) return;
    stopped = true;
    stream?.cancel();
    handlers.onError(err);
  };

  const onResponse = (res: WatchResponse) => {
    if (stopped) return;
    const compactRevision = res.compactRevision;
    if (compactRevision > 0) {
      options.onCompacted(compactRevision);
      fail(new CompactedError(delivered, compactRevision));
      return;
    }
    if (res.canceled) {
      fail(new StoreError(`etcd watch canceled${res.cancelReason ? `: ${res.cancelReason}` : ''}`));
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

  stream = options.channel.stream('/etcdserverpb.Watch/Watch', {
    onMessage: (message) => {
      let res: WatchResponse;
      try {
        res = decodeWatchResponse(message);
      } catch (err) {
        fail(backendError('watch', err));
        return;
      }
      onResponse(res);
    },
    onEnd: (err) => fail(err ? backendError('watch', err) : new StoreError('etcd watch stream ended')),
  });
  stream.write(encodeWatchCreateRequest({ key, rangeEnd, startRevision: options.watch.fromRevision + 1, prevKv: true }));

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      stream?.cancel();
    },
  };
}
