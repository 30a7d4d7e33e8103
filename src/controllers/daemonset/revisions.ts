/**
 * A DaemonSet's revisions (constructHistory, dedupCurHistories, cleanupHistory in
 * upstream's update.go). The current revision is the one whose data is the template
 * now; it is created if missing, or renumbered newest if it is an older one (a rollback).
 * DaemonSet revisions and pods carry the hash in `controller-revision-hash`.
 */
import type { ControllerRevision, DaemonSet, Pod } from '../../api/objects/index.js';
import { POD_REVISION_LABEL, sameData, sortByRevision } from '../history/index.js';
import type { DaemonContext } from './context.js';

export interface DaemonRevisions { current: ControllerRevision; old: ControllerRevision[]; collisionCount: number }

export async function constructHistory(dc: DaemonContext, ds: DaemonSet, claimed: ControllerRevision[], pods: Pod[]): Promise<DaemonRevisions> {
  const candidate = dc.history.build(ds, 0);
  const currents: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (let revision of claimed) {
    // Revisions from before the label existed are labelled with their name, which stands in for the hash.
    if (!revision.metadata.labels?.[POD_REVISION_LABEL]) {
      revision = await dc.history.revisions.update({ ...revision, metadata: { ...revision.metadata, labels: { ...revision.metadata.labels, [POD_REVISION_LABEL]: revision.metadata.name! } } }, { fieldManager: dc.fieldManager });
    }
    (sameData(revision, candidate) ? currents : old).push(revision);
  }
  const nextNumber = Math.max(0, ...old.map((r) => r.revision)) + 1;
  const collisionCount = { value: ds.status?.collisionCount ?? 0 };
  let current: ControllerRevision;
  if (!currents.length) {
    current = await dc.history.create(ds, dc.history.build(ds, nextNumber, {}), collisionCount, POD_REVISION_LABEL);
  } else {
    current = await dedup(dc, currents, pods);
    if (current.revision < nextNumber) current = await dc.history.renumber(current, nextNumber);
  }
  return { current, old, collisionCount: collisionCount.value };
}

/** Several revisions with the current data: keep the newest, move its pods' labels over, delete the rest. */
async function dedup(dc: DaemonContext, currents: ControllerRevision[], pods: Pod[]): Promise<ControllerRevision> {
  const keep = currents.reduce((best, r) => (r.revision >= best.revision ? r : best));
  if (currents.length === 1) return keep;
  const hash = keep.metadata.labels![POD_REVISION_LABEL]!;
  // Only the duplicates' pods: they have the current template under another hash.
  const duplicates = new Set(currents.filter((r) => r !== keep).map((r) => r.metadata.labels?.[POD_REVISION_LABEL]));
  for (const pod of pods) {
    if (!duplicates.has(pod.metadata.labels?.[POD_REVISION_LABEL])) continue;
    await dc.pods.patch(pod.metadata.name!, pod.metadata.namespace, 'merge', { metadata: { labels: { [POD_REVISION_LABEL]: hash } } }, { fieldManager: dc.fieldManager });
  }
  for (const r of currents) if (r !== keep) await dc.history.delete(r);
  return keep;
}

/** Deletes the oldest old revisions no pod still carries, beyond revisionHistoryLimit. */
export async function cleanupHistory(dc: DaemonContext, ds: DaemonSet, old: ControllerRevision[], pods: Pod[]): Promise<void> {
  let excess = old.length - (ds.spec.revisionHistoryLimit ?? 10);
  if (excess <= 0) return;
  const live = new Set(pods.map((p) => p.metadata.labels?.[POD_REVISION_LABEL]).filter(Boolean));
  for (const revision of sortByRevision(old)) {
    if (excess <= 0) break;
    if (live.has(revision.metadata.labels?.[POD_REVISION_LABEL])) continue;
    await dc.history.delete(revision);
    excess--;
  }
}
