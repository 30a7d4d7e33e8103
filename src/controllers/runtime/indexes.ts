/**
 * Indexes of the shared informers that controllers look dependents up by, so a sync
 * touches its own objects instead of scanning a namespace of thousands of pods:
 * - by controller uid: what an owner controls;
 * - orphans by namespace: objects without a controller, the only ones an owner may adopt.
 * Several controllers ask the same process-wide informer; the first adds the index.
 */
import type { KObject } from '../../api/types.js';
import type { Informer } from '../../client/informer.js';
import { byControllerUid, controllerOf } from './pods.js';

export const BY_CONTROLLER_UID = 'byControllerUid';
const ORPHANS_BY_NAMESPACE = 'orphansByNamespace';

function ensureIndex<T extends KObject>(informer: Informer<T>, name: string, fn: (obj: T) => string[]): void {
  try {
    informer.byIndex(name, '');
  } catch {
    informer.addIndex(name, fn);
  }
}

export function indexByControllerUid<T extends KObject>(informer: Informer<T>): void {
  ensureIndex(informer, BY_CONTROLLER_UID, byControllerUid);
}

export function indexOrphans<T extends KObject>(informer: Informer<T>): void {
  ensureIndex(informer, ORPHANS_BY_NAMESPACE, (obj) => (controllerOf(obj) ? [] : [obj.metadata?.namespace ?? '']));
}

/** What `uid` controls (the index must have been added with indexByControllerUid). */
export function controlledBy<T extends KObject>(informer: Informer<T>, uid: string): T[] {
  return informer.byIndex(BY_CONTROLLER_UID, uid);
}

/** Objects in `namespace` without a controller (the index must have been added with indexOrphans). */
export function orphansIn<T extends KObject>(informer: Informer<T>, namespace: string): T[] {
  return informer.byIndex(ORPHANS_BY_NAMESPACE, namespace);
}

/** Candidates for an owner's claim: what it controls now plus the orphans it might adopt. */
export function claimCandidates<T extends KObject>(informer: Informer<T>, owner: KObject): T[] {
  return [...controlledBy(informer, owner.metadata!.uid!), ...orphansIn(informer, owner.metadata!.namespace ?? '')];
}
