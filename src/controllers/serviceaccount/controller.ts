/**
 * Every active namespace has a ServiceAccount named `default` (upstream's
 * ServiceAccountsController): created when a namespace appears, and again if someone
 * deletes it. An API client on the client library: namespace and service-account
 * informers feed a work queue keyed by namespace; the reconcile is level-based.
 */
import type { KObject } from '../../api/types.js';
import { ApiError, isAlreadyExists, isNotFound } from '../../client/errors.js';
import { resources } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../runtime/context.js';

export function startServiceAccountController(ctx: ControllerContext): Controller {
  const namespaces = ctx.informers.for(resources.namespaces);
  const serviceAccounts = ctx.informers.for(resources.serviceaccounts);
  const accounts = ctx.client.resource(resources.serviceaccounts);

  const reconcile = async (namespace: string): Promise<void> => {
    const ns = namespaces.get(namespace);
    if (!ns || ns.metadata?.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') return;
    if (serviceAccounts.get('default', namespace)) return;
    try {
      await accounts.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } } as KObject, { fieldManager: 'serviceaccount-controller' });
    } catch (err) {
      // Already there (our cache lags), or the namespace went away or started terminating meanwhile.
      if (isAlreadyExists(err) || isNotFound(err) || (err instanceof ApiError && err.status === 403)) return;
      throw err;
    }
  };

  const queue = new WorkQueue({ reconcile, onError: (_key, err) => ctx.onError('serviceaccount-controller', err) });
  const synced = Promise.all([namespaces.waitForSync(), serviceAccounts.waitForSync()]).then(() => {
    // Only once both caches are filled does "no default account here" mean it is missing.
    namespaces.addHandler({ add: (ns) => queue.add(ns.metadata!.name!), update: (_old, ns) => queue.add(ns.metadata!.name!) });
    serviceAccounts.addHandler({ delete: (sa) => { if (sa.metadata?.name === 'default') queue.add(sa.metadata.namespace!); } });
  });
  return { synced, stop: () => queue.stop() };
}
