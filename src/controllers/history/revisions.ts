/**
 * ControllerRevision data as upstream's StatefulSet and DaemonSet controllers write it
 * (pkg/controller/history and their getPatch): a revision's `data` is a strategic merge
 * patch that puts the pod template back, `{"spec":{"template":{…,"$patch":"replace"}}}`,
 * which is exactly what `kubectl rollout undo` sends to roll back. Two revisions are the
 * same when their data is; names are `<owner>-<hash>` with the hash taken over the data
 * and the owner's collision count, encoded with apimachinery's "safe" alphabet.
 */
import type { ControllerRevision, PodTemplateSpec } from '../../api/objects/index.js';

/** On StatefulSet revisions: the hash their name ends with (history.ControllerRevisionHashLabel). */
export const REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';
/**
 * On pods: which revision made them (a StatefulSet pod carries the revision's name, a
 * DaemonSet pod and revision its hash, as upstream does).
 */
export const POD_REVISION_LABEL = 'controller-revision-hash';

/** JSON with object keys sorted, so equal values give equal text (Go's encoding of maps). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>).sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 32-bit FNV-1 over the UTF-8 bytes (Go's hash/fnv New32, which the history package uses). */
export function fnv32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash = Math.imul(hash, 0x01000193) >>> 0;
    hash = (hash ^ byte) >>> 0;
  }
  return hash >>> 0;
}

/** apimachinery's rand.SafeEncodeString: no vowels, no look-alike digits, so no words. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += SAFE_ALPHABET[text.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/** The hash of a revision's data with the owner's collision count mixed in (HashControllerRevision). */
export function revisionHash(data: unknown, collisionCount?: number): string {
  let text = canonicalJson(data);
  if (collisionCount !== undefined) text += String(collisionCount);
  return safeEncode(String(fnv32(text)));
}

/** `<prefix>-<hash>`, the prefix cut to 223 characters so the name stays within 253. */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.slice(0, 223)}-${hash}`;
}

/** The data a revision of `template` holds: the rollback patch. */
export function templatePatch(template: PodTemplateSpec): Record<string, unknown> {
  return JSON.parse(canonicalJson({ spec: { template: { ...template, $patch: 'replace' } } })) as Record<string, unknown>;
}

/** The pod template a revision restores (its patch applied to any owner: the template is replaced whole). */
export function templateOf(revision: ControllerRevision): PodTemplateSpec | undefined {
  const template = ((revision.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template);
  if (!template || typeof template !== 'object') return undefined;
  const { $patch: _directive, ...rest } = template;
  return rest as unknown as PodTemplateSpec;
}

export function sameData(a: ControllerRevision, b: ControllerRevision): boolean {
  return canonicalJson(a.data) === canonicalJson(b.data);
}

/** By revision number, then age, then name (history.SortControllerRevisions). */
export function sortByRevision(revisions: ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort((a, b) => (a.revision - b.revision)
    || String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? ''))
    || String(a.metadata.name).localeCompare(String(b.metadata.name)));
}

/** One more than the highest revision number (1 for none); `sorted` as sortByRevision leaves it. */
export function nextRevisionNumber(sorted: ControllerRevision[]): number {
  return sorted.length ? sorted[sorted.length - 1]!.revision + 1 : 1;
}
