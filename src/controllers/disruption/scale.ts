/**
 * The scale of a pod's controller (upstream's podControllerFinders): a
 * ReplicationController, a ReplicaSet not run by a Deployment, the Deployment running
 * one, a StatefulSet — from the shared informers — and, for any other kind, its `scale`
 * subresource, found through discovery. The controller must be the very object the pod's
 * reference names (same uid).
 */
import type { Deployment, ReplicaSet, ReplicationController, StatefulSet } from '../../api/objects/index.js';
import type { OwnerReference } from '../../api/types.js';
import { ApiError, isNotFound } from '../../client/errors.js';
import { resources } from '../../client/resources.js';
import type { ControllerContext } from '../runtime/context.js';
import { discoverResources, groupOf, type DiscoveredResource } from '../runtime/discovery.js';
import { controllerOf } from '../runtime/pods.js';

export type ControllerScale = (ref: OwnerReference, namespace: string) => Promise<{ uid: string; replicas: number } | undefined>;

/** How long a discovery answer is trusted before an unknown kind makes us ask again. */
const DISCOVERY_TTL_MS = 30_000;

const isKind = (ref: OwnerReference, kind: string, groups: string[]) => ref.kind === kind && groups.includes(groupOf(ref.apiVersion));

export function controllerScaleFinder(ctx: ControllerContext): { scaleOf: ControllerScale; synced(): Promise<void> } {
  const rcs = ctx.informers.for<ReplicationController>(resources.replicationcontrollers);
  const rss = ctx.informers.for<ReplicaSet>(resources.replicasets);
  const deployments = ctx.informers.for<Deployment>(resources.deployments);
  const statefulsets = ctx.informers.for<StatefulSet>(resources.statefulsets);
  let discovered: { at: number; byKind: Map<string, DiscoveredResource> } | undefined;

  async function resourceFor(ref: OwnerReference): Promise<DiscoveredResource | undefined> {
    const key = `${groupOf(ref.apiVersion)}/${ref.kind}`;
    const now = Date.now();
    if (!discovered || (!discovered.byKind.has(key) && now - discovered.at > DISCOVERY_TTL_MS)) {
      const { resources: found } = await discoverResources(ctx.client);
      discovered = { at: now, byKind: new Map(found.map((r) => [`${r.ref.group}/${r.kind}`, r])) };
    }
    return discovered.byKind.get(key);
  }

  async function viaScaleSubresource(ref: OwnerReference, namespace: string): Promise<{ uid: string; replicas: number } | undefined> {
    const resource = await resourceFor(ref);
    if (!resource) throw new Error(`no resource serves ${ref.apiVersion}, Kind=${ref.kind}`);
    if (!resource.subresources.includes('scale')) throw new Error(`${resource.ref.plural}${resource.ref.group ? '.' + resource.ref.group : ''} does not implement the scale subresource`);
    const rc = ctx.client.resource(resource.ref);
    const res = await ctx.client.transport.request({ method: 'GET', path: rc.path(namespace, ref.name, 'scale') });
    if (res.status === 404) return undefined;
    if (res.status < 200 || res.status >= 300) throw ApiError.fromStatus(res.status, res.body);
    const scale = res.body as { metadata?: { uid?: string }; spec?: { replicas?: number } };
    return scale.metadata?.uid === ref.uid ? { uid: ref.uid, replicas: scale.spec?.replicas ?? 0 } : undefined;
  }

  const scaleOf: ControllerScale = async (ref, namespace) => {
    if (isKind(ref, 'ReplicationController', [''])) {
      const rc = rcs.get(ref.name, namespace);
      return rc?.metadata.uid === ref.uid ? { uid: ref.uid, replicas: rc.spec?.replicas ?? 1 } : undefined;
    }
    if (isKind(ref, 'ReplicaSet', ['apps', 'extensions'])) {
      const rs = rss.get(ref.name, namespace);
      if (rs?.metadata.uid !== ref.uid) return undefined;
      const owner = controllerOf(rs);
      if (!owner || !isKind(owner, 'Deployment', ['apps', 'extensions'])) return { uid: rs.metadata.uid, replicas: rs.spec.replicas ?? 1 };
      // A ReplicaSet run by a Deployment: the Deployment's scale is what counts.
      const deployment = deployments.get(owner.name, namespace);
      return deployment?.metadata.uid === owner.uid ? { uid: owner.uid, replicas: deployment.spec.replicas ?? 1 } : undefined;
    }
    if (isKind(ref, 'StatefulSet', ['apps'])) {
      const ss = statefulsets.get(ref.name, namespace);
      return ss?.metadata.uid === ref.uid ? { uid: ref.uid, replicas: ss.spec.replicas ?? 1 } : undefined;
    }
    try {
      return await viaScaleSubresource(ref, namespace);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const synced = () => Promise.all([rcs, rss, deployments, statefulsets].map((i) => i.waitForSync())).then(() => undefined);
  return { scaleOf, synced };
}
