/**
 * The namespace controller: when a namespace is marked for deletion, delete everything
 * in it, and once it is empty remove the `kubernetes` finalizer through the `finalize`
 * subresource, which lets the namespace itself go. Runs in the server's process on the
 * in-memory transport (the service), as the architecture allows.
 */
import type { Logger } from 'pino';
import { NotFound } from '../../api/errors.js';
import type { KObject, ResourceType } from '../../api/types.js';
import type { Catalogue } from '../../api/catalogue.js';
import type { ResourceService } from '../../apiserver/registry/service.js';
import type { WatchHub } from '../../apiserver/watch/hub.js';
import { deleteObject } from '../../apiserver/registry/deletion.js';
import { resourcePrefix } from '../../apiserver/registry/keys.js';
import { WorkQueue } from '../../client/workqueue.js';

export interface NamespaceControllerOptions {
  catalogue: Catalogue;
  service: ResourceService;
  hub: WatchHub;
  logger: Logger;
  clock: () => Date;
  /** How soon to look again while content with finalizers is still going away. */
  recheckMs?: number;
}

export function startNamespaceController(options: NamespaceControllerOptions): { stop(): void } {
  const { catalogue, service, hub, logger, clock } = options;
  const nsType = catalogue.byResource('', 'v1', 'namespaces')!;
  const log = logger.child({ component: 'namespace-controller' });

  /** One ResourceType per stored kind (several served versions share one key space). */
  const namespacedKinds = (): ResourceType[] => {
    const seen = new Map<string, ResourceType>();
    for (const rt of catalogue.all()) {
      if (!rt.namespaced || rt.virtual) continue;
      const key = `${rt.group}/${rt.plural}`;
      if (!seen.has(key)) seen.set(key, rt);
    }
    return [...seen.values()];
  };

  const reconcile = async (name: string) => {
    let ns: KObject;
    try {
      ns = await service.storage.get(nsType, '', name);
    } catch (err) {
      if (err instanceof NotFound) return;
      throw err;
    }
    if (!ns.metadata?.deletionTimestamp) return;
    let remaining = 0;
    for (const rt of namespacedKinds()) {
      const list = await service.storage.list(rt, name);
      for (const item of list.items) {
        remaining++;
        if (item.metadata?.deletionTimestamp) continue;
        try {
          await deleteObject(service.storage, rt, name, item.metadata!.name!, { propagationPolicy: 'Background' }, clock());
        } catch (err) {
          if (!(err instanceof NotFound)) throw err;
        }
      }
    }
    if (remaining > 0) {
      // Deleted now or held by finalizers: look again shortly (content events also requeue us).
      return { requeueAfterMs: options.recheckMs ?? 1000 };
    }
    const finalizers = ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).filter((f) => f !== 'kubernetes');
    try {
      await service.update(nsType, '', name, 'finalize', { ...ns, spec: { ...(ns.spec as object), finalizers } }, {
        dryRun: false, fieldManager: 'namespace-controller', fieldValidation: 'Ignore', warnings: [], now: clock(),
      });
    } catch (err) {
      // Another API server's controller (sharing the store) finished it first.
      if (err instanceof NotFound) return;
      throw err;
    }
    log.info({ namespace: name }, 'namespace deleted');
  };

  const queue = new WorkQueue({ reconcile, onError: (key, err) => log.warn({ namespace: key, err }, 'namespace cleanup failed; will retry') });
  const nsPrefix = resourcePrefix(nsType);
  const subscription = hub.subscribe({ prefix: '/registry/', fromRevision: hub.currentRevision() }, {
    onEvents(events) {
      for (const e of events) {
        if (e.key.startsWith(nsPrefix)) {
          if (e.object.metadata?.deletionTimestamp && e.kind !== 'delete') queue.add(e.object.metadata.name!);
        } else if (e.kind === 'delete' && e.object.metadata?.namespace) {
          queue.add(e.object.metadata.namespace);
        }
      }
    },
    onError(err) { log.error({ err }, 'watch failed'); },
  });
  void service.storage.list(nsType, '').then((list) => {
    for (const ns of list.items) if (ns.metadata?.deletionTimestamp) queue.add(ns.metadata.name!);
  }, (err) => log.error({ err }, 'initial namespace list failed'));
  return { stop() { subscription.stop(); queue.stop(); } };
}
