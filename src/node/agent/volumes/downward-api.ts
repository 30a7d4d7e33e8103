/**
 * downwardAPI volume files (and projected downwardAPI sources): the pod's name, namespace,
 * uid, labels and annotations, or a container's resource requests and limits, as the
 * kubelet's downwardapi plugin writes them. All labels or annotations are `key="value"`
 * lines sorted by key, values quoted as Go's %q, no trailing newline.
 */
import type { Container, Pod } from '../../../api/objects/index.js';
import { containerResourceValue, podMetadataField } from '../env.js';
import type { Payload } from './atomic-writer.js';

type Obj = Record<string, unknown>;

/** Go's strconv.Quote for the strings labels and annotations hold. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${goQuote(m![k]!)}`).join('\n');
}

/** Upstream ExtractFieldPathAsString, for the fields a downwardAPI volume may name. */
export function podField(pod: Pod, path: string): string {
  if (path === 'metadata.labels') return formatMap(pod.metadata.labels);
  if (path === 'metadata.annotations') return formatMap(pod.metadata.annotations);
  const value = podMetadataField(pod, path);
  if (value === undefined) throw new Error(`unsupported fieldPath: ${path}`);
  return value;
}

/** A container's request or limit, as an env var's resourceFieldRef reads it. */
function containerResource(pod: Pod, ref: Obj, allocatable: Record<string, string>): string {
  const name = String(ref.containerName ?? '');
  const container = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c: Container) => c.name === name);
  if (!container) throw new Error(`container ${name} not found`);
  return containerResourceValue(ref, container, allocatable);
}

/** The files of a downwardAPI volume's `items`. */
export function downwardPayload(pod: Pod, items: Obj[], defaultMode: number, allocatable: Record<string, string>): Payload {
  const payload: Payload = new Map();
  for (const item of items) {
    const path = String(item.path ?? '');
    let value: string;
    if (item.fieldRef) value = podField(pod, String((item.fieldRef as Obj).fieldPath ?? ''));
    else if (item.resourceFieldRef) value = containerResource(pod, item.resourceFieldRef as Obj, allocatable);
    else throw new Error(`downwardAPI item ${path} has neither fieldRef nor resourceFieldRef`);
    payload.set(path, { data: Buffer.from(value, 'utf8'), mode: typeof item.mode === 'number' ? item.mode : defaultMode });
  }
  return payload;
}
