/**
 * API discovery over the client (client-go's ServerPreferredResources): the resources
 * the server serves in each group's preferred version, with their verbs and
 * subresources. The garbage collector watches every deletable resource it finds here;
 * the disruption controller finds the scale subresource of unfamiliar pod controllers.
 *
 * A group version that fails to answer is reported in `failed` and left out, as
 * client-go's partial discovery does: one broken group must not stop the rest.
 */
import type { Client, ResourceRef } from '../../client/client.js';
import { ApiError } from '../../client/errors.js';

export interface DiscoveredResource {
  ref: ResourceRef;
  kind: string;
  verbs: string[];
  /** Subresource names (`status`, `scale`, …). */
  subresources: string[];
}

export interface Discovery {
  resources: DiscoveredResource[];
  /** Group versions that could not be read, with why. */
  failed: Array<{ groupVersion: string; error: unknown }>;
}

interface ApiResource { name: string; kind: string; namespaced: boolean; verbs?: string[] }
interface ApiResourceList { groupVersion?: string; resources?: ApiResource[] }
interface ApiGroupList { groups?: Array<{ name: string; preferredVersion?: { version: string }; versions?: Array<{ version: string }> }> }

async function getJson<T>(client: Client, path: string): Promise<T> {
  const res = await client.transport.request({ method: 'GET', path });
  if (res.status < 200 || res.status >= 300) throw ApiError.fromStatus(res.status, res.body);
  return res.body as T;
}

function resourcesOf(list: ApiResourceList, group: string, version: string): DiscoveredResource[] {
  const all = list.resources ?? [];
  const subresources = new Map<string, string[]>();
  for (const r of all) {
    const slash = r.name.indexOf('/');
    if (slash < 0) continue;
    const parent = r.name.slice(0, slash);
    subresources.set(parent, [...(subresources.get(parent) ?? []), r.name.slice(slash + 1)]);
  }
  return all.filter((r) => !r.name.includes('/')).map((r) => ({
    ref: { group, version, plural: r.name, namespaced: r.namespaced },
    kind: r.kind,
    verbs: r.verbs ?? [],
    subresources: subresources.get(r.name) ?? [],
  }));
}

export async function discoverResources(client: Client): Promise<Discovery> {
  const failed: Discovery['failed'] = [];
  const lists: Array<Promise<DiscoveredResource[]>> = [];
  const read = (path: string, group: string, version: string) => lists.push(
    getJson<ApiResourceList>(client, path).then((l) => resourcesOf(l, group, version), (error: unknown) => {
      failed.push({ groupVersion: group ? `${group}/${version}` : version, error });
      return [];
    }),
  );
  read('/api/v1', '', 'v1');
  const groups = await getJson<ApiGroupList>(client, '/apis');
  for (const g of groups.groups ?? []) {
    const version = g.preferredVersion?.version ?? g.versions?.[0]?.version;
    if (version) read(`/apis/${g.name}/${version}`, g.name, version);
  }
  return { resources: (await Promise.all(lists)).flat(), failed };
}

/** `apps/v1` → `apps`, `v1` → `` (the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
