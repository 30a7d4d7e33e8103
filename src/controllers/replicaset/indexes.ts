/**
 * The shared informers' index of dependents by controller uid. Several controllers ask
 * the same process-wide informer for it; the first one adds it, the rest reuse it.
 */
import type { KObject } from '../../api/types.js';
import type { Informer } from '../../client/informer.js';
import { byControllerUid } from '../runtime/pods.js';

export const BY_CONTROLLER_UID = 'byControllerUid';

export function indexByControllerUid<T extends KObject>(informer: Informer<T>): void {
  try {
    informer.byIndex(BY_CONTROLLER_UID, '');
  } catch {
    informer.addIndex(BY_CONTROLLER_UID, byControllerUid);
  }
}
