/**
 * The garbage collector's decisions (upstream's attemptToDeleteItem,
 * processDeletingDependentsItem and attemptToOrphan), taken per object:
 *
 * - a dependent whose owners are all gone is deleted; one that still has a live owner
 *   only loses its references to the dead ones. "Gone" is decided by a live GET of the
 *   owner (404, or a namesake with another uid), never by the cache alone;
 * - an owner deleted in the foreground (`foregroundDeletion` finalizer) has its
 *   dependents deleted, and loses the finalizer once no dependent with
 *   `blockOwnerDeletion: true` is left; dependents that have dependents of their own
 *   are deleted in the foreground too, so the wait goes down the whole chain;
 * - an owner deleted with `orphan` has its references removed from every dependent,
 *   then loses the finalizer.
 */
import type { KObject, OwnerReference } from '../../api/types.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import type { ControllerContext } from '../runtime/context.js';
import {
  describe, FOREGROUND_FINALIZER, hasFinalizer, isBeingDeleted, isDeletingDependents, isOrphaning, ORPHAN_FINALIZER,
  type DependencyGraph, type GraphNode,
} from './graph.js';
import type { Monitors } from './monitors.js';
import { removeFinalizer, removeOwnerReferences, unblockOwnerReferences } from './patches.js';

export const COMPONENT = 'garbage-collector-controller';
/** Owners known to be gone (upstream's absentOwnerCache): spares a GET per dependent. */
const ABSENT_CACHE_SIZE = 10_000;
/** Dependents patched at once when orphaning. */
const ORPHAN_CONCURRENCY = 16;

interface Classified {
  solid: OwnerReference[];
  dangling: OwnerReference[];
  /** Owners being deleted in the foreground, waiting for their dependents. */
  waiting: OwnerReference[];
  /** Owners of a kind discovery does not (yet) know: no decision possible. */
  unknown: OwnerReference[];
}

export class Collector {
  private readonly absent = new Set<string>();
  /** Dependents left undecided until discovery knows their owners' kinds. */
  private readonly awaitingDiscovery = new Set<string>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly graph: DependencyGraph,
    private readonly monitors: Monitors,
    private readonly enqueue: (key: string) => void,
  ) {}

  /** Remembers that `uid` no longer exists (the informer saw it deleted, or a GET did not find it). */
  markAbsent(uid: string): void {
    if (this.absent.size >= ABSENT_CACHE_SIZE) this.absent.delete(this.absent.values().next().value!);
    this.absent.add(uid);
  }

  isAbsent(uid: string): boolean {
    return this.absent.has(uid);
  }

  /** After a discovery: dependents whose owners' kinds were unknown get another look. */
  retryAwaitingDiscovery(): void {
    for (const uid of this.awaitingDiscovery) this.enqueue(`delete:${uid}`);
    this.awaitingDiscovery.clear();
  }

  async attemptToDelete(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node) return;
    if (isDeletingDependents(node)) return this.processDeletingDependents(node);
    // Already on its way out (with or without finalizers of others): nothing to add.
    if (isBeingDeleted(node) || !node.owners.length) return;
    // Every owner seen alive and not waiting on its dependents: not garbage, no need to ask the API.
    if (node.owners.every((ref) => this.seenAlive(ref))) return;

    const rc = this.ctx.client.resource(node.resource.ref);
    let latest: KObject;
    try {
      latest = await rc.get(node.name, node.namespace);
    } catch (err) {
      if (isNotFound(err)) return; // the informer will report the deletion
      throw err;
    }
    if (latest.metadata?.uid !== uid || latest.metadata?.deletionTimestamp) return;
    const refs = latest.metadata?.ownerReferences ?? [];
    if (!refs.length) return;

    const { solid, dangling, waiting, unknown } = await this.classify(node, refs);
    if (solid.length) {
      // A live owner keeps the object; references to the dead (and to owners waiting on us) go.
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      if (drop.size) await removeOwnerReferences(rc, latest, drop);
      return;
    }
    if (unknown.length) {
      this.awaitingDiscovery.add(uid);
      return;
    }
    if (waiting.length && this.graph.dependentsOf(uid).length) {
      // A dependent that itself deletes in the foreground would wait on us while we wait
      // on it: unblock our references to the waiting owners first (upstream's cycle breaker).
      if (this.graph.dependentsOf(uid).some(isDeletingDependents)) await unblockOwnerReferences(rc, latest, new Set(waiting.map((r) => r.uid)));
      return this.deleteObject(node, 'Foreground');
    }
    const policy = hasFinalizer(latest, ORPHAN_FINALIZER) ? 'Orphan' : hasFinalizer(latest, FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
    return this.deleteObject(node, policy);
  }

  /** An owner in foreground deletion: delete what blocks it; release it when nothing does. */
  private async processDeletingDependents(node: GraphNode): Promise<void> {
    const blocking = this.graph.blockingDependentsOf(node.uid);
    if (!blocking.length) {
      await removeFinalizer(this.ctx.client.resource(node.resource.ref), node.object, FOREGROUND_FINALIZER);
      return;
    }
    for (const dep of blocking) if (!isDeletingDependents(dep)) this.enqueue(`delete:${dep.uid}`);
  }

  /** An owner deleted with propagationPolicy Orphan: its dependents stay, without the reference. */
  async orphan(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node || !isOrphaning(node)) return;
    const failures: unknown[] = [];
    const dependents = this.graph.dependentsOf(uid);
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(ORPHAN_CONCURRENCY, dependents.length) }, async () => {
      while (next < dependents.length) {
        const dep = dependents[next++]!;
        await removeOwnerReferences(this.ctx.client.resource(dep.resource.ref), dep.object, new Set([uid])).catch((err: unknown) => { failures.push(err); });
      }
    }));
    if (failures.length) throw new Error(`orphaning dependents of ${describe(node)}: ${failures.map(String).join('; ')}`);
    await removeFinalizer(this.ctx.client.resource(node.resource.ref), node.object, ORPHAN_FINALIZER);
  }

  private seenAlive(ref: OwnerReference): boolean {
    const owner = this.graph.get(ref.uid);
    return owner !== undefined && !this.absent.has(ref.uid) && !isDeletingDependents(owner);
  }

  private async classify(node: GraphNode, refs: OwnerReference[]): Promise<Classified> {
    const out: Classified = { solid: [], dangling: [], waiting: [], unknown: [] };
    await Promise.all(refs.map(async (ref) => {
      const state = await this.ownerState(node, ref);
      out[state].push(ref);
    }));
    return out;
  }

  private async ownerState(node: GraphNode, ref: OwnerReference): Promise<keyof Classified> {
    if (this.absent.has(ref.uid)) return 'dangling';
    const resource = this.monitors.resourceFor(ref.apiVersion, ref.kind);
    if (!resource) return 'unknown';
    if (resource.ref.namespaced && !node.namespace) {
      // A cluster-scoped object cannot be owned by a namespaced one: the reference can never resolve.
      this.ctx.events(COMPONENT).event(node.object, 'Warning', 'OwnerRefInvalidNamespace',
        `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: , name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace ""`);
      return 'dangling';
    }
    let owner: KObject;
    try {
      owner = await this.ctx.client.resource(resource.ref).get(ref.name, resource.ref.namespaced ? node.namespace : undefined);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.markAbsent(ref.uid);
      return 'dangling';
    }
    if (owner.metadata?.uid !== ref.uid) {
      this.markAbsent(ref.uid);
      return 'dangling';
    }
    if (owner.metadata?.deletionTimestamp && hasFinalizer(owner, FOREGROUND_FINALIZER)) return 'waiting';
    return 'solid';
  }

  private async deleteObject(node: GraphNode, propagationPolicy: 'Background' | 'Foreground' | 'Orphan'): Promise<void> {
    try {
      await this.ctx.client.resource(node.resource.ref).delete(node.name, node.namespace, { propagationPolicy, preconditions: { uid: node.uid } });
    } catch (err) {
      // Gone already, or replaced by a namesake (the uid precondition failed): nothing of ours to delete.
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
  }
}
