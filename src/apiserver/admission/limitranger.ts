/**
 * The LimitRanger admission plugin (upstream plugin/pkg/admission/limitranger), on
 * creates:
 * - a pod's containers get the `default` limits and `defaultRequest` requests of the
 *   namespace's Container limit ranges for resources they leave unset, recorded in the
 *   `kubernetes.io/limit-ranger` annotation;
 * - pods (per container and per pod) and PVCs must respect `min`, `max` and
 *   `maxLimitRequestRatio`, with upstream's messages.
 * Pod updates are not checked: containers' resources cannot change after creation.
 */
import { Forbidden } from '../../api/errors.js';
import type { Container, Pod, ResourceList } from '../../api/objects/index.js';
import type { KObject, ResourceType } from '../../api/types.js';
import { podQOSClass } from '../../api/defaults/pod.js';
import { formatQuantity, isByteResource, quantityNanos } from '../../api/quota/quantity.js';
import type { KindCache } from '../registry/kind-cache.js';
import type { AdmissionPlugin } from './types.js';

interface LimitRangeItem {
  type?: string;
  max?: ResourceList;
  min?: ResourceList;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}

const text = (q: unknown): string => String(q);
const nanos = (q: unknown): bigint => quantityNanos(q) ?? 0n;

function minConstraint(kind: string, name: string, enforced: unknown, requests: ResourceList, limits: ResourceList): string | undefined {
  if (!(name in requests)) return `minimum ${name} usage per ${kind} is ${text(enforced)}.  No request is specified`;
  if (nanos(requests[name]) < nanos(enforced)) return `minimum ${name} usage per ${kind} is ${text(enforced)}, but request is ${text(requests[name])}`;
  if (name in limits && nanos(limits[name]) < nanos(enforced)) return `minimum ${name} usage per ${kind} is ${text(enforced)}, but limit is ${text(limits[name])}`;
  return undefined;
}

function maxConstraint(kind: string, name: string, enforced: unknown, requests: ResourceList, limits: ResourceList): string | undefined {
  if (!(name in limits)) return `maximum ${name} usage per ${kind} is ${text(enforced)}.  No limit is specified`;
  if (nanos(limits[name]) > nanos(enforced)) return `maximum ${name} usage per ${kind} is ${text(enforced)}, but limit is ${text(limits[name])}`;
  if (name in requests && nanos(requests[name]) > nanos(enforced)) return `maximum ${name} usage per ${kind} is ${text(enforced)}, but request is ${text(requests[name])}`;
  return undefined;
}

function ratioConstraint(kind: string, name: string, enforced: unknown, requests: ResourceList, limits: ResourceList): string | undefined {
  const request = nanos(requests[name]);
  const limit = nanos(limits[name]);
  if (request === 0n) return `${name} max limit to request ratio per ${kind} is ${text(enforced)}, but no request is specified or request is 0`;
  if (limit === 0n) return `${name} max limit to request ratio per ${kind} is ${text(enforced)}, but no limit is specified or limit is 0`;
  const ratio = Number(limit) / Number(request);
  if (ratio * 1e9 > Number(nanos(enforced))) return `${name} max limit to request ratio per ${kind} is ${text(enforced)}, but provided ratio is ${ratio.toFixed(6)}`;
  return undefined;
}

function check(kind: string, item: LimitRangeItem, requests: ResourceList, limits: ResourceList, errors: string[]): void {
  for (const [name, q] of Object.entries(item.min ?? {})) { const e = minConstraint(kind, name, q, requests, limits); if (e) errors.push(e); }
  for (const [name, q] of Object.entries(item.max ?? {})) { const e = maxConstraint(kind, name, q, requests, limits); if (e) errors.push(e); }
  for (const [name, q] of Object.entries(item.maxLimitRequestRatio ?? {})) { const e = ratioConstraint(kind, name, q, requests, limits); if (e) errors.push(e); }
}

/** Fills unset requests/limits from the defaults; returns the annotation's parts. */
function applyDefaults(c: Container, item: LimitRangeItem, prefix: string): string[] {
  const resources = (c.resources ??= {});
  const limits = (resources.limits ??= {});
  const requests = (resources.requests ??= {});
  const setLimits = Object.keys(item.default ?? {}).filter((k) => !(k in limits)).sort();
  for (const k of setLimits) limits[k] = item.default![k]!;
  const setRequests = Object.keys(item.defaultRequest ?? {}).filter((k) => !(k in requests)).sort();
  for (const k of setRequests) requests[k] = item.defaultRequest![k]!;
  if (!Object.keys(limits).length) delete resources.limits;
  if (!Object.keys(requests).length) delete resources.requests;
  const notes: string[] = [];
  if (setRequests.length) notes.push(`${setRequests.join(', ')} request for ${prefix} ${c.name}`);
  if (setLimits.length) notes.push(`${setLimits.join(', ')} limit for ${prefix} ${c.name}`);
  return notes;
}

/** Pod-level totals: containers summed, at least the largest init container. */
function podTotals(pod: Pod, pick: 'requests' | 'limits'): ResourceList {
  const total = new Map<string, bigint>();
  for (const c of pod.spec.containers ?? []) for (const [k, q] of Object.entries(c.resources?.[pick] ?? {})) total.set(k, (total.get(k) ?? 0n) + nanos(q));
  for (const c of pod.spec.initContainers ?? []) for (const [k, q] of Object.entries(c.resources?.[pick] ?? {})) if (nanos(q) > (total.get(k) ?? 0n)) total.set(k, nanos(q));
  return Object.fromEntries([...total].map(([k, v]) => [k, formatQuantity(v, isByteResource(k))]));
}

export function limitRangerAdmission(options: { limitRanges: KindCache }): AdmissionPlugin {
  const itemsIn = async (namespace: string): Promise<LimitRangeItem[]> =>
    (await options.limitRanges.list(namespace)).flatMap((lr) => ((lr.spec as { limits?: LimitRangeItem[] } | undefined)?.limits ?? []));
  const refuse = (rt: ResourceType, obj: KObject, errors: string[]) =>
    new Forbidden(`${rt.plural} "${obj.metadata?.name ?? ''}" is forbidden: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`);

  return {
    async admitCreate(rt, obj) {
      if (rt.group !== '' || (rt.plural !== 'pods' && rt.plural !== 'persistentvolumeclaims')) return;
      const items = await itemsIn(obj.metadata?.namespace ?? '');
      if (!items.length) return;
      const errors: string[] = [];
      if (rt.plural === 'persistentvolumeclaims') {
        const resources = ((obj.spec ?? {}) as { resources?: { requests?: ResourceList; limits?: ResourceList } }).resources ?? {};
        for (const item of items) if (item.type === 'PersistentVolumeClaim') check('PersistentVolumeClaim', item, resources.requests ?? {}, resources.limits ?? {}, errors);
        if (errors.length) throw refuse(rt, obj, errors);
        return;
      }
      const pod = obj as Pod;
      const notes: string[] = [];
      for (const item of items) {
        if (item.type !== 'Container') continue;
        for (const c of pod.spec.containers ?? []) notes.push(...applyDefaults(c, item, 'container'));
        for (const c of pod.spec.initContainers ?? []) notes.push(...applyDefaults(c, item, 'init container'));
      }
      if (notes.length) {
        pod.metadata.annotations = { ...pod.metadata.annotations, 'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${notes.join('; ')}` };
        if (pod.status) pod.status.qosClass = podQOSClass(pod.spec as never);
      }
      for (const item of items) {
        if (item.type === 'Container') {
          for (const c of [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])]) check('Container', item, c.resources?.requests ?? {}, c.resources?.limits ?? {}, errors);
        } else if (item.type === 'Pod') {
          check('Pod', item, podTotals(pod, 'requests'), podTotals(pod, 'limits'), errors);
        }
      }
      if (errors.length) throw refuse(rt, obj, errors);
    },
  };
}
