/**
 * Quantities for quota arithmetic: parsed to exact nano-units (BigInt) and printed back
 * in Kubernetes' canonical forms (`1500m`, `2`, `512Mi`, `1G`), so `status.used` and
 * quota messages read like upstream's.
 */
import { quantityNanos } from '../defaults/pod.js';

export { quantityNanos };

const NANO = 1_000_000_000n;
const BINARY: Array<[string, bigint]> = [['Ei', 1n << 60n], ['Pi', 1n << 50n], ['Ti', 1n << 40n], ['Gi', 1n << 30n], ['Mi', 1n << 20n], ['Ki', 1n << 10n]];
const DECIMAL: Array<[string, bigint]> = [['E', 10n ** 18n], ['P', 10n ** 15n], ['T', 10n ** 12n], ['G', 10n ** 9n], ['M', 10n ** 6n], ['k', 10n ** 3n]];

/** Canonical text of `nanos`; `binary` prefers Ki/Mi/Gi suffixes when they are exact (memory, storage). */
export function formatQuantity(nanos: bigint, binary = false): string {
  if (nanos < 0n) return `-${formatQuantity(-nanos, binary)}`;
  if (nanos === 0n) return '0';
  if (nanos % NANO !== 0n) {
    if (nanos % 1_000_000n === 0n) return `${nanos / 1_000_000n}m`;
    if (nanos % 1_000n === 0n) return `${nanos / 1_000n}u`;
    return `${nanos}n`;
  }
  const units = nanos / NANO;
  for (const [suffix, size] of binary ? BINARY : DECIMAL) if (units % size === 0n) return `${units / size}${suffix}`;
  return String(units);
}

/** Whether a resource is counted in bytes (printed with binary suffixes). */
export function isByteResource(name: string): boolean {
  return /memory|storage/.test(name);
}
