/**
 * A Deployment's ReplicaSets: claiming them (adopt matching orphans, release those that
 * stopped matching), and finding or creating the new one (upstream's
 * getAllReplicaSetsAndSyncRevision / getNewReplicaSet). The new ReplicaSet is the one
 * whose template equals the Deployment's, ignoring the hash label; it is named
 * `<deployment>-<pod-template-hash>` and its revision is one above every old one's.
 * A rollback (the template set back to an old one's) finds that old ReplicaSet again and
 * gives it the next revision.
 */
import { claimCandidates } from '../runtime/indexes.js';
import type { Deployment, ReplicaSet } from '../../api/objects/index.js';
import { labelSelectorFromObject } from '../../apiserver/selectors/labels.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import { controllerOf, controllerRef } from '../runtime/pods.js';
import { claimDependents, freshOwnerCheck } from '../runtime/adoption.js';
import { isNamespaceTerminating } from '../replicaset/pod-control.js';
import { setDeploymentRevision, setNewReplicaSetAnnotations } from './annotations.js';
import { PROGRESSING, Reasons, getCondition, hasProgressDeadline, newCondition, setCondition } from './conditions.js';
import { COMPONENT, RetrySync, saveDeployment, type Run } from './context.js';
import { POD_TEMPLATE_HASH, computeHash, equalIgnoreHash } from './hash.js';
import { REVISION, findNewReplicaSet, findOldReplicaSets, maxRevision, newRSNewReplicas } from './rollout-math.js';

/** The ReplicaSets the Deployment controls, after adopting and releasing. */
export async function claimReplicaSets(run: Run): Promise<ReplicaSet[]> {
  const d = run.d;
  const { rsInformer, replicaSets, deployments } = run.deps;
  const selector = labelSelectorFromObject(d.spec.selector);
  return claimDependents(claimCandidates(rsInformer, d), {
    owner: d,
    ownerRef: controllerRef(d, 'apps/v1', 'Deployment'),
    matches: (rs) => selector.matches(rs.metadata.labels),
    resource: replicaSets,
    fieldManager: COMPONENT,
    canAdopt: freshOwnerCheck(deployments, d),
  });
}

export interface ReplicaSetsOfDeployment {
  newRS: ReplicaSet | undefined;
  /** Every other ReplicaSet, scaled down or not. */
  oldRSs: ReplicaSet[];
}

export async function getAllReplicaSetsAndSyncRevision(run: Run, cachedList: ReplicaSet[], createIfNotExisted: boolean): Promise<ReplicaSetsOfDeployment> {
  const rsList = cachedList.map((rs) => run.written.get(rs.metadata.uid!) ?? rs);
  const { all } = findOldReplicaSets(run.d, rsList);
  const newRS = await getNewReplicaSet(run, rsList, all, createIfNotExisted);
  return { newRS, oldRSs: all };
}

async function getNewReplicaSet(run: Run, rsList: ReplicaSet[], oldRSs: ReplicaSet[], createIfNotExisted: boolean): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(run.d, rsList);
  const newRevision = String(maxRevision(oldRSs) + 1);
  if (existing) return syncExistingNewReplicaSet(run, existing, newRevision);
  if (!createIfNotExisted) return undefined;
  return createNewReplicaSet(run, oldRSs, newRevision);
}

/** Brings the existing new ReplicaSet's annotations and minReadySeconds in line, and the Deployment's revision with it. */
async function syncExistingNewReplicaSet(run: Run, existing: ReplicaSet, newRevision: string): Promise<ReplicaSet> {
  const d = run.d;
  const copy = structuredClone(existing);
  const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true);
  if (annotationsChanged || (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
    if (d.spec.minReadySeconds) copy.spec.minReadySeconds = d.spec.minReadySeconds;
    else delete copy.spec.minReadySeconds;
    // As upstream: this sync goes on with the updated ReplicaSet; the Deployment's revision follows on the next.
    const updated = await run.deps.replicaSets.update(copy, { fieldManager: COMPONENT });
    run.written.set(updated.metadata.uid!, updated);
    return updated;
  }
  let needsUpdate = setDeploymentRevision(d, copy.metadata.annotations![REVISION]!);
  if (hasProgressDeadline(d) && !getCondition(d.status, PROGRESSING)) {
    d.status ??= {};
    setCondition(d.status, newCondition(PROGRESSING, 'True', Reasons.foundNewRS, `Found new replica set "${copy.metadata.name}"`, run.deps.clock.now()));
    needsUpdate = true;
  }
  if (needsUpdate) await saveDeployment(run);
  return copy;
}

function newReplicaSetFor(d: Deployment): ReplicaSet {
  const hash = computeHash(d.spec.template, d.status?.collisionCount);
  const template = structuredClone(d.spec.template);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash } };
  const selector = structuredClone(d.spec.selector);
  selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      ownerReferences: [controllerRef(d, 'apps/v1', 'Deployment')],
      labels: { ...template.metadata.labels },
    },
    // minReadySeconds 0 is left out, as Go's omitempty does.
    spec: { replicas: 0, ...(d.spec.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}), selector, template },
  };
}

async function createNewReplicaSet(run: Run, oldRSs: ReplicaSet[], newRevision: string): Promise<ReplicaSet | undefined> {
  const d = run.d;
  const { replicaSets, events, clock } = run.deps;
  const newRS = newReplicaSetFor(d);
  const replicas = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec.replicas = replicas;
  setNewReplicaSetAnnotations(d, newRS, newRevision, false);

  let created: ReplicaSet;
  let alreadyExisted = false;
  try {
    created = await replicaSets.create(newRS, { fieldManager: COMPONENT });
  } catch (err) {
    if (isAlreadyExists(err)) {
      const found = await existingWithSameName(run, newRS.metadata.name!);
      if (found === 'gone') throw new RetrySync(`replica set "${newRS.metadata.name}" was deleted while being created; retrying`);
      if (!found) {
        // The name belongs to a ReplicaSet that is not ours or has another template: a hash
        // collision. Bump collisionCount; the next sync hashes differently.
        d.status = { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 };
        await saveDeployment(run);
        throw new RetrySync(`replica set "${newRS.metadata.name}" already exists with another template (hash collision); collisionCount is now ${d.status.collisionCount}`);
      }
      created = found;
      alreadyExisted = true;
    } else if (isNamespaceTerminating(err)) {
      throw err;
    } else {
      const message = `Failed to create new replica set "${newRS.metadata.name}": ${(err as Error).message}`;
      if (hasProgressDeadline(d)) {
        d.status ??= {};
        setCondition(d.status, newCondition(PROGRESSING, 'False', Reasons.failedRSCreate, message, clock.now()));
        await saveDeployment(run);
      }
      events.event(d, 'Warning', Reasons.failedRSCreate, message);
      throw err;
    }
  }
  if (!alreadyExisted && replicas > 0) {
    events.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
  }
  let needsUpdate = setDeploymentRevision(d, newRevision);
  if (!alreadyExisted && hasProgressDeadline(d)) {
    d.status ??= {};
    setCondition(d.status, newCondition(PROGRESSING, 'True', Reasons.newRSCreated, `Created new replica set "${created.metadata.name}"`, clock.now()));
    needsUpdate = true;
  }
  if (needsUpdate) await saveDeployment(run);
  return created;
}

/** The ReplicaSet already holding the new one's name, if it is this Deployment's with the same template. */
async function existingWithSameName(run: Run, name: string): Promise<ReplicaSet | undefined | 'gone'> {
  let rs: ReplicaSet;
  try {
    rs = await run.deps.replicaSets.get(name, run.d.metadata.namespace);
  } catch (err) {
    if (isNotFound(err)) return 'gone';
    throw err;
  }
  return controllerOf(rs)?.uid === run.d.metadata.uid && equalIgnoreHash(rs.spec.template, run.d.spec.template) ? rs : undefined;
}
