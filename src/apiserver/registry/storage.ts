/**
 * Objects over the Store: keys, encoding, resourceVersion, list paging, and the
 * read-modify-write loop (GuaranteedUpdate in kube-apiserver). Store errors become
 * Kubernetes StatusErrors here and nowhere else.
 */
import { AlreadyExists, BadRequest, Conflict, Gone, NotFound, StatusError } from '../../api/errors.js';
import type { KObject, ResourceType } from '../../api/types.js';
import { CompactedError, FutureRevisionError, KeyExistsError, KeyNotFoundError, RevisionMismatchError, type KeyValue, type Store } from '../../store/types.js';
import { decodeObject, encodeObject, encodeWithRevision, parseResourceVersion } from './codec.js';
import { listPrefix, objectKey } from './keys.js';
import type { FieldSelector } from '../selectors/fields.js';
import type { LabelSelector } from '../selectors/labels.js';

export interface ListOptions {
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface EncodedListResult extends Omit<ListResult, 'items'> {
  /** Each item's JSON text. */
  items: string[];
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start })).toString('base64url');
}

function decodeContinue(value: string, prefix: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || !Number.isSafeInteger(parsed.rv) || parsed.rv <= 0 || typeof parsed.start !== 'string') throw new Error('bad');
    const start = parsed.start;
    if (start.includes('..') || start.startsWith('/')) throw new Error('bad');
    return { rv: parsed.rv, start: prefix + start };
  } catch {
    throw new BadRequest(`continue key is not valid: ${value.length > 80 ? value.slice(0, 80) + '…' : value}`);
  }
}

const TOO_OLD_CONTINUE = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/**
 * apimachinery's NewTooLargeResourceVersionError: a 504 to retry, with the cause client-go's
 * reflector looks for (IsTooLargeResourceVersion) to fall back to a fresh list.
 */
export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  return new StatusError(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

/** Maps store errors to API errors for one object. */
export function mapStoreError(err: unknown, rt: ResourceType, name: string): unknown {
  if (err instanceof KeyExistsError) return new AlreadyExists(rt.plural, rt.group, name);
  if (err instanceof KeyNotFoundError) return new NotFound(rt.plural, rt.group, name);
  if (err instanceof RevisionMismatchError) return new Conflict(rt.plural, rt.group, name);
  if (err instanceof CompactedError) return new Gone(`too old resource version: ${err.requested} (${err.compacted})`);
  if (err instanceof FutureRevisionError) return tooLargeResourceVersion(err.requested, err.current);
  return err;
}

export interface UpdateResult {
  object: KObject;
  previous: KObject;
  /** True when the update function returned the object unchanged and nothing was written. */
  noop: boolean;
}

export type UpdateFn = (current: KObject) => KObject | Promise<KObject>;

/** Sentinel an UpdateFn may return to ask for the object to be deleted instead (e.g. last finalizer removed). */
export const DELETE_OBJECT: KObject = Object.freeze({}) as KObject;

export class ObjectStorage {
  constructor(private readonly store: Store) {}

  async getRaw(rt: ResourceType, namespace: string, name: string): Promise<KeyValue | undefined> {
    return this.store.get(objectKey(rt, namespace, name));
  }

  async get(rt: ResourceType, namespace: string, name: string): Promise<KObject> {
    const kv = await this.store.get(objectKey(rt, namespace, name));
    if (!kv) throw new NotFound(rt.plural, rt.group, name);
    return decodeObject(kv);
  }

  async list(rt: ResourceType, namespace: string, options: ListOptions = {}): Promise<ListResult> {
    return this.listAs(rt, namespace, options, (kv, matches) => {
      const obj = decodeObject(kv);
      return matches(obj) ? obj : undefined;
    });
  }

  /**
   * `list` with each item as its JSON text (exactly JSON.stringify of list's item), for
   * responses that only print the items: no parse and print per item unless a selector
   * needs the object.
   */
  async listEncoded(rt: ResourceType, namespace: string, options: ListOptions = {}): Promise<EncodedListResult> {
    return this.listAs(rt, namespace, options, (kv, matches, filtering) => (!filtering || matches(decodeObject(kv)) ? encodeWithRevision(kv) : undefined));
  }

  private async listAs<T>(
    rt: ResourceType, namespace: string, options: ListOptions,
    take: (kv: KeyValue, matches: (obj: KObject) => boolean, filtering: boolean) => T | undefined,
  ): Promise<Omit<ListResult, 'items'> & { items: T[] }> {
    const prefix = listPrefix(rt, namespace);
    const limit = options.limit && options.limit > 0 ? Math.floor(options.limit) : 0;
    let revision: number | undefined;
    let startAfter: string | undefined;
    if (options.continue) {
      const token = decodeContinue(options.continue, prefix);
      revision = token.rv;
      startAfter = token.start;
    } else {
      const rv = parseResourceVersion(options.resourceVersion);
      if (rv !== undefined && Number.isNaN(rv)) throw new BadRequest(`invalid resource version: ${options.resourceVersion}`);
      // "Exact" reads at that revision; "NotOlderThan"/unset with N>0: the latest is not older than N.
      if (rv && options.resourceVersionMatch === 'Exact') revision = rv;
      else if (rv) {
        const current = await this.store.currentRevision();
        if (rv > current) throw tooLargeResourceVersion(rv, current);
      }
    }
    const selectorLabel = options.labelSelector;
    const selectorField = options.fieldSelector;
    const filtering = (selectorLabel && selectorLabel.requirements.length > 0) || (selectorField && selectorField.requirements.length > 0);
    const matches = (obj: KObject): boolean =>
      (!selectorLabel || selectorLabel.matches(obj.metadata?.labels)) && (!selectorField || selectorField.matches(obj));
    const items: T[] = [];
    let more = false;
    let lastKey: string | undefined;
    let remaining: number | undefined;
    // Read in chunks until the page is full; selectors may discard most of a chunk.
    for (;;) {
      const chunk = limit ? Math.max(limit - items.length, filtering ? 500 : 0) : 0;
      let result;
      try {
        result = await this.store.range({ prefix, startAfter, limit: chunk || undefined, revision });
      } catch (err) {
        if (err instanceof CompactedError) throw new Gone(options.continue ? TOO_OLD_CONTINUE : `too old resource version: ${err.requested} (${err.compacted})`);
        if (err instanceof FutureRevisionError) throw tooLargeResourceVersion(err.requested, err.current);
        throw err;
      }
      revision = result.revision;
      let consumed = 0;
      for (const kv of result.items) {
        consumed++;
        lastKey = kv.key;
        const item = take(kv, matches, !!filtering);
        if (item === undefined) continue;
        items.push(item);
        if (limit && items.length >= limit) break;
      }
      const leftInChunk = consumed < result.items.length;
      if (limit && items.length >= limit) {
        more = leftInChunk || result.more;
        if (more && !filtering && result.remaining !== undefined) remaining = result.remaining + (result.items.length - consumed);
        break;
      }
      if (!result.more) break;
      startAfter = lastKey;
    }
    const out: Omit<ListResult, 'items'> & { items: T[] } = { items, resourceVersion: String(revision) };
    if (more && lastKey !== undefined) {
      out.continue = encodeContinue({ rv: revision!, start: lastKey.slice(prefix.length) });
      if (remaining !== undefined) out.remainingItemCount = remaining;
    }
    return out;
  }

  async create(rt: ResourceType, obj: KObject): Promise<KObject> {
    const name = obj.metadata?.name ?? '';
    const key = objectKey(rt, obj.metadata?.namespace ?? '', name);
    try {
      const kv = await this.store.create(key, encodeObject(obj));
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(kv.modRevision) } };
    } catch (err) {
      throw mapStoreError(err, rt, name);
    }
  }

  /**
   * Read-modify-write with optimistic concurrency. `fn` sees the current object; when
   * the store moved underneath, the loop re-reads and calls `fn` again, unless `fn`
   * itself pinned a resourceVersion (then the caller gets the 409).
   */
  async update(rt: ResourceType, namespace: string, name: string, fn: UpdateFn, options: { dryRun?: boolean } = {}): Promise<UpdateResult> {
    const key = objectKey(rt, namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.store.get(key);
      if (!kv) throw new NotFound(rt.plural, rt.group, name);
      const current = decodeObject(kv);
      // fn gets its own copy: a second parse of the stored text is a deep copy at a third
      // of structuredClone's cost.
      const updated = await fn(decodeObject(kv));
      if (updated === DELETE_OBJECT) {
        if (options.dryRun) return { object: current, previous: current, noop: false };
        try {
          await this.store.delete(key, kv.modRevision);
          return { object: current, previous: current, noop: false };
        } catch (err) {
          if (err instanceof RevisionMismatchError && attempt < 20) continue;
          throw mapStoreError(err, rt, name);
        }
      }
      const pinned = updated.metadata?.resourceVersion;
      if (pinned !== undefined && pinned !== '' && pinned !== current.metadata!.resourceVersion) {
        throw new Conflict(rt.plural, rt.group, name);
      }
      const encoded = encodeObject(updated);
      // The stored text is what encodeObject(current) would print: compare with it directly.
      if (encoded === kv.value) {
        return { object: current, previous: current, noop: true };
      }
      if (options.dryRun) return { object: updated, previous: current, noop: false };
      try {
        const next = await this.store.update(key, encoded, kv.modRevision);
        updated.metadata = { ...updated.metadata, resourceVersion: String(next.modRevision) };
        return { object: updated, previous: current, noop: false };
      } catch (err) {
        // Always safe to go round again: a pinned resourceVersion that no longer matches
        // the fresh read fails the check above with a 409 (as GuaranteedUpdate does).
        if (err instanceof RevisionMismatchError && attempt < 20) continue;
        throw mapStoreError(err, rt, name);
      }
    }
  }

  async delete(rt: ResourceType, namespace: string, name: string, expectedResourceVersion: string): Promise<KObject> {
    try {
      const { kv, revision } = await this.store.delete(objectKey(rt, namespace, name), Number(expectedResourceVersion));
      return decodeObject(kv, revision);
    } catch (err) {
      throw mapStoreError(err, rt, name);
    }
  }

  currentRevision(): Promise<number> {
    return this.store.currentRevision();
  }
}

