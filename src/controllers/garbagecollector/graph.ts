/**
 * The garbage collector's view of the cluster (upstream's GraphBuilder uidToNode): every
 * object of a watched resource by uid, with its owner references, and the reverse index
 * owner uid → dependents. The graph holds what the informers last reported; decisions to
 * delete are verified against the live API first (see collector.ts).
 */
import type { KObject, OwnerReference } from '../../api/types.js';
import type { DiscoveredResource } from '../runtime/discovery.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export interface GraphNode {
  uid: string;
  resource: DiscoveredResource;
  namespace: string | undefined;
  name: string;
  owners: OwnerReference[];
  /** The object as the informer last reported it (for resourceVersion and finalizers). */
  object: KObject;
}

export function isBeingDeleted(node: GraphNode): boolean {
  return Boolean(node.object.metadata?.deletionTimestamp);
}

export function hasFinalizer(obj: KObject, finalizer: string): boolean {
  return obj.metadata?.finalizers?.includes(finalizer) ?? false;
}

/** Deleted in the foreground: held until its blocking dependents are gone. */
export function isDeletingDependents(node: GraphNode): boolean {
  return isBeingDeleted(node) && hasFinalizer(node.object, FOREGROUND_FINALIZER);
}

export function isOrphaning(node: GraphNode): boolean {
  return isBeingDeleted(node) && hasFinalizer(node.object, ORPHAN_FINALIZER);
}

/** A human-readable identity for messages: `v1/ConfigMap, namespace: ns, name: x, uid: …`. */
export function describe(node: GraphNode): string {
  const { group, version } = node.resource.ref;
  return `[${group ? `${group}/${version}` : version}/${node.resource.kind}, namespace: ${node.namespace ?? ''}, name: ${node.name}, uid: ${node.uid}]`;
}

export class DependencyGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  has(uid: string): boolean {
    return this.nodes.has(uid);
  }

  /** Records the object; returns what was known before (undefined for a new one). */
  upsert(resource: DiscoveredResource, obj: KObject): { node: GraphNode; previous: GraphNode | undefined } | undefined {
    const meta = obj.metadata;
    if (!meta?.uid || !meta.name) return undefined;
    const previous = this.nodes.get(meta.uid);
    const node: GraphNode = { uid: meta.uid, resource, namespace: meta.namespace || undefined, name: meta.name, owners: meta.ownerReferences ?? [], object: obj };
    if (previous) this.unlink(previous);
    this.nodes.set(node.uid, node);
    for (const owner of node.owners) {
      let set = this.dependents.get(owner.uid);
      if (!set) this.dependents.set(owner.uid, (set = new Set()));
      set.add(node.uid);
    }
    return { node, previous };
  }

  remove(uid: string): GraphNode | undefined {
    const node = this.nodes.get(uid);
    if (!node) return undefined;
    this.unlink(node);
    this.nodes.delete(uid);
    return node;
  }

  /** Objects whose ownerReferences name `uid`. */
  dependentsOf(uid: string): GraphNode[] {
    const set = this.dependents.get(uid);
    if (!set) return [];
    const out: GraphNode[] = [];
    for (const dep of set) {
      const node = this.nodes.get(dep);
      if (node) out.push(node);
    }
    return out;
  }

  /** Dependents that hold `uid`'s foreground deletion: their reference to it has blockOwnerDeletion. */
  blockingDependentsOf(uid: string): GraphNode[] {
    return this.dependentsOf(uid).filter((dep) => dep.owners.some((r) => r.uid === uid && r.blockOwnerDeletion === true));
  }

  /** Every node of the resources `matches` picks (to forget them when a resource is no longer served). */
  nodesOf(matches: (r: DiscoveredResource) => boolean): GraphNode[] {
    return [...this.nodes.values()].filter((n) => matches(n.resource));
  }

  private unlink(node: GraphNode): void {
    for (const owner of node.owners) {
      const set = this.dependents.get(owner.uid);
      if (!set) continue;
      set.delete(node.uid);
      if (set.size === 0) this.dependents.delete(owner.uid);
    }
  }
}
