/**
 * IntOrString values such as maxSurge `25%` or minAvailable `2`, resolved against a
 * total as apimachinery's GetScaledValueFromIntOrPercent does.
 */
import type { IntOrString } from '../../api/objects/index.js';

export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean, fallback: IntOrString = 0): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) {
    const exact = (Number(m[1]) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  if (/^\d+$/.test(v)) return Number(v);
  throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
}
