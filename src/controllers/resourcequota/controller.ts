/**
 * The resource quota controller (upstream's ResourceQuotaController): keeps every
 * quota's `status.hard` equal to its spec and `status.used` equal to what the namespace's
 * objects really use. Admission charges new objects; this controller recounts when a
 * quota's spec changes and when usage is given back (an object deleted, a pod finished,
 * a service changed) — as upstream's replenishment does. It does not recount on every
 * creation: an object admitted but not yet seen here would be counted out again, and a
 * concurrent create could slip past the limit.
 */
import type { KObject } from '../../api/types.js';
import type { ResourceRef } from '../../client/client.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { formatQuantity, isByteResource } from '../../api/quota/quantity.js';
import { matchesScopes, objectUsage, type QuotaSpec } from '../../api/quota/usage.js';
import type { Controller, ControllerContext } from '../runtime/context.js';

interface Quota extends KObject { spec?: QuotaSpec; status?: { hard?: Record<string, string>; used?: Record<string, string> } }

/** The kind whose objects a quota resource name counts. */
function refFor(resourceName: string): ResourceRef | undefined {
  if (/^(requests\.|limits\.)?(cpu|memory|ephemeral-storage)$/.test(resourceName) || resourceName === 'pods' || /^requests\.[^.]+\/.+$/.test(resourceName) || /^requests\.[a-z0-9-]+\.[a-z0-9.-]+\/.+$/.test(resourceName)) return resources.pods;
  if (resourceName.startsWith('services')) return resources.services;
  if (resourceName === 'persistentvolumeclaims' || resourceName === 'requests.storage' || resourceName.includes('.storageclass.storage.k8s.io/')) return resources.persistentvolumeclaims;
  const count = /^count\/([^.]+)(?:\.(.+))?$/.exec(resourceName);
  const [plural, group] = count ? [count[1]!, count[2] ?? ''] : [resourceName, ''];
  return Object.values(resources).find((r) => r.plural === plural && r.group === group && r.namespaced);
}

export function startResourceQuotaController(ctx: ControllerContext): Controller {
  const quotas = ctx.informers.for<Quota>(resources.resourcequotas);
  const client = ctx.client.resource<Quota>(resources.resourcequotas);
  const tracked = new Map<string, Informer>();
  const queue = new WorkQueue({ reconcile: (key) => reconcile(key), onError: (_k, err) => ctx.onError('resourcequota-controller', err) });
  const enqueueNamespace = (obj: KObject) => {
    for (const q of quotas.list(obj.metadata?.namespace ?? '')) queue.add(`${q.metadata!.namespace}/${q.metadata!.name}`);
  };
  /** An update gives usage back when what the object counts for changed (a pod finishing, a service losing its node ports). */
  const usageChanged = (ref: ResourceRef, before: KObject, after: KObject) => {
    const a = objectUsage(ref.group, ref.plural, before);
    const b = objectUsage(ref.group, ref.plural, after);
    return a.size !== b.size || [...a].some(([k, v]) => b.get(k) !== v);
  };

  /** The informer of a kind, watched from the first quota that counts it on. */
  const informerFor = (ref: ResourceRef): Informer => {
    const key = `${ref.group}/${ref.plural}`;
    let informer = tracked.get(key);
    if (!informer) {
      informer = ctx.informers.for(ref);
      // Usage is computed (twice) only where a quota counts it: most namespaces have none.
      informer.addHandler({ update: (o, n) => { if (quotas.list(n.metadata?.namespace ?? '').length && usageChanged(ref, o, n)) enqueueNamespace(n); }, delete: enqueueNamespace });
      tracked.set(key, informer);
    }
    return informer;
  };

  async function reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const quota = quotas.get(name, namespace);
    if (!quota) return;
    const hard = Object.fromEntries(Object.entries(quota.spec?.hard ?? {}).map(([k, v]) => [k, String(v)]));
    const used: Record<string, string> = {};
    const byKind = new Map<ResourceRef, string[]>();
    for (const resourceName of Object.keys(hard)) {
      const ref = refFor(resourceName);
      if (!ref) { used[resourceName] = '0'; continue; } // a kind Skiff does not serve
      byKind.set(ref, [...(byKind.get(ref) ?? []), resourceName]);
    }
    for (const [ref, names] of byKind) {
      const informer = informerFor(ref);
      await informer.waitForSync();
      const totals = new Map<string, bigint>(names.map((n) => [n, 0n]));
      for (const obj of informer.list(namespace)) {
        if (!matchesScopes(ref.group, ref.plural, obj, quota.spec ?? {})) continue;
        const usage = objectUsage(ref.group, ref.plural, obj);
        for (const n of names) totals.set(n, totals.get(n)! + (usage.get(n) ?? 0n));
      }
      for (const [n, v] of totals) used[n] = formatQuantity(v, isByteResource(n));
    }
    const status = { hard, used };
    if (JSON.stringify(quota.status ?? {}) === JSON.stringify(status)) return;
    try {
      await client.updateStatus({ ...quota, status });
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return; // the informer brings the newer quota and requeues it
      throw err;
    }
  }

  const synced = quotas.waitForSync().then(() => {
    quotas.addHandler({
      add: (q) => queue.add(`${q.metadata!.namespace}/${q.metadata!.name}`),
      // Not on status changes: those are admission's charges (see above).
      update: (o, q) => { if (JSON.stringify(o.spec) !== JSON.stringify(q.spec)) queue.add(`${q.metadata!.namespace}/${q.metadata!.name}`); },
    });
  });
  return { synced, stop: () => queue.stop() };
}
