/**
 * Stored documents are the object's JSON without metadata.resourceVersion: the revision
 * is the store's, set on the way out (as kube-apiserver does with etcd's mod revision).
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

/** Parses a client-supplied resourceVersion; undefined when absent or not a revision we could have issued. */
export function parseResourceVersion(rv: string | undefined | null): number | undefined {
  if (rv === undefined || rv === null || rv === '') return undefined;
  if (!/^\d{1,15}$/.test(rv)) return NaN;
  return Number(rv);
}
