/** A DaemonSet's update strategy in numbers (daemon/util SurgeCount, UnavailableCount). */
import type { DaemonSet } from '../../api/objects/index.js';
import { scaledValue } from '../runtime/intstr.js';

const rollingOf = (ds: DaemonSet) => (ds.spec.updateStrategy?.type === 'OnDelete' ? undefined : ds.spec.updateStrategy?.rollingUpdate);

/** maxSurge against `desired` nodes, rounded up; 0 unless rolling updates surge. */
export function surgeCount(ds: DaemonSet, desired: number): number {
  const rolling = rollingOf(ds);
  return rolling?.maxSurge === undefined ? 0 : scaledValue(rolling.maxSurge, desired, true);
}

/** maxUnavailable against `desired` nodes, rounded up. */
export function unavailableCount(ds: DaemonSet, desired: number): number {
  const rolling = rollingOf(ds);
  return rolling ? scaledValue(rolling.maxUnavailable, desired, true, 1) : 0;
}
