/**
 * Resource names and quantities in a ResourceRequirements-shaped value, as upstream's
 * ValidateContainerResourceRequirements (pkg/apis/core/validation) checks them: names
 * are standard container resources, hugepages or extended resources; quantities are
 * not negative, integral where the resource counts whole units, hugepages a multiple
 * of their page size; requests stay within limits. RuntimeClass overhead reuses it
 * with its `podFixed` as the limits, so its errors read `overhead.limits[cpu]`.
 */
import type { FieldError } from '../types.js';
import { formatQuantity, quantityNanos } from '../quota/quantity.js';
import { child, forbidden, invalid, key, required } from './field.js';
import { isQualifiedName } from './names.js';

const HUGEPAGES_PREFIX = 'hugepages-';
const NATIVE_PREFIX = 'kubernetes.io/';
const REQUESTS_PREFIX = 'requests.';
const NANO = 1_000_000_000n;

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu',
  'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets',
  'configmaps', 'persistentvolumeclaims', 'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);

const isHugePages = (name: string): boolean => name.startsWith(HUGEPAGES_PREFIX);
/** Unprefixed names and names under kubernetes.io/ belong to Kubernetes itself. */
const isNative = (name: string): boolean => !name.includes('/') || name.includes(NATIVE_PREFIX);
const isExtended = (name: string): boolean =>
  !isNative(name) && !name.startsWith(REQUESTS_PREFIX) && isQualifiedName(REQUESTS_PREFIX + name).length === 0;
const overcommitAllowed = (name: string): boolean => isNative(name) && !isHugePages(name);
const isStandardResource = (name: string): boolean =>
  STANDARD_RESOURCES.has(name) || isHugePages(name) || name.startsWith(`${REQUESTS_PREFIX}${HUGEPAGES_PREFIX}`);

/** Upstream's validateContainerResourceName. */
function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(path, name, msg));
  const unprefixed = !name.includes('/');
  if (!errs.length && unprefixed && !isStandardResource(name)) errs.push(invalid(path, name, 'must be a standard resource type or fully qualified'));
  if (unprefixed) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) errs.push(invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNative(name) && !isExtended(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

interface ParsedQuantity { text: string; nanos: bigint }

/** Canonical text, keeping binary suffixes for quantities written with them (as resource.Quantity's String). */
const canonical = (q: ParsedQuantity): string => formatQuantity(q.nanos, /[KMGTPE]i$/.test(q.text.trim()));
/** resource.Quantity's Value(): whole units, rounded away from zero. */
const wholeUnits = (nanos: bigint): bigint => (nanos >= 0n ? (nanos + NANO - 1n) / NANO : -((-nanos + NANO - 1n) / NANO));

/** Upstream's ValidateResourceQuantityValue. */
function validateQuantityValue(name: string, q: ParsedQuantity, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (q.nanos < 0n) errs.push(invalid(path, canonical(q), 'must be greater than or equal to 0'));
  if ((INTEGER_RESOURCES.has(name) || isExtended(name)) && q.nanos % NANO !== 0n) errs.push(invalid(path, canonical(q), 'must be an integer'));
  return errs;
}

/** Hugepages come in whole pages of the size their name states (IsHugePageResourceValueDivisible). */
function validateHugePagesValue(name: string, q: ParsedQuantity, path: string): FieldError[] {
  const page = quantityNanos(name.slice(HUGEPAGES_PREFIX.length));
  const divisible = page !== undefined && page > 0n && page % NANO === 0n && wholeUnits(q.nanos) % (page / NANO) === 0n;
  return divisible ? [] : [invalid(path, canonical(q), `${canonical(q)} is not positive integer multiple of ${name}`)];
}

function quantities(list: unknown): Array<[string, ParsedQuantity]> {
  if (!list || typeof list !== 'object' || Array.isArray(list)) return [];
  // Go walks a map in random order; sorted names keep our answers stable.
  return Object.keys(list).sort().flatMap((name): Array<[string, ParsedQuantity]> => {
    const raw = (list as Record<string, unknown>)[name];
    const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '';
    const nanos = quantityNanos(text);
    // Malformed quantities never get here: the decoder refuses them first.
    return nanos === undefined ? [] : [[name, { text, nanos }]];
  });
}

/** Upstream's ValidateContainerResourceRequirements (without claims), for `limits` and `requests` at `path`. */
export function validateResourceRequirements(requirements: { limits?: unknown; requests?: unknown }, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = new Map(quantities(requirements.limits));
  let cpuOrMemory = false;
  let hugePages = false;
  for (const [name, q] of limits) {
    const p = key(limPath, name);
    errs.push(...validateContainerResourceName(name, p), ...validateQuantityValue(name, q, p));
    if (isHugePages(name)) {
      hugePages = true;
      errs.push(...validateHugePagesValue(name, q, p));
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const [name, q] of quantities(requirements.requests)) {
    const p = key(reqPath, name);
    errs.push(...validateContainerResourceName(name, p), ...validateQuantityValue(name, q, p));
    const limit = limits.get(name);
    if (limit) {
      // Resources that cannot be overcommitted must request exactly their limit.
      if (q.nanos !== limit.nanos && !overcommitAllowed(name)) errs.push(invalid(reqPath, canonical(q), `must be equal to ${name} limit of ${canonical(limit)}`));
      else if (q.nanos > limit.nanos) errs.push(invalid(reqPath, canonical(q), `must be less than or equal to ${name} limit of ${canonical(limit)}`));
    } else if (!overcommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePages(name)) {
      hugePages = true;
      errs.push(...validateHugePagesValue(name, q, p));
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (!cpuOrMemory && hugePages) errs.push(forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}
