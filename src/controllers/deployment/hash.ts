/**
 * The pod-template-hash: names a Deployment's ReplicaSet after its template, as upstream's
 * ComputeHash does (FNV-32a over the template and the collision count, the decimal
 * number re-spelled in the alphabet of rand.SafeEncodeString, so it never reads as a word
 * or a number). Upstream hashes Go's dump of the struct, which cannot be reproduced;
 * this hashes a canonical JSON of the template instead: stable, but not byte-identical
 * to upstream's names.
 */
import type { PodTemplateSpec } from '../../api/objects/index.js';

export const POD_TEMPLATE_HASH = 'pod-template-hash';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * JSON with sorted keys, where absent, null, empty objects and empty lists are the same
 * thing (as Go's semantic equality treats unset and empty alike).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value)) ?? 'null';
}

function normalize(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.length ? value.map((v) => normalize(v) ?? null) : undefined;
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = normalize((value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value;
}

export function fnv32a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character replaced by a letter of an alphabet without vowels or look-alikes. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** The hash naming the ReplicaSet of `template`; a collision count changes it. */
export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  const text = new TextEncoder().encode(canonicalJson(template));
  let bytes = text;
  if (collisionCount !== undefined && collisionCount !== null) {
    // As upstream: the count as 4 little-endian bytes, in an 8-byte buffer.
    bytes = new Uint8Array(text.length + 8);
    bytes.set(text);
    new DataView(bytes.buffer).setUint32(text.length, collisionCount >>> 0, true);
  }
  return safeEncodeString(String(fnv32a(bytes)));
}

function withoutHash(template: PodTemplateSpec | undefined): unknown {
  const copy = structuredClone(template ?? {}) as PodTemplateSpec;
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH];
  return copy;
}

/**
 * Canonical text of a ReplicaSet's template without its hash label, remembered per
 * template object: informer objects are replaced, never changed, so a Deployment synced
 * on every pod event does not re-serialise every ReplicaSet's template each time.
 */
const canonicalWithoutHash = new WeakMap<object, string>();

function cachedKey(template: PodTemplateSpec | undefined): string {
  if (!template) return canonicalJson(withoutHash(template));
  let text = canonicalWithoutHash.get(template);
  if (text === undefined) canonicalWithoutHash.set(template, (text = canonicalJson(withoutHash(template))));
  return text;
}

/**
 * Whether ReplicaSet templates equal `template` but for the pod-template-hash label
 * (upstream's EqualIgnoreHash). The templates tested must be informer objects (never
 * mutated); `template` itself may be a working copy: it is read once, now.
 */
export function sameTemplateAs(template: PodTemplateSpec | undefined): (rsTemplate: PodTemplateSpec | undefined) => boolean {
  const key = canonicalJson(withoutHash(template));
  return (rsTemplate) => cachedKey(rsTemplate) === key;
}

/** Whether two templates are the same but for the pod-template-hash label (upstream's EqualIgnoreHash). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}
