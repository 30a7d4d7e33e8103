/**
 * Discovery documents, legacy (`/api`, `/apis`, `/api/v1`, `/apis/<g>/<v>`) and
 * aggregated (`apidiscovery.k8s.io` v2 and v2beta1, identical but for apiVersion).
 * kubectl 1.27–1.29 only ask for v2beta1, 1.30+ prefer v2; the response
 * Content-Type, not the body, tells the client which form it got.
 */
import { createHash } from 'node:crypto';
import { ALL_VERBS, apiVersionOf, type ResourceType, type Verb } from '../types.js';
import { compareVersions } from './versions.js';

export const DISCOVERY_CONTENT_TYPE = {
  v2: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  v2beta1: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
} as const;

export type AggregatedVersion = keyof typeof DISCOVERY_CONTENT_TYPE;

const SUBRESOURCE_VERBS: Verb[] = ['get', 'patch', 'update'];

/**
 * Which aggregated form an `Accept` header asks for, honouring the client's order;
 * undefined means answer with the legacy document.
 */
export function negotiateAggregated(accept: string | undefined): AggregatedVersion | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const params = new Map<string, string>();
    const [base, ...rest] = part.split(';').map((x) => x.trim());
    if (base !== 'application/json') continue;
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq > 0) params.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
    }
    if (params.get('g') !== 'apidiscovery.k8s.io' || params.get('as') !== 'APIGroupDiscoveryList') continue;
    const v = params.get('v');
    if (v === 'v2' || v === 'v2beta1') return v;
  }
  return undefined;
}

export function verbsOf(rt: ResourceType): Verb[] {
  if (rt.verbs) return [...rt.verbs].sort();
  return rt.virtual ? ['create'] : [...ALL_VERBS];
}

/** apimachinery's storage version hash: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(rt: Pick<ResourceType, 'group' | 'version' | 'kind'>): string {
  return createHash('sha256').update(`${rt.group}/${rt.version}/${rt.kind}`).digest().subarray(0, 8).toString('base64');
}

export interface GroupVersions {
  group: string;
  /** Preferred first. */
  versions: string[];
}

/** Groups in catalogue order (first appearance), versions preferred-first. */
export function groupVersions(types: readonly ResourceType[]): GroupVersions[] {
  const byGroup = new Map<string, Set<string>>();
  for (const rt of types) {
    let set = byGroup.get(rt.group);
    if (!set) byGroup.set(rt.group, (set = new Set()));
    set.add(rt.version);
  }
  return [...byGroup].map(([group, versions]) => ({ group, versions: [...versions].sort(compareVersions) }));
}

export function legacyApiVersions(options: { serverAddress?: string } = {}): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: options.serverAddress ?? '127.0.0.1:6443' }],
  };
}

function apiGroup(gv: GroupVersions): Record<string, unknown> {
  const versions = gv.versions.map((version) => ({ groupVersion: `${gv.group}/${version}`, version }));
  return { name: gv.group, versions, preferredVersion: versions[0] };
}

export function legacyApiGroupList(types: readonly ResourceType[]): Record<string, unknown> {
  const groups = groupVersions(types).filter((g) => g.group !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(apiGroup) };
}

/** `/apis/<group>`: a single APIGroup, or undefined when the group is not served. */
export function legacyApiGroup(types: readonly ResourceType[], group: string): Record<string, unknown> | undefined {
  const gv = groupVersions(types).find((g) => g.group === group && group !== '');
  return gv ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(gv) } : undefined;
}

function byName<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/** `/api/v1`, `/apis/<g>/<v>`: subresources are separate `name/sub` entries. */
export function apiResourceList(types: readonly ResourceType[], group: string, version: string): Record<string, unknown> | undefined {
  const served = types.filter((t) => t.group === group && t.version === version);
  if (served.length === 0) return undefined;
  const resources: Array<Record<string, unknown>> = [];
  for (const rt of served) {
    const main: Record<string, unknown> = {
      name: rt.plural,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: verbsOf(rt),
    };
    if (rt.shortNames?.length) main.shortNames = rt.shortNames;
    if (rt.categories?.length) main.categories = rt.categories;
    if (!rt.virtual) main.storageVersionHash = storageVersionHash(rt);
    resources.push(main);
    for (const sub of subresourcesOf(rt)) {
      const entry: Record<string, unknown> = { name: `${rt.plural}/${sub.name}`, singularName: '', namespaced: rt.namespaced };
      if (sub.group !== undefined) entry.group = sub.group;
      if (sub.version !== undefined) entry.version = sub.version;
      entry.kind = sub.kind;
      entry.verbs = sub.verbs;
      resources.push(entry);
    }
  }
  resources.sort(byName((r) => r.name as string));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

interface Sub {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: Verb[];
}

export function subresourcesOf(rt: ResourceType): Sub[] {
  const subs: Sub[] = [];
  if (rt.subresources?.status) subs.push({ name: 'status', kind: rt.kind, verbs: SUBRESOURCE_VERBS });
  if (rt.subresources?.scale) subs.push({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: SUBRESOURCE_VERBS });
  for (const extra of rt.subresources?.extra ?? []) subs.push({ ...extra, verbs: [...extra.verbs].sort() });
  return subs.sort(byName((s) => s.name));
}

export interface AggregatedOptions {
  /** true for `/api` (the core group only), false for `/apis` (every named group). */
  core: boolean;
  version: AggregatedVersion;
}

/** The `APIGroupDiscoveryList` body for `/api` or `/apis`. */
export function aggregatedDiscovery(types: readonly ResourceType[], options: AggregatedOptions): Record<string, unknown> {
  const groups = groupVersions(types).filter((g) => (options.core ? g.group === '' : g.group !== ''));
  const items = groups.map((g) => ({
    metadata: { name: g.group, creationTimestamp: null },
    versions: g.versions.map((version) => ({
      version,
      resources: types
        .filter((t) => t.group === g.group && t.version === version)
        .sort(byName((t) => t.plural))
        .map(aggregatedResource),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${options.version}`, metadata: {}, items };
}

function aggregatedResource(rt: ResourceType): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: rt.plural,
    responseKind: { group: '', version: '', kind: rt.kind },
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: verbsOf(rt),
  };
  if (rt.shortNames?.length) r.shortNames = rt.shortNames;
  if (rt.categories?.length) r.categories = rt.categories;
  const subs = subresourcesOf(rt);
  if (subs.length) {
    r.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? '', version: s.version ?? '', kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return r;
}
