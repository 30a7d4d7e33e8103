/** Objects every cluster has from the first start, created when missing. */
import { AlreadyExists, NotFound } from '../api/errors.js';
import type { ResourceType } from '../api/types.js';
import type { ResourceService } from './registry/service.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function ensureSystemNamespaces(service: ResourceService, namespaceType: ResourceType, clock: () => Date): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    try {
      await service.storage.get(namespaceType, '', name);
      continue;
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
}
