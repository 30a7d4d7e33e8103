/**
 * What configMap and secret volumes (and their projected sources) hold: every key as a
 * file, or only the listed `items` at their `path` with their `mode`, as the kubelet's
 * MakePayload does. Modes default to the volume's `defaultMode` (0644).
 */
import type { KObject } from '../../../api/types.js';
import type { FileProjection, Payload } from './atomic-writer.js';

export const DEFAULT_MODE = 0o644;

export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

type Obj = Record<string, unknown>;

export function itemsOf(source: Obj): KeyToPath[] | undefined {
  const items = source.items as Obj[] | undefined;
  if (!Array.isArray(items) || !items.length) return undefined;
  return items.map((i) => ({ key: String(i.key ?? ''), path: String(i.path ?? ''), mode: typeof i.mode === 'number' ? i.mode : undefined }));
}

export function modeOf(value: unknown): number {
  return typeof value === 'number' ? value : DEFAULT_MODE;
}

/** A ConfigMap's keys as bytes: `data` (UTF-8) and `binaryData` (base64). */
export function configMapData(cm: KObject): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries((cm.data as Record<string, string> | undefined) ?? {})) out.set(k, Buffer.from(String(v), 'utf8'));
  for (const [k, v] of Object.entries((cm.binaryData as Record<string, string> | undefined) ?? {})) out.set(k, Buffer.from(String(v), 'base64'));
  return out;
}

/** A Secret's keys as bytes (`data` is base64; `stringData` never reaches a stored Secret). */
export function secretData(secret: KObject): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries((secret.data as Record<string, string> | undefined) ?? {})) out.set(k, Buffer.from(String(v), 'base64'));
  return out;
}

/**
 * Upstream MakePayload for configMap and secret volumes: the selected keys at their paths.
 * A listed key that is missing fails the volume unless it is `optional`
 * (`configmap references non-existent config key: K`).
 */
export function keysPayload(data: Map<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean, kind: 'configmap' | 'secret'): Payload {
  const payload: Payload = new Map<string, FileProjection>();
  if (!items) {
    for (const [key, bytes] of data) payload.set(key, { data: bytes, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const bytes = data.get(item.key);
    if (!bytes) {
      if (optional) continue;
      throw new Error(kind === 'configmap' ? `configmap references non-existent config key: ${item.key}` : `references non-existent secret key: ${item.key}`);
    }
    payload.set(item.path, { data: bytes, mode: item.mode ?? defaultMode });
  }
  return payload;
}
