/**
 * projected volumes: several sources in one directory — configMap and secret keys,
 * downwardAPI items, and a serviceAccountToken — merged in the order listed, with the
 * volume's `defaultMode` for files that set no mode (the kubelet's projected plugin).
 */
import type { Pod } from '../../../api/objects/index.js';
import type { Payload } from './atomic-writer.js';
import { downwardPayload } from './downward-api.js';
import { configMapData, itemsOf, keysPayload, modeOf, secretData } from './payload.js';
import type { VolumeSources } from './sources.js';

type Obj = Record<string, unknown>;

/** Upstream's default for serviceAccountToken.expirationSeconds: one hour. */
const DEFAULT_TOKEN_SECONDS = 3600;

export async function projectedPayload(sources: VolumeSources, pod: Pod, source: Obj, allocatable: Record<string, string>): Promise<Payload> {
  const namespace = pod.metadata.namespace ?? 'default';
  const defaultMode = modeOf(source.defaultMode);
  const payload: Payload = new Map();
  const add = (part: Payload) => {
    for (const [path, file] of part) payload.set(path, file);
  };
  for (const s of (source.sources as Obj[] | undefined) ?? []) {
    if (s.configMap) {
      const ref = s.configMap as Obj;
      const name = String(ref.name ?? '');
      const cm = await sources.configMap(namespace, name);
      if (!cm) {
        if (ref.optional === true) continue;
        throw new Error(`couldn't get configMap ${namespace}/${name}: configmaps "${name}" not found`);
      }
      add(keysPayload(configMapData(cm), itemsOf(ref), defaultMode, ref.optional === true, 'configmap'));
    } else if (s.secret) {
      const ref = s.secret as Obj;
      const name = String(ref.name ?? '');
      const secret = await sources.secret(namespace, name);
      if (!secret) {
        if (ref.optional === true) continue;
        throw new Error(`couldn't get secret ${namespace}/${name}: secrets "${name}" not found`);
      }
      add(keysPayload(secretData(secret), itemsOf(ref), defaultMode, ref.optional === true, 'secret'));
    } else if (s.downwardAPI) {
      add(downwardPayload(pod, ((s.downwardAPI as Obj).items as Obj[] | undefined) ?? [], defaultMode, allocatable));
    } else if (s.serviceAccountToken) {
      const ref = s.serviceAccountToken as Obj;
      const seconds = typeof ref.expirationSeconds === 'number' ? ref.expirationSeconds : DEFAULT_TOKEN_SECONDS;
      const audience = typeof ref.audience === 'string' && ref.audience ? ref.audience : undefined;
      let token: string;
      try {
        token = await sources.serviceAccountToken(pod, audience, seconds);
      } catch (err) {
        throw new Error(`failed to fetch token: ${(err as Error).message}`);
      }
      add(new Map([[String(ref.path ?? 'token'), { data: Buffer.from(token, 'utf8'), mode: defaultMode }]]));
    } else {
      throw new Error(`projected source ${Object.keys(s).join(', ')} is not supported by this node`);
    }
  }
  return payload;
}
