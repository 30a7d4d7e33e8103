/**
 * configMap and secret volumes: the object's keys (or the listed items) as files. A
 * missing object fails the volume (`configmap "x" not found`) unless the volume is
 * `optional`, which then holds no files, as upstream.
 */
import type { Payload } from './atomic-writer.js';
import { configMapData, itemsOf, keysPayload, modeOf, secretData } from './payload.js';
import type { VolumeSources } from './sources.js';

type Obj = Record<string, unknown>;

export async function configMapPayload(sources: VolumeSources, namespace: string, source: Obj): Promise<Payload> {
  const name = String(source.name ?? '');
  const optional = source.optional === true;
  const cm = await sources.configMap(namespace, name);
  if (!cm) {
    if (optional) return new Map();
    throw new Error(`configmap "${name}" not found`);
  }
  return keysPayload(configMapData(cm), itemsOf(source), modeOf(source.defaultMode), optional, 'configmap');
}

export async function secretPayload(sources: VolumeSources, namespace: string, source: Obj): Promise<Payload> {
  const name = String(source.secretName ?? '');
  const optional = source.optional === true;
  const secret = await sources.secret(namespace, name);
  if (!secret) {
    if (optional) return new Map();
    throw new Error(`secret "${name}" not found`);
  }
  return keysPayload(secretData(secret), itemsOf(source), modeOf(source.defaultMode), optional, 'secret');
}
