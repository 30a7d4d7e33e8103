/**
 * The ResourceQuota admission plugin (upstream plugin/pkg/admission/resourcequota), run
 * after validation on creates: an object that would take a namespace past a quota's
 * `hard` limits is refused with upstream's message; otherwise its usage is added to each
 * matching quota's `status.used` by compare-and-swap before the object is stored, so
 * concurrent creates cannot both squeeze under one limit. (Like upstream, a create that
 * fails after this over-counts until the quota controller recounts.)
 */
import { Forbidden } from '../../api/errors.js';
import type { Container, Pod } from '../../api/objects/index.js';
import type { KObject, ResourceType } from '../../api/types.js';
import { formatQuantity, isByteResource, quantityNanos } from '../../api/quota/quantity.js';
import { matchesScopes, objectUsage, type QuotaSpec, type Usage } from '../../api/quota/usage.js';
import type { KindCache } from '../registry/kind-cache.js';
import type { ObjectStorage } from '../registry/storage.js';
import type { AdmissionPlugin } from './types.js';

interface QuotaStatus { hard?: Record<string, string>; used?: Record<string, string> }

const print = (names: string[], values: (name: string) => bigint) =>
  names.map((n) => `${n}=${formatQuantity(values(n), isByteResource(n))}`).join(',');

/** Containers that leave a tracked compute resource unset (upstream's pod evaluator Constraints). */
function missingCompute(pod: Pod, tracked: string[]): string | undefined {
  const parts: string[] = [];
  for (const resource of tracked.sort()) {
    const [kind, name] = resource.includes('.') ? resource.split('.') as ['requests' | 'limits', string] : ['requests' as const, resource];
    if (name !== 'cpu' && name !== 'memory') continue;
    const lacking = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].filter((c: Container) => !(name in (c.resources?.[kind] ?? {}))).map((c) => c.name);
    if (lacking.length) parts.push(`${resource} for: ${lacking.join(',')}`);
  }
  return parts.length ? `must specify ${parts.join('; ')}` : undefined;
}

export function resourceQuotaAdmission(options: { quotas: KindCache; storage: ObjectStorage }): AdmissionPlugin {
  const refuse = (rt: ResourceType, obj: KObject, why: string) =>
    new Forbidden(`${rt.plural}${rt.group ? '.' + rt.group : ''} "${obj.metadata?.name ?? ''}" is forbidden: ${why}`);

  /** Checks one quota against the usage and returns the resources it tracks. */
  function evaluate(rt: ResourceType, obj: KObject, quota: KObject, usage: Usage): string[] {
    const name = quota.metadata!.name!;
    const spec = (quota.spec ?? {}) as QuotaSpec;
    const status = (quota.status ?? {}) as QuotaStatus;
    if (!matchesScopes(rt.group, rt.plural, obj, spec)) return [];
    const hard = status.hard ?? {};
    const tracked = Object.keys(spec.hard ?? {}).filter((r) => usage.has(r) || (rt.plural === 'pods' && !rt.group && /^(requests\.|limits\.)?(cpu|memory)$/.test(r)));
    if (!tracked.length) return [];
    if (rt.plural === 'pods' && !rt.group) {
      const missing = missingCompute(obj as Pod, tracked.filter((r) => !usage.has(r)));
      if (missing) throw refuse(rt, obj, `failed quota: ${name}: ${missing}`);
    }
    const unknown = tracked.filter((r) => status.used?.[r] === undefined || hard[r] === undefined);
    if (unknown.length) throw refuse(rt, obj, `status unknown for quota: ${name}, resources: ${unknown.sort().join(',')}`);
    const used = (r: string) => quantityNanos(status.used![r]) ?? 0n;
    const exceeded = tracked.filter((r) => used(r) + (usage.get(r) ?? 0n) > (quantityNanos(hard[r]) ?? 0n)).sort();
    if (exceeded.length) {
      throw refuse(rt, obj, `exceeded quota: ${name}, requested: ${print(exceeded, (r) => usage.get(r) ?? 0n)}, used: ${print(exceeded, used)}, limited: ${print(exceeded, (r) => quantityNanos(hard[r]) ?? 0n)}`);
    }
    return tracked.filter((r) => usage.has(r));
  }

  return {
    async admitCreate() {
      // Quota is checked after validation (validateCreate): invalid objects never count.
    },
    async validateCreate(rt, obj, { dryRun }) {
      const namespace = obj.metadata?.namespace;
      if (!namespace || (rt.group === '' && rt.plural === 'resourcequotas')) return;
      const quotas = await options.quotas.list(namespace);
      if (!quotas.length) return;
      const usage = objectUsage(rt.group, rt.plural, obj);
      const charges: Array<{ quota: KObject; resources: string[] }> = [];
      for (const quota of [...quotas].sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1))) {
        const resources = evaluate(rt, obj, quota, usage);
        if (resources.length) charges.push({ quota, resources });
      }
      if (dryRun) return;
      for (const { quota } of charges) {
        await options.storage.update(options.quotas.rt, namespace, quota.metadata!.name!, (current) => {
          // Re-evaluated on the stored quota: another create may have charged it meanwhile.
          const resources = evaluate(rt, obj, current, usage);
          const status = (current.status ?? {}) as QuotaStatus;
          const used = { ...status.used };
          for (const r of resources) used[r] = formatQuantity((quantityNanos(used[r]) ?? 0n) + usage.get(r)!, isByteResource(r));
          return { ...current, status: { ...status, used } };
        });
      }
    },
  };
}
