/**
 * What a Deployment writes on its ReplicaSets' annotations and its own (upstream's
 * SetNewReplicaSetAnnotations and friends): the revision, the revision history of a
 * reused ReplicaSet, the desired and maximum replicas it was sized for, and the
 * Deployment's own annotations (e.g. `kubernetes.io/change-cause`, which `kubectl
 * rollout history` reads from the ReplicaSets).
 */
import type { Deployment, ReplicaSet } from '../../api/objects/index.js';
import { DESIRED_REPLICAS, MAX_REPLICAS, REVISION, REVISION_HISTORY, desiredReplicas, maxSurge } from './rollout-math.js';

/** Annotations of the Deployment that are its own, never copied to a ReplicaSet (nor back by `kubectl rollout undo`). */
export const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

/** Upstream's default cap on the revision-history annotation. */
export const MAX_REVISION_HISTORY_CHARS = 2000;

function annotationsOf(obj: { metadata: { annotations?: Record<string, string> } }): Record<string, string> {
  return (obj.metadata.annotations ??= {});
}

function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  const target = annotationsOf(rs);
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  if (!replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  const a = annotationsOf(rs);
  a[DESIRED_REPLICAS] = String(desired);
  a[MAX_REPLICAS] = String(max);
  return true;
}

/** The desired/max annotations a Deployment's ReplicaSets carry while it has its current size. */
export function replicasAnnotationsFor(d: Deployment): { desired: number; max: number } {
  return { desired: desiredReplicas(d), max: desiredReplicas(d) + maxSurge(d) };
}

/**
 * Brings the new ReplicaSet's annotations up to date; true if anything changed. Its
 * revision only ever rises (to `newRevision`, one above every old ReplicaSet): a
 * ReplicaSet brought back by a rollback keeps the revisions it had in `revision-history`.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: string, exists: boolean, historyLimit = MAX_REVISION_HISTORY_CHARS): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = annotationsOf(rs);
  const hadRevision = REVISION in a;
  const oldRevision = a[REVISION] ?? '';
  if (oldRevision !== '' && !/^-?\d+$/.test(oldRevision)) return false;
  if (!/^-?\d+$/.test(newRevision)) return false;
  const oldNumber = oldRevision === '' ? 0 : Number(oldRevision);
  if (oldNumber < Number(newRevision)) {
    a[REVISION] = newRevision;
    changed = true;
    if (hadRevision) appendRevisionHistory(a, oldRevision, historyLimit);
  }
  if (!exists) {
    const { desired, max } = replicasAnnotationsFor(d);
    if (setReplicasAnnotations(rs, desired, max)) changed = true;
  }
  return changed;
}

/** Appends `oldRevision` to the comma-separated history, dropping the oldest entries beyond `limit` characters. */
function appendRevisionHistory(a: Record<string, string>, oldRevision: string, limit: number): void {
  const history = a[REVISION_HISTORY] ?? '';
  if (!history) {
    a[REVISION_HISTORY] = oldRevision;
    return;
  }
  let entries = history.split(',');
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > limit && start < entries.length) {
    total -= entries[start]!.length + 1;
    start++;
  }
  if (total > limit) return;
  entries = [...entries.slice(start), oldRevision];
  a[REVISION_HISTORY] = entries.join(',');
}

/** Sets the Deployment's revision annotation; true if it changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const a = annotationsOf(d);
  if (a[REVISION] === revision) return false;
  a[REVISION] = revision;
  return true;
}
