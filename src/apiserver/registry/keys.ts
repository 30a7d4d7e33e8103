/**
 * Where objects live in the Store. Like kube-apiserver's etcd layout:
 * `/registry/<group>/<plural>/<namespace>/<name>` for namespaced kinds and
 * `/registry/<group>/<plural>/<name>` for cluster-scoped ones (core group = `core`).
 * Keys do not carry the version: every served version of a kind shares one key space.
 */
import type { ResourceType } from '../../api/types.js';

export const ROOT = '/registry/';

type Keyed = Pick<ResourceType, 'group' | 'plural' | 'namespaced'>;

export function resourcePrefix(rt: Keyed): string {
  return `${ROOT}${rt.group || 'core'}/${rt.plural}/`;
}

/** Prefix of a list: all objects of the kind, or those of one namespace. */
export function listPrefix(rt: Keyed, namespace: string): string {
  return rt.namespaced && namespace ? `${resourcePrefix(rt)}${namespace}/` : resourcePrefix(rt);
}

export function objectKey(rt: Keyed, namespace: string, name: string): string {
  return rt.namespaced ? `${resourcePrefix(rt)}${namespace}/${name}` : `${resourcePrefix(rt)}${name}`;
}

export interface ParsedKey {
  group: string;
  plural: string;
  namespace: string;
  name: string;
}

export function parseKey(key: string): ParsedKey | undefined {
  if (!key.startsWith(ROOT)) return undefined;
  const parts = key.slice(ROOT.length).split('/');
  const group = parts[0] === 'core' ? '' : parts[0];
  if (parts.length === 4) return { group, plural: parts[1], namespace: parts[2], name: parts[3] };
  if (parts.length === 3) return { group, plural: parts[1], namespace: '', name: parts[2] };
  return undefined;
}
