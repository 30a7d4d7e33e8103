/**
 * Tolerations as upstream's ValidateTolerations (pkg/apis/core/validation) checks
 * them: key a label name, an empty key only with Exists, a value that is a label value
 * for Equal and empty for Exists, tolerationSeconds only with NoExecute, a known
 * effect. Where a list must not repeat a toleration (RuntimeClass scheduling), the
 * repeat is reported as upstream renders the Go struct.
 */
import type { FieldError } from '../types.js';
import { child, duplicate, index, invalid, notSupported } from './field.js';
import { isLabelValue, isQualifiedName } from './names.js';

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const OPERATORS = ['Equal', 'Exists'];

export function validateTolerations(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(list) ? list : []).forEach((item, i) => {
    const t = asObj(item);
    const p = index(path, i);
    const key = str(t.key);
    const operator = str(t.operator);
    const value = str(t.value);
    const effect = str(t.effect);
    if (key) errs.push(...isQualifiedName(key).map((msg) => invalid(child(p, 'key'), key, msg)));
    if (!key && operator !== 'Exists') {
      errs.push(invalid(child(p, 'operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(invalid(child(p, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === 'Equal' || operator === '') {
      const problems = isLabelValue(value);
      if (problems.length) errs.push(invalid(child(p, 'operator'), value, problems.join(';')));
    } else if (operator === 'Exists') {
      if (value) errs.push(invalid(child(p, 'operator'), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(child(p, 'operator'), operator, OPERATORS));
    }
    if (effect && !TAINT_EFFECTS.includes(effect)) errs.push(notSupported(child(p, 'effect'), effect, TAINT_EFFECTS));
  });
  return errs;
}

/** How Go's %#v prints a core.Toleration (a set tolerationSeconds shown by value, not by address). */
function goToleration(t: Obj): string {
  const q = (v: unknown) => JSON.stringify(str(v));
  const seconds = typeof t.tolerationSeconds === 'number' ? `(*int64)(${t.tolerationSeconds})` : '(*int64)(nil)';
  return `core.Toleration{Key:${q(t.key)}, Operator:${q(t.operator)}, Value:${q(t.value)}, Effect:${q(t.effect)}, TolerationSeconds:${seconds}}`;
}

/** Tolerations identical in key, operator, value and effect (the list's keys) after the first are duplicates. */
export function duplicateTolerations(list: unknown, path: string): FieldError[] {
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  (Array.isArray(list) ? list : []).forEach((item, i) => {
    const t = asObj(item);
    const listKey = JSON.stringify([str(t.key), str(t.operator), str(t.value), str(t.effect)]);
    if (seen.has(listKey)) errs.push({ ...duplicate(index(path, i), ''), message: `Duplicate value: ${goToleration(t)}` });
    else seen.add(listKey);
  });
  return errs;
}
