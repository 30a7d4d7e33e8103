/**
 * What an object uses of a namespace's quota, as upstream's quota evaluators count it:
 * pods (count, cpu/memory/ephemeral-storage requests and limits, extended resources),
 * services (count, node ports, load balancers), PVCs (count, storage requests), and
 * `count/<resource>.<group>` for every kind. Also which quota scopes an object falls in.
 */
import type { KObject } from '../types.js';
import type { Container, Pod, ResourceList } from '../objects/index.js';
import { podQOSClass } from '../defaults/pod.js';
import { quantityNanos } from './quantity.js';

export type Usage = Map<string, bigint>;

const ONE = 1_000_000_000n;
const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];

/** The object-count names a kind is known by: `count/pods`, and the legacy `pods`, `services`, … */
function countNames(group: string, plural: string): string[] {
  const names = [group ? `count/${plural}.${group}` : `count/${plural}`];
  if (!group && ['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims'].includes(plural)) names.push(plural);
  return names;
}

function isTerminalPod(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Sum over containers, but at least the largest init container (upstream's PodRequests rule), plus overhead. */
function podResources(pod: Pod, pick: (c: Container) => ResourceList | undefined): Map<string, bigint> {
  const total = new Map<string, bigint>();
  for (const c of pod.spec?.containers ?? []) {
    for (const [name, q] of Object.entries(pick(c) ?? {})) total.set(name, (total.get(name) ?? 0n) + (quantityNanos(q) ?? 0n));
  }
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [name, q] of Object.entries(pick(c) ?? {})) {
      const v = quantityNanos(q) ?? 0n;
      if (v > (total.get(name) ?? 0n)) total.set(name, v);
    }
  }
  for (const [name, q] of Object.entries(pod.spec?.overhead ?? {})) total.set(name, (total.get(name) ?? 0n) + (quantityNanos(q) ?? 0n));
  return total;
}

export function podUsage(pod: Pod): Usage {
  const usage: Usage = new Map();
  for (const name of countNames('', 'pods')) usage.set(name, ONE);
  if (isTerminalPod(pod)) return new Map(); // finished pods free their quota
  const requests = podResources(pod, (c) => c.resources?.requests);
  const limits = podResources(pod, (c) => c.resources?.limits);
  for (const [name, v] of requests) {
    if (COMPUTE.includes(name)) {
      usage.set(`requests.${name}`, v);
      usage.set(name, v);
    } else {
      usage.set(`requests.${name}`, v); // extended resources are quota'd as requests.<name>
    }
  }
  for (const [name, v] of limits) if (COMPUTE.includes(name)) usage.set(`limits.${name}`, v);
  return usage;
}

export function objectUsage(group: string, plural: string, obj: KObject): Usage {
  if (!group && plural === 'pods') return podUsage(obj as Pod);
  const usage: Usage = new Map();
  for (const name of countNames(group, plural)) usage.set(name, ONE);
  if (!group && plural === 'services') {
    const spec = (obj.spec ?? {}) as { type?: string; ports?: Array<{ nodePort?: number }> };
    const ports = spec.ports?.length ?? 0;
    if (spec.type === 'LoadBalancer') usage.set('services.loadbalancers', ONE);
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') usage.set('services.nodeports', BigInt(ports) * ONE);
  }
  if (!group && plural === 'persistentvolumeclaims') {
    const spec = (obj.spec ?? {}) as { storageClassName?: string; resources?: { requests?: ResourceList } };
    const storage = quantityNanos(spec.resources?.requests?.storage) ?? 0n;
    usage.set('requests.storage', storage);
    if (spec.storageClassName) {
      usage.set(`${spec.storageClassName}.storageclass.storage.k8s.io/requests.storage`, storage);
      usage.set(`${spec.storageClassName}.storageclass.storage.k8s.io/persistentvolumeclaims`, ONE);
    }
  }
  return usage;
}

export interface QuotaSpec {
  hard?: Record<string, string | number>;
  scopes?: string[];
  scopeSelector?: { matchExpressions?: Array<{ scopeName: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }> };
}

/** Whether `obj` is counted by a quota with these scopes (scopes apply to pods only; other kinds match an unscoped quota). */
export function matchesScopes(group: string, plural: string, obj: KObject, quota: QuotaSpec): boolean {
  const scopes = [...(quota.scopes ?? []).map((s) => ({ scopeName: s, operator: 'Exists' as const, values: undefined as string[] | undefined })), ...(quota.scopeSelector?.matchExpressions ?? [])];
  if (!scopes.length) return true;
  if (group || plural !== 'pods') return false;
  const pod = obj as Pod;
  return scopes.every((s) => {
    const holds = (() => {
      switch (s.scopeName) {
        case 'Terminating': return typeof pod.spec?.activeDeadlineSeconds === 'number';
        case 'NotTerminating': return typeof pod.spec?.activeDeadlineSeconds !== 'number';
        case 'BestEffort': return podQOSClass(pod.spec as never) === 'BestEffort';
        case 'NotBestEffort': return podQOSClass(pod.spec as never) !== 'BestEffort';
        case 'PriorityClass': {
          const name = pod.spec?.priorityClassName ?? '';
          if (s.operator === 'In') return (s.values ?? []).includes(name);
          if (s.operator === 'NotIn') return !(s.values ?? []).includes(name);
          if (s.operator === 'Exists') return name !== '';
          return name === '';
        }
        default: return false;
      }
    })();
    return s.scopeName === 'PriorityClass' || s.operator === 'Exists' || s.operator === 'In' ? holds : !holds;
  });
}
