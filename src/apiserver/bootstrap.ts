/** Objects every cluster has from the first start, created when missing. */
import { AlreadyExists, NotFound } from '../api/errors.js';
import type { ResourceType } from '../api/types.js';
import type { ResourceService } from './registry/service.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Concurrently, so that on a first start the creates share one group commit. */
export async function ensureSystemNamespaces(service: ResourceService, namespaceType: ResourceType, clock: () => Date): Promise<void> {
  await Promise.all(SYSTEM_NAMESPACES.map((name) => ensureNamespace(service, namespaceType, name, clock)));
}

async function ensureNamespace(service: ResourceService, namespaceType: ResourceType, name: string, clock: () => Date): Promise<void> {
  try {
    await service.storage.get(namespaceType, '', name);
    return;
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
  }
  try {
    await service.create(namespaceType, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, {
      dryRun: false, fieldManager: 'kube-apiserver', fieldValidation: 'Ignore', warnings: [], now: clock(),
    });
  } catch (err) {
    // Another API server sharing the store may have won the race.
    if (!(err instanceof AlreadyExists)) throw err;
  }
}
