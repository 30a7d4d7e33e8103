/**
 * The built-in local-path storage, as k3s ships it (rancher/local-path-provisioner): the
 * default StorageClass `local-path`, volumes that are directories on one node. Skiff
 * keeps Rancher's provisioner name, `rancher.io/local-path`, so manifests, PVs and tools
 * written for k3s read the same here. Shared by the provisioner (which creates the PVs)
 * and the node agent (which removes a released volume's directory, then its PV).
 */
import { join, relative, isAbsolute } from 'node:path';
import type { StorageClass } from '../objects/index.js';
import { ANN_DEFAULT_CLASS } from './volumes.js';

export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
export const LOCAL_PATH_CLASS = 'local-path';
/** On a Node: the directory under which that node keeps local-path volumes (`<agent data dir>/storage`). */
export const ANN_LOCAL_PATH_ROOT = 'skiff.dev/local-path-root';
/** On a local-path PV: the node it was made on (as newer local-path-provisioner releases record it). */
export const ANN_LOCAL_PATH_NODE = 'local.path.provisioner/selected-node';

/** The default class `skiff server` creates when missing: k3s's, field for field. */
export function defaultLocalPathClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: LOCAL_PATH_CLASS, annotations: { [ANN_DEFAULT_CLASS]: 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}

/** `<root>/pvc-<uid>_<namespace>_<claim>`: the volume's directory, named as Rancher's provisioner names it. */
export function localPathDirectory(root: string, pvName: string, namespace: string, claim: string): string {
  return join(root, [pvName, namespace, claim].join('_'));
}

/** Whether `path` lies strictly inside `root` (never the root itself, never outside through `..`). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
