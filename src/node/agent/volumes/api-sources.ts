/**
 * Volume contents from the API: ConfigMaps, Secrets and claims from the agent's informers
 * (a GET when the cache has not seen one yet, so a pod created right after its ConfigMap
 * does not wait for the watch), PersistentVolumes by GET, service account tokens by
 * TokenRequest, each kept until 80% of its lifetime as the kubelet's token manager does.
 */
import type { PersistentVolumeClaim } from '../../../api/objects/index.js';
import type { KObject } from '../../../api/types.js';
import type { Client, ResourceRef } from '../../../client/client.js';
import { ApiError, isNotFound } from '../../../client/errors.js';
import type { Informer } from '../../../client/informer.js';
import { resources } from '../../../client/resources.js';
import type { VolumeSources } from './sources.js';

export function volumeSources(client: Client, caches: { configMaps: Informer<KObject>; secrets: Informer<KObject>; claims: Informer<PersistentVolumeClaim> }): VolumeSources {
  const get = async <T extends KObject>(ref: ResourceRef, name: string, namespace?: string): Promise<T | undefined> => {
    try {
      return await client.resource<T>(ref).get(name, namespace);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const tokens = new Map<string, { token: string; refreshAt: number }>();
  return {
    configMap: async (namespace, name) => caches.configMaps.get(name, namespace) ?? get(resources.configmaps, name, namespace),
    secret: async (namespace, name) => caches.secrets.get(name, namespace) ?? get(resources.secrets, name, namespace),
    // A claim not bound in the cache may be bound already: asked for afresh (the pod waits on it).
    pvc: async (namespace, name) => {
      const cached = caches.claims.get(name, namespace);
      return cached?.status?.phase === 'Bound' ? cached : get<PersistentVolumeClaim>(resources.persistentvolumeclaims, name, namespace);
    },
    pv: (name) => get(resources.persistentvolumes, name),
    async serviceAccountToken(pod, audience, expirationSeconds) {
      const namespace = pod.metadata.namespace ?? 'default';
      const account = pod.spec.serviceAccountName || 'default';
      const key = `${pod.metadata.uid}/${account}/${audience ?? ''}/${expirationSeconds}`;
      const cached = tokens.get(key);
      if (cached && Date.now() < cached.refreshAt) return cached.token;
      const res = await client.transport.request({
        method: 'POST', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(account)}/token`,
        body: {
          apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
          spec: { audiences: audience ? [audience] : [], expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid } },
        },
      });
      if (res.status < 200 || res.status >= 300) throw ApiError.fromStatus(res.status, res.body);
      const status = (res.body as { status?: { token?: string; expirationTimestamp?: string } }).status;
      if (!status?.token) throw new Error(`the TokenRequest for service account ${namespace}/${account} returned no token`);
      const expires = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : Date.now() + expirationSeconds * 1000;
      for (const [k, t] of tokens) if (t.refreshAt <= Date.now()) tokens.delete(k);
      tokens.set(key, { token: status.token, refreshAt: Date.now() + 0.8 * (expires - Date.now()) });
      return status.token;
    },
  };
}
