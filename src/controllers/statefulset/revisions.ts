/**
 * The current and update revisions of a set (getStatefulSetRevisions) and history
 * trimming (truncateHistory). The update revision is the one whose data is the set's
 * template now: the newest revision if it already is, an older one renumbered as newest
 * if the template went back to it (a rollback), or a new one. The current revision is
 * the one the status names, or the update revision for a new set.
 */
import type { ControllerRevision, Pod, StatefulSet } from '../../api/objects/index.js';
import { REVISION_HASH_LABEL, nextRevisionNumber, sameData } from '../history/index.js';
import type { SetContext } from './context.js';
import { podRevision } from './identity.js';
import type { Revisions } from './sync.js';

export async function setRevisions(sc: SetContext, set: StatefulSet, sorted: ControllerRevision[]): Promise<Revisions> {
  const collisionCount = { value: set.status?.collisionCount ?? 0 };
  const candidate = sc.history.build(set, nextRevisionNumber(sorted));
  const equal = sorted.filter((r) => sameData(r, candidate));
  const newest = sorted[sorted.length - 1];
  let update: ControllerRevision;
  if (equal.length && newest && equal[equal.length - 1] === newest) update = newest;
  else if (equal.length) update = await sc.history.renumber(equal[equal.length - 1]!, candidate.revision);
  else update = await sc.history.create(set, candidate, collisionCount, REVISION_HASH_LABEL);
  const current = sorted.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount: collisionCount.value };
}

/** Deletes the oldest revisions no pod and neither status revision uses, beyond revisionHistoryLimit. */
export async function truncateHistory(sc: SetContext, set: StatefulSet, pods: Pod[], sorted: ControllerRevision[], revs: Revisions | undefined): Promise<void> {
  const live = new Set(pods.map(podRevision));
  if (revs) {
    live.add(revs.current.metadata.name!);
    live.add(revs.update.metadata.name!);
  }
  await sc.history.truncate(sorted, live, set.spec.revisionHistoryLimit ?? 10);
}
