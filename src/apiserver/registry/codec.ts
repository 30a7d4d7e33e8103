/**
 * Stored documents are the object's JSON without metadata.resourceVersion: the revision
 * is the store's, set on the way out (as kube-apiserver does with etcd's mod revision).
 *
 * Hot paths (LIST, watch fan-out) need the object's JSON rather than the object, and
 * `encodeWithRevision` produces exactly `JSON.stringify(decodeObject(kv, revision))`
 * without parsing: the stored text came from JSON.stringify, so parsing and printing it
 * again is the identity, and `decodeObject` only appends `resourceVersion` as the last
 * key of `metadata`. The text is spliced there instead.
 */
import type { KeyValue } from '../../store/types.js';
import type { KObject } from '../../api/types.js';

export function encodeObject(obj: KObject): string {
  const meta = obj.metadata;
  if (meta && meta.resourceVersion !== undefined) {
    const { resourceVersion: _rv, ...rest } = meta;
    return JSON.stringify({ ...obj, metadata: rest });
  }
  return JSON.stringify(obj);
}

export function decodeObject(kv: KeyValue, revision = kv.modRevision): KObject {
  const obj = JSON.parse(kv.value) as KObject;
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Index of the quote closing the string that opens at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  let i = start;
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i < 0) return -1;
    let slashes = 0;
    while (text.charCodeAt(i - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return i;
  }
}

/**
 * Where `metadata` sits in stored JSON text: the index of its value's `{`, of the
 * matching `}`, and whether the object is empty. Undefined when the text is not what
 * JSON.stringify writes for an object with a `metadata` object holding no resourceVersion.
 */
function locateMetadata(text: string): { open: number; close: number; empty: boolean } | undefined {
  if (text.charCodeAt(0) !== OPEN_BRACE) return undefined;
  let depth = 0;
  let open = -1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return undefined;
      if (text.charCodeAt(end + 1) === COLON) {
        // A key. Top-level "metadata" opens the object we are after; inside it, a
        // resourceVersion key means the stored text is not ours to splice.
        if (open < 0 && depth === 1 && end - i === 9 && text.startsWith('"metadata"', i)) {
          if (text.charCodeAt(end + 2) !== OPEN_BRACE) return undefined;
          open = end + 2;
          i = open;
          depth++;
          continue;
        }
        if (open >= 0 && depth === 2 && end - i === 16 && text.startsWith('"resourceVersion"', i)) return undefined;
      }
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (open >= 0 && depth === 1) return { open, close: i, empty: i === open + 1 };
      if (depth === 0) return undefined;
    }
  }
  return undefined;
}

/** `JSON.stringify(decodeObject(kv, revision))`, without the parse. */
export function encodeWithRevision(kv: KeyValue, revision = kv.modRevision): string {
  const at = locateMetadata(kv.value);
  if (!at) return JSON.stringify(decodeObject(kv, revision));
  const field = `"resourceVersion":"${revision}"`;
  return kv.value.slice(0, at.close) + (at.empty ? field : `,${field}`) + kv.value.slice(at.close);
}

/** Parses a client-supplied resourceVersion; undefined when absent or not a revision we could have issued. */
export function parseResourceVersion(rv: string | undefined | null): number | undefined {
  if (rv === undefined || rv === null || rv === '') return undefined;
  if (!/^\d{1,15}$/.test(rv)) return NaN;
  return Number(rv);
}
