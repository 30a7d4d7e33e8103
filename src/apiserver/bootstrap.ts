/** Objects every cluster has from the first start, created when missing. */
import { AlreadyExists, NotFound } from '../api/errors.js';
import type { KObject, ResourceType } from '../api/types.js';
import type { ResourceService } from './registry/service.js';
import { SYSTEM_PRIORITY_CLASSES } from '../api/validation/scheduling.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Concurrently (as everything here), so that on a first start the creates share one group commit. */
export async function ensureSystemNamespaces(service: ResourceService, namespaceType: ResourceType, clock: () => Date): Promise<void> {
  await Promise.all(SYSTEM_NAMESPACES.map((name) => ensureObject(service, namespaceType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, clock)));
}

/** system-node-critical and system-cluster-critical (upstream's scheduling post-start hook). */
export async function ensureSystemPriorityClasses(service: ResourceService, priorityClassType: ResourceType, clock: () => Date): Promise<void> {
  await Promise.all(SYSTEM_PRIORITY_CLASSES.map((c) => ensureObject(service, priorityClassType, {
    apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: c.name }, value: c.value, description: c.description,
  }, clock)));
}

async function ensureObject(service: ResourceService, rt: ResourceType, obj: KObject, clock: () => Date): Promise<void> {
  const name = obj.metadata!.name!;
  try {
    await service.storage.get(rt, '', name);
    return;
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
  }
  try {
    await service.create(rt, '', obj, {
      dryRun: false, fieldManager: 'kube-apiserver', fieldValidation: 'Ignore', warnings: [], now: clock(),
    });
  } catch (err) {
    // Another API server sharing the store may have won the race.
    if (!(err instanceof AlreadyExists)) throw err;
  }
}
