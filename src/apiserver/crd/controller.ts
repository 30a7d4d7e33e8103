/**
 * Serves CustomResourceDefinitions, as apiextensions-apiserver does inside kube-apiserver:
 * every API server keeps its catalogue in step with the stored CRDs (so any server
 * answers for a new kind at once), writes the CRD's status (NamesAccepted, Established),
 * and on deletion removes the custom resources before letting the CRD go. All steps are
 * idempotent, so several servers sharing one store may run them at once.
 */
import type { Logger } from 'pino';
import { Conflict, NotFound } from '../../api/errors.js';
import type { Catalogue } from '../../api/catalogue.js';
import { crdStatus, definitionName, resourceTypesFromCRD } from '../../api/crd/index.js';
import type { KObject, ResourceType, SchemaDefinitions } from '../../api/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { deleteObject } from '../registry/deletion.js';
import { resourcePrefix } from '../registry/keys.js';
import type { ResourceService, WriteContext } from '../registry/service.js';
import type { WatchHub } from '../watch/hub.js';

export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export interface CrdControllerOptions {
  catalogue: Catalogue;
  service: ResourceService;
  hub: WatchHub;
  logger: Logger;
  clock: () => Date;
}

interface Registered {
  group: string;
  plural: string;
  versions: string[];
}

export async function startCrdController(options: CrdControllerOptions): Promise<{ stop(): void }> {
  const { catalogue, service, hub, clock } = options;
  const log = options.logger.child({ component: 'crd-controller' });
  const crdType = catalogue.byResource('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
  const registered = new Map<string, Registered>();

  const ctx = (): WriteContext => ({ dryRun: false, fieldManager: 'kube-apiserver', fieldValidation: 'Ignore', warnings: [], now: clock() });

  const unregister = (name: string): void => {
    const r = registered.get(name);
    if (!r) return;
    for (const v of r.versions) catalogue.removeType(r.group, v, r.plural);
    registered.delete(name);
  };

  /** Makes the catalogue serve exactly the CRD's served versions. */
  const register = (crd: KObject): void => {
    const name = crd.metadata!.name!;
    const conversion = resourceTypesFromCRD(crd);
    const previous = registered.get(name);
    const versions = conversion.types.map((t) => t.version);
    if (previous) {
      for (const v of previous.versions) {
        if (previous.group !== conversion.types[0]?.group || previous.plural !== conversion.types[0]?.plural || !versions.includes(v)) {
          catalogue.removeType(previous.group, v, previous.plural);
        }
      }
    }
    for (const rt of conversion.types) {
      const own: SchemaDefinitions = {};
      for (const ref of [rt.schemaRef, definitionName(rt.group, rt.version, rt.listKind ?? `${rt.kind}List`)]) {
        if (conversion.definitions[ref]) own[ref] = conversion.definitions[ref];
      }
      catalogue.addType(rt, own);
    }
    if (conversion.types.length) registered.set(name, { group: conversion.types[0].group, plural: conversion.types[0].plural, versions });
    else registered.delete(name);
  };

  /** Deletes every custom resource of the CRD; true when none are left. */
  const removeInstances = async (crd: KObject): Promise<boolean> => {
    const rt: ResourceType | undefined = resourceTypesFromCRD(crd).types[0]
      ?? (() => { const r = registered.get(crd.metadata!.name!); return r ? catalogue.byResource(r.group, r.versions[0], r.plural) : undefined; })();
    if (!rt) return true;
    const list = await service.storage.list(rt, '');
    for (const item of list.items) {
      if (item.metadata?.deletionTimestamp) continue;
      try {
        await deleteObject(service.storage, rt, item.metadata?.namespace ?? '', item.metadata!.name!, { propagationPolicy: 'Background' }, clock());
      } catch (err) {
        if (!(err instanceof NotFound)) throw err;
      }
    }
    return (await service.storage.list(rt, '', { limit: 1 })).items.length === 0;
  };

  const reconcile = async (name: string) => {
    let crd: KObject;
    try {
      crd = await service.storage.get(crdType, '', name);
    } catch (err) {
      if (err instanceof NotFound) { unregister(name); return; }
      throw err;
    }
    if (crd.metadata?.deletionTimestamp) {
      if (!(await removeInstances(crd))) return { requeueAfterMs: 1000 };
      unregister(name);
      const finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
      if (finalizers.length !== (crd.metadata.finalizers ?? []).length) {
        await service.update(crdType, '', name, '', { ...crd, metadata: { ...crd.metadata, finalizers } }, ctx());
      }
      return;
    }
    register(crd);
    if (!crd.metadata?.finalizers?.includes(CLEANUP_FINALIZER)) {
      crd = (await service.update(crdType, '', name, '', { ...crd, metadata: { ...crd.metadata, finalizers: [...(crd.metadata?.finalizers ?? []), CLEANUP_FINALIZER] } }, ctx())).object;
    }
    const status = crdStatus(crd, clock());
    if (JSON.stringify(status) !== JSON.stringify(crd.status)) {
      try {
        await service.update(crdType, '', name, 'status', { ...crd, status }, ctx());
      } catch (err) {
        if (!(err instanceof Conflict)) throw err;
        return { requeueAfterMs: 0 };
      }
    }
  };

  const queue = new WorkQueue({ reconcile, onError: (key, err) => log.warn({ crd: key, err }, 'reconcile failed; will retry') });
  // Register what exists before the server reports ready, then follow changes.
  const initial = await service.storage.list(crdType, '');
  for (const crd of initial.items) {
    try { register(crd); } catch (err) { log.error({ crd: crd.metadata?.name, err }, 'cannot serve CRD'); }
  }
  const prefix = resourcePrefix(crdType);
  const subscription = hub.subscribe({ prefix, fromRevision: Number(initial.resourceVersion) }, {
    onEvents(events) {
      for (const e of events) {
        const name = e.object.metadata!.name!;
        if (e.kind === 'delete') unregister(name);
        else {
          // Serve the new kind synchronously, so a create right after the CRD's can succeed.
          try { register(e.object); } catch (err) { log.error({ crd: name, err }, 'cannot serve CRD'); }
        }
        queue.add(name);
      }
    },
    onError(err) { log.error({ err }, 'CRD watch failed'); },
  });
  for (const crd of initial.items) queue.add(crd.metadata!.name!);
  return { stop() { subscription.stop(); queue.stop(); } };
}
