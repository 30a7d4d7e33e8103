/**
 * Watch: a chunked stream of JSON events, started from a resourceVersion (events after
 * it), or from "now" after synthetic ADDED events for the current state (RV "" or "0",
 * or sendInitialEvents with the `k8s.io/initial-events-end` bookmark). Selectors are
 * applied to both the old and new state, so objects entering or leaving the selection
 * appear as ADDED / DELETED, as upstream's cacher does.
 */
import { BadRequest, Gone } from '../../api/errors.js';
import type { KObject, ResourceType } from '../../api/types.js';
import { CompactedError } from '../../store/types.js';
import { negotiate } from '../http.js';
import { listPrefix } from '../registry/keys.js';
import { parseResourceVersion } from '../registry/codec.js';
import type { FieldSelector } from '../selectors/fields.js';
import type { LabelSelector } from '../selectors/labels.js';
import type { HubEvent } from '../watch/hub.js';
import { apiVersion, type ApiContext, type RequestScope } from '../context.js';

/** A slow client is cut off rather than buffering without bound; it re-watches. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
const BOOKMARK_INTERVAL_MS = 60_000;

export interface WatchParams {
  namespace: string;
  labelSelector: LabelSelector;
  fieldSelector: FieldSelector;
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export async function serveWatch(api: ApiContext, scope: RequestScope, rt: ResourceType, params: WatchParams): Promise<void> {
  const { res, req } = scope;
  const form = negotiate(req.headers.accept).form;
  // Without selectors every event is in the selection, and the object need not be decoded.
  const filtering = params.labelSelector.requirements.length > 0 || params.fieldSelector.requirements.length > 0;
  const matches = (obj: KObject | undefined): boolean =>
    obj !== undefined && params.labelSelector.matches(obj.metadata?.labels) && params.fieldSelector.matches(obj);

  const rv = parseResourceVersion(params.resourceVersion);
  if (rv !== undefined && Number.isNaN(rv)) throw new BadRequest(`invalid resource version: ${params.resourceVersion}`);
  const initial = params.sendInitialEvents || rv === undefined || rv === 0;
  // The initial state comes from one consistent read; events follow from its revision.
  let startRevision = rv ?? 0;
  let initialItems: KObject[] = [];
  /** Outside the Table form the initial objects are only printed: their stored text will do. */
  let initialJson: string[] = [];
  if (initial) {
    const options = { labelSelector: params.labelSelector, fieldSelector: params.fieldSelector };
    if (form === 'table') {
      const list = await api.service.storage.list(rt, params.namespace, options);
      initialItems = list.items;
      startRevision = Number(list.resourceVersion);
    } else {
      const list = await api.service.storage.listEncoded(rt, params.namespace, options);
      initialJson = list.items;
      startRevision = Number(list.resourceVersion);
    }
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  api.metrics.watchers.inc({ resource: rt.plural });

  let sentColumns = false;
  const encode = (type: string, obj: KObject): string => {
    if (form === 'table' && type !== 'BOOKMARK' && type !== 'ERROR') {
      const table = api.toTable([obj], rt.printer, { includeObject: 'Metadata', now: api.clock() }) as KObject & { columnDefinitions?: unknown[] };
      if (sentColumns) table.columnDefinitions = [];
      sentColumns = true;
      return JSON.stringify({ type, object: table }) + '\n';
    }
    return JSON.stringify({ type, object: obj }) + '\n';
  };

  let lastRevision = startRevision;
  let done = false;
  let subscription: { stop(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let bookmarkTimer: NodeJS.Timeout | undefined;
  const finish = (): void => {
    if (done) return;
    done = true;
    subscription?.stop();
    clearTimeout(timer);
    clearInterval(bookmarkTimer);
    api.metrics.watchers.dec({ resource: rt.plural });
    if (!res.writableEnded) res.end();
  };
  const write = (text: string): void => {
    if (done) return;
    res.write(text);
    if (res.writableLength > MAX_BUFFERED_BYTES) finish();
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    const metadata: Record<string, unknown> = { resourceVersion: String(lastRevision) };
    if (annotations) metadata.annotations = annotations;
    write(encode('BOOKMARK', { kind: rt.kind, apiVersion: apiVersion(rt), metadata }));
  };

  req.on('close', finish);
  res.on('error', finish);
  void api.closing.then(finish);
  // Like --min-request-timeout: watches without timeoutSeconds end at a random point in [max/2, max].
  const seconds = params.timeoutSeconds !== undefined && params.timeoutSeconds > 0 ? params.timeoutSeconds : api.maxWatchSeconds * (1 + Math.random()) / 2;
  timer = setTimeout(finish, seconds * 1000);

  for (const obj of initialItems) write(encode('ADDED', obj));
  // Written in pieces of about 64 KiB rather than a chunk per object.
  let pending = '';
  for (const json of initialJson) {
    pending += `{"type":"ADDED","object":${json}}\n`;
    if (pending.length >= 65_536) { write(pending); pending = ''; }
  }
  if (pending) write(pending);
  if (params.sendInitialEvents && params.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });

  const prefix = listPrefix(rt, params.namespace);
  subscription = api.hub.subscribe({ prefix, fromRevision: startRevision }, {
    onEvents: (events: HubEvent[]) => {
      // One write per batch: every chunk costs a TLS record and a syscall.
      let out = '';
      for (const e of events) {
        if (e.revision <= lastRevision) continue;
        lastRevision = e.revision;
        // Updates and deletes always have a previous state.
        const now = e.kind === 'delete' ? false : !filtering || matches(e.object);
        const before = e.kind === 'create' ? false : !filtering || matches(e.previous);
        let type: EventType | undefined;
        if (e.kind === 'delete') type = before ? 'DELETED' : undefined;
        else if (now && before) type = 'MODIFIED';
        else if (now) type = 'ADDED';
        else if (before) type = 'DELETED';
        if (!type) continue;
        // A DELETED caused by leaving the selection carries the new state, as upstream.
        // The event's shared line is the same text encode() would print for it.
        out += form !== 'table' && e.line ? e.line(type) : encode(type, e.object);
      }
      if (out) write(out);
    },
    onError: (err: Error) => {
      if (err instanceof CompactedError) {
        write(JSON.stringify({ type: 'ERROR', object: new Gone(`too old resource version: ${err.requested} (${err.compacted})`).toStatus() }) + '\n');
      }
      finish();
    },
  });
  if (params.allowBookmarks) bookmarkTimer = setInterval(() => { lastRevision = Math.max(lastRevision, api.hub.currentRevision()); bookmark(); }, BOOKMARK_INTERVAL_MS);
}
