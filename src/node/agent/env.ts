/**
 * A container's environment as the kubelet builds it (kubelet_pods.go makeEnvironmentVariables):
 * the service variables, then `envFrom` sources in order, then `env` entries, later ones winning; values may refer to
 * earlier variables as `$(NAME)` (`$$` escapes, unknown references stay as written);
 * command and args are expanded against the result. Missing ConfigMaps, Secrets or keys
 * that are not optional fail the container with upstream's messages
 * (CreateContainerConfigError).
 */
import type { Container, Pod } from '../../api/objects/index.js';
import type { KObject } from '../../api/types.js';
import { quantityNanos } from '../../api/defaults/pod.js';
import type { KeyValue } from '../runtime/types.js';
import { serviceEnv } from './service-env.js';

export class ContainerConfigError extends Error {}

export interface EnvSources {
  configMap(namespace: string, name: string): Promise<KObject | undefined>;
  secret(namespace: string, name: string): Promise<KObject | undefined>;
  /** Services of these namespaces, for the service environment variables (service-env.ts). */
  services?(namespaces: string[]): KObject[];
}

export interface EnvContext {
  pod: Pod;
  hostIP: string;
  podIP: string;
  /** Node allocatable, for resourceFieldRef of a limit the container does not set. */
  allocatable: Record<string, string>;
  sources: EnvSources;
}

type Obj = Record<string, unknown>;

/** Upstream's expansion.Expand: `$(VAR)` from `lookup`, `$$(VAR)` → `$(VAR)`, unknown left alone. */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = lookup(name);
      out += value ?? `$(${name})`;
      i = close;
    } else {
      out += c;
    }
  }
  return out;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export async function containerEnv(container: Container, ctx: EnvContext): Promise<KeyValue[]> {
  const namespace = ctx.pod.metadata.namespace ?? 'default';
  // Service variables come first: the container's own override them, and may refer to them.
  const vars = serviceEnv(ctx.pod, ctx.sources.services?.([namespace, 'default']) ?? []);
  for (const from of (container.envFrom as Obj[] | undefined) ?? []) {
    const prefix = typeof from.prefix === 'string' ? from.prefix : '';
    const cmRef = from.configMapRef as Obj | undefined;
    const secretRef = from.secretRef as Obj | undefined;
    const ref = cmRef ?? secretRef;
    if (!ref) continue;
    const name = String(ref.name ?? '');
    const kind = cmRef ? 'configmap' : 'secret';
    const obj = cmRef ? await ctx.sources.configMap(namespace, name) : await ctx.sources.secret(namespace, name);
    if (!obj) {
      if (ref.optional === true) continue;
      throw new ContainerConfigError(`${kind} "${name}" not found`);
    }
    for (const [key, value] of Object.entries(dataOf(obj, !cmRef))) {
      // Keys that are not valid variable names are skipped, as upstream does (with an event).
      if (ENV_NAME.test(prefix + key)) vars.set(prefix + key, value);
    }
  }
  for (const e of (container.env as Obj[] | undefined) ?? []) {
    const name = String(e.name ?? '');
    if (e.valueFrom) {
      const value = await valueFrom(e.valueFrom as Obj, container, ctx, namespace);
      if (value !== undefined) vars.set(name, value);
    } else {
      vars.set(name, expand(String(e.value ?? ''), (v) => vars.get(v)));
    }
  }
  return [...vars].map(([key, value]) => ({ key, value }));
}

function dataOf(obj: KObject, secret: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((obj.data as Record<string, string> | undefined) ?? {})) out[k] = secret ? Buffer.from(v, 'base64').toString('utf8') : v;
  if (!secret) for (const [k, v] of Object.entries((obj.binaryData as Record<string, string> | undefined) ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

async function valueFrom(from: Obj, container: Container, ctx: EnvContext, namespace: string): Promise<string | undefined> {
  if (from.fieldRef) return fieldRef(String((from.fieldRef as Obj).fieldPath ?? ''), ctx);
  if (from.resourceFieldRef) return resourceFieldRef(from.resourceFieldRef as Obj, container, ctx);
  const cm = from.configMapKeyRef as Obj | undefined;
  const secret = from.secretKeyRef as Obj | undefined;
  const ref = cm ?? secret;
  if (!ref) return undefined;
  const name = String(ref.name ?? '');
  const key = String(ref.key ?? '');
  const obj = cm ? await ctx.sources.configMap(namespace, name) : await ctx.sources.secret(namespace, name);
  if (!obj) {
    if (ref.optional === true) return undefined;
    throw new ContainerConfigError(`${cm ? 'configmap' : 'secret'} "${name}" not found`);
  }
  const value = dataOf(obj, !cm)[key];
  if (value === undefined) {
    if (ref.optional === true) return undefined;
    throw new ContainerConfigError(`couldn't find key ${key} in ${cm ? 'ConfigMap' : 'Secret'} ${namespace}/${name}`);
  }
  return value;
}

/** The pod metadata fields both env vars and downwardAPI volumes may name (undefined for others). */
export function podMetadataField(pod: Pod, path: string): string | undefined {
  const meta = pod.metadata;
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (subscript) return ((subscript[1] === 'labels' ? meta.labels : meta.annotations) ?? {})[subscript[2]!] ?? '';
  switch (path) {
    case 'metadata.name': return meta.name ?? '';
    case 'metadata.namespace': return meta.namespace ?? '';
    case 'metadata.uid': return meta.uid ?? '';
    default: return undefined;
  }
}

function fieldRef(path: string, ctx: EnvContext): string {
  const meta = podMetadataField(ctx.pod, path);
  if (meta !== undefined) return meta;
  switch (path) {
    case 'spec.nodeName': return ctx.pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName': return ctx.pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs': return ctx.hostIP;
    case 'status.podIP':
    case 'status.podIPs': return ctx.podIP;
    default: throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  }
}

function resourceFieldRef(ref: Obj, container: Container, ctx: EnvContext): string {
  return containerResourceValue(ref, container, ctx.allocatable);
}

/** Upstream ExtractContainerResourceValue: the value divided by the divisor, rounded up; an unset limit is the node's allocatable. */
export function containerResourceValue(ref: Obj, container: Container, allocatable: Record<string, string>): string {
  const [kind, name] = String(ref.resource ?? '').split('.', 2) as ['limits' | 'requests', string];
  const set = container.resources?.[kind]?.[name];
  const raw = set ?? (kind === 'limits' ? allocatable[name] : undefined) ?? '0';
  const value = quantityNanos(raw) ?? 0n;
  const divisor = quantityNanos(ref.divisor ?? '1') || 1_000_000_000n;
  return String((value + divisor - 1n) / divisor);
}
