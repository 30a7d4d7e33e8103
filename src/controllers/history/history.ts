/**
 * An owner's ControllerRevisions, read from the shared informer and written through the
 * API (upstream's history.Interface): claim (adopt orphans matching the selector), create
 * with name-collision handling, renumber (a rollback reuses the old revision under a new
 * number), delete, and trimming to `revisionHistoryLimit`.
 */
import { claimCandidates, indexByControllerUid, indexOrphans } from '../runtime/indexes.js';
import type { ControllerRevision, PodTemplateSpec } from '../../api/objects/index.js';
import type { KObject } from '../../api/types.js';
import type { Client, ResourceClient } from '../../client/client.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { claimDependents } from '../runtime/adoption.js';
import { controllerRef } from '../runtime/pods.js';
import { revisionHash, revisionName, sameData, sortByRevision, templatePatch } from './revisions.js';

export interface RevisionOwner extends KObject {
  metadata: NonNullable<KObject['metadata']>;
  spec: { template: PodTemplateSpec; revisionHistoryLimit?: number };
}

export interface OwnerKind { apiVersion: string; kind: string }

export class RevisionHistory {
  readonly revisions: ResourceClient<ControllerRevision>;

  constructor(client: Client, private readonly cache: Informer<ControllerRevision>, private readonly kind: OwnerKind, private readonly fieldManager: string) {
    this.revisions = client.resource<ControllerRevision>(resources.controllerrevisions);
    indexByControllerUid(cache);
    indexOrphans(cache);
  }

  /**
   * The owner's revisions, sorted by number; orphans its selector matches are adopted
   * once `canAdopt` (a fresh read of the owner, see `freshOwnerCheck`) allows it.
   */
  async claim(owner: RevisionOwner, selects: (labels: Record<string, string> | undefined) => boolean, canAdopt: () => Promise<boolean>): Promise<ControllerRevision[]> {
    const owned = await claimDependents(claimCandidates(this.cache, owner), {
      owner, ownerRef: controllerRef(owner, this.kind.apiVersion, this.kind.kind),
      matches: (rev) => selects(rev.metadata.labels), resource: this.revisions, fieldManager: this.fieldManager, canAdopt,
    });
    return sortByRevision(owned);
  }

  /**
   * A new (unsaved) revision of the owner's current template: data is the rollback
   * patch, labels the template's plus `extraLabels`, annotations the owner's.
   */
  build(owner: RevisionOwner, revision: number, extraLabels: Record<string, string> = {}): ControllerRevision {
    return {
      apiVersion: 'apps/v1', kind: 'ControllerRevision',
      metadata: {
        namespace: owner.metadata.namespace,
        labels: { ...owner.spec.template.metadata?.labels, ...extraLabels },
        annotations: revisionAnnotations(owner),
        ownerReferences: [controllerRef(owner, this.kind.apiVersion, this.kind.kind)],
      },
      data: templatePatch(owner.spec.template),
      revision,
    };
  }

  /**
   * Creates `revision` named `<owner>-<hash>`. A name taken by a revision with other data
   * is a hash collision: `collisionCount` goes up and the next name is tried (upstream's
   * CreateControllerRevision). `label`, when given, receives the hash.
   */
  async create(owner: RevisionOwner, revision: ControllerRevision, collisionCount: { value: number }, label?: string): Promise<ControllerRevision> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const hash = revisionHash(revision.data, collisionCount.value);
      const candidate: ControllerRevision = {
        ...revision,
        metadata: { ...revision.metadata, name: revisionName(owner.metadata.name!, hash), labels: { ...revision.metadata.labels, ...(label ? { [label]: hash } : {}) } },
      };
      try {
        return await this.revisions.create(candidate, { fieldManager: this.fieldManager });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const existing = await this.revisions.get(candidate.metadata.name!, owner.metadata.namespace);
        if (sameData(existing, candidate)) return existing;
        collisionCount.value++;
      }
    }
    throw new Error(`could not find a free ControllerRevision name for ${owner.metadata.name} after 100 hash collisions`);
  }

  /** Gives an existing revision a new number (a rollback to it makes it the newest). */
  async renumber(revision: ControllerRevision, number: number): Promise<ControllerRevision> {
    if (revision.revision === number) return revision;
    return this.revisions.update({ ...revision, revision: number }, { fieldManager: this.fieldManager });
  }

  async delete(revision: ControllerRevision): Promise<void> {
    try {
      await this.revisions.delete(revision.metadata.name!, revision.metadata.namespace, { preconditions: { uid: revision.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Deletes the oldest revisions not in `live` until at most `limit` non-live ones
   * remain (`sorted` oldest first).
   */
  async truncate(sorted: ControllerRevision[], live: Set<string>, limit: number): Promise<void> {
    const historic = sorted.filter((r) => !live.has(r.metadata.name!));
    for (const revision of historic.slice(0, Math.max(0, historic.length - limit))) await this.delete(revision);
  }
}

/** The owner's annotations, as upstream copies them: the change cause is what `rollout history` prints. */
function revisionAnnotations(owner: RevisionOwner): Record<string, string> | undefined {
  const annotations = owner.metadata.annotations;
  return annotations && Object.keys(annotations).length ? { ...annotations } : undefined;
}
