/**
 * Every active namespace has a ServiceAccount named `default` (upstream's
 * ServiceAccountsController): created when a namespace appears, and again if someone
 * deletes it. An API client on the client library: namespace and service-account
 * informers feed a work queue keyed by namespace; the reconcile is level-based.
 */
import type { KObject } from '../../api/types.js';
import type { Client } from '../../client/client.js';
import { ApiError, isAlreadyExists, isNotFound } from '../../client/errors.js';
import { Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';

export interface ServiceAccountControllerOptions {
  client: Client;
  onError?(err: unknown): void;
}

export function startServiceAccountController(o: ServiceAccountControllerOptions): { synced: Promise<void>; stop(): void } {
  const namespaces = new Informer(o.client.resource({ group: '', version: 'v1', plural: 'namespaces', namespaced: false }), { onError: o.onError });
  const serviceAccounts = new Informer(o.client.resource({ group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true }), { fieldSelector: 'metadata.name=default', onError: o.onError });
  const accounts = o.client.resource({ group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true });

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

  const queue = new WorkQueue({ reconcile, onError: (_key, err) => o.onError?.(err) });
  const synced = Promise.all([namespaces.waitForSync(), serviceAccounts.waitForSync()]).then(() => {
    // Only once both caches are filled does "no default account here" mean it is missing.
    namespaces.addHandler({ add: (ns) => queue.add(ns.metadata!.name!), update: (_old, ns) => queue.add(ns.metadata!.name!) });
    serviceAccounts.addHandler({ delete: (sa) => queue.add(sa.metadata!.namespace!) });
  });
  namespaces.start();
  serviceAccounts.start();
  return {
    synced,
    stop() {
      namespaces.stop();
      serviceAccounts.stop();
      queue.stop();
    },
  };
}
