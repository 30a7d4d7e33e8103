/**
 * apimachinery types whose JSON form is not their protobuf shape: timestamps, durations,
 * quantities, int-or-string, raw JSON. Each converter gets the decoded proto fields by
 * number and returns the JSON value, or `undefined` when the JSON form would be null.
 */

import { metaTime } from '../../api/time.js';
import { WireError } from './wire.js';

const META = 'apimachinery.pkg.apis.meta.v1.';

export type RawFields = Map<number, unknown>;

/** metav1.Time JSON is RFC 3339 at second precision in UTC (time.go MarshalJSON). */
export function formatTime(seconds: number): string {
  return metaTime(new Date(seconds * 1000));
}

/** metav1.MicroTime uses RFC3339Micro: always six fractional digits. */
export function formatMicroTime(seconds: number, nanos: number): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

/** Go's time.Duration.String(), which metav1.Duration uses for JSON. */
export function formatDuration(totalNanos: bigint): string {
  if (totalNanos === 0n) return '0s';
  const neg = totalNanos < 0n;
  let n = neg ? -totalNanos : totalNanos;
  const sign = neg ? '-' : '';
  const frac = (value: bigint, unit: bigint, digits: number): string => {
    const whole = value / unit;
    const rest = (value % unit).toString().padStart(digits, '0').replace(/0+$/, '');
    return rest ? `${whole}.${rest}` : `${whole}`;
  };
  if (n < 1000n) return `${sign}${n}ns`;
  if (n < 1000000n) return `${sign}${frac(n, 1000n, 3)}µs`;
  if (n < 1000000000n) return `${sign}${frac(n, 1000000n, 6)}ms`;
  let out = '';
  const hours = n / 3600000000000n;
  n -= hours * 3600000000000n;
  const minutes = n / 60000000000n;
  n -= minutes * 60000000000n;
  if (hours > 0n) out += `${hours}h`;
  if (hours > 0n || minutes > 0n) out += `${minutes}m`;
  return `${sign}${out}${frac(n, 1000000000n, 9)}s`;
}

function parseJson(raw: unknown, what: string): unknown {
  if (!(raw instanceof Buffer) || raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new WireError(`${what} does not hold JSON`);
  }
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

export const SPECIAL_CONVERTERS: Readonly<Record<string, (f: RawFields) => unknown>> = {
  // time_proto.go: a zero Time marshals to an empty message; JSON has null for it.
  [`${META}Time`]: (f) => (f.size === 0 ? undefined : formatTime(num(f.get(1)))),
  [`${META}MicroTime`]: (f) => (f.size === 0 ? undefined : formatMicroTime(num(f.get(1)), num(f.get(2)))),
  [`${META}Duration`]: (f) => formatDuration(BigInt(num(f.get(1)))),
  [`${META}FieldsV1`]: (f) => parseJson(f.get(1), 'fieldsV1'),
  'apimachinery.pkg.runtime.RawExtension': (f) => parseJson(f.get(1), 'an embedded object'),
  'apimachinery.pkg.api.resource.Quantity': (f) => (typeof f.get(1) === 'string' ? f.get(1) : '0'),
  // intstr: type 0 is Int, 1 is String.
  'apimachinery.pkg.util.intstr.IntOrString': (f) => (num(f.get(1)) === 1 ? ((f.get(3) as string | undefined) ?? '') : num(f.get(2))),
};

/** Proto wrapper types for named Go slices (`type ExtraValue []string`): JSON is the bare list. */
export function isListWrapper(message: string): boolean {
  return message.endsWith('.ExtraValue');
}
