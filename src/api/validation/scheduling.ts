/**
 * PriorityClass rules (upstream's ValidatePriorityClass / ValidatePriorityClassUpdate):
 * the `system-` prefix belongs to the built-in classes, user classes stay at or below
 * one billion, and value and preemptionPolicy never change.
 */
import type { FieldError, KObject } from '../types.js';
import { forbidden, immutable, notSupported } from './field.js';

/** The classes every cluster has (upstream's SystemPriorityClasses), created at start-up. */
export const SYSTEM_PRIORITY_CLASSES = [
  { name: 'system-node-critical', value: 2_000_001_000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2_000_000_000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
] as const;

export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const SYSTEM_PREFIX = 'system-';
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'];

/** Why a `system-` class is not one of the built-ins (IsKnownSystemPriorityClass), or undefined if it is. */
function notKnownSystemClass(name: string, value: unknown, globalDefault: unknown): string | undefined {
  const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (value !== known.value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (globalDefault === true) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export function validatePriorityClass(obj: KObject, old?: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata?.name ?? '';
  if (name.startsWith(SYSTEM_PREFIX)) {
    const why = notKnownSystemClass(name, obj.value, obj.globalDefault);
    if (why) errs.push(forbidden('metadata.name', `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${why}`));
  } else if (typeof obj.value === 'number' && obj.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (obj.preemptionPolicy !== undefined && !PREEMPTION_POLICIES.includes(String(obj.preemptionPolicy))) {
    errs.push(notSupported('preemptionPolicy', obj.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  }
  if (old) {
    if (obj.value !== old.value) errs.push(forbidden('value', 'may not be changed in an update.'));
    errs.push(...immutable('preemptionPolicy', obj.preemptionPolicy, old.preemptionPolicy));
  }
  return errs;
}

/** SetDefaults_PriorityClass. */
export function defaultPriorityClass(obj: KObject): void {
  if (obj.preemptionPolicy === undefined || obj.preemptionPolicy === null) obj.preemptionPolicy = 'PreemptLowerPriority';
}
