/**
 * Validating a JSON value against a structural schema, with the checks and messages
 * of apiextensions-apiserver (kube-openapi's validator mapped to field errors by
 * `kubeOpenAPIResultToFieldErrors`), e.g.
 * `Invalid value: "string": spec.replicas in body must be of type integer: "string"`.
 *
 * A `null` object field counts as absent (upstream drops such nulls before
 * validating), so only `required` can complain about it. Nulls inside lists and maps
 * must be allowed by `nullable`.
 */
import type { FieldError, Schema, SchemaDefinitions } from '../types.js';
import { checkFormat } from './formats.js';
import { fieldErrors } from './messages.js';
import { deref, isPlainObject, joinPath, specialRef } from './resolve.js';

export interface ValidateOptions {
  /** Field path of `value` itself, e.g. `spec` when validating only the spec. */
  path?: string;
}

interface Walk {
  defs: SchemaDefinitions;
  errors: FieldError[];
  stack: Array<string | number>;
}

export function validateValue(value: unknown, schema: Schema, definitions: SchemaDefinitions, options: ValidateOptions = {}): FieldError[] {
  const w: Walk = { defs: definitions, errors: [], stack: options.path ? [options.path] : [] };
  walk(w, value, schema);
  return w.errors;
}

/** JSON type name of a value, as kube-openapi infers it. */
function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    default:
      return 'object';
  }
}

/** What resource.ParseQuantity accepts: a signed decimal number, then a binary-SI, decimal-SI or exponent suffix. */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;

// Compiled patterns, keyed by the (immutable) schema node that declares them.
const patterns = new WeakMap<Schema, RegExp | null>();
function patternOf(s: Schema): RegExp | null {
  let re = patterns.get(s);
  if (re === undefined) {
    try {
      re = new RegExp(s.pattern!, 'u');
    } catch {
      re = null;
    }
    patterns.set(s, re);
  }
  return re;
}

/**
 * Past this many errors a document is plainly wrong; walking on would only let a hostile
 * 3 MiB body (half a million bad items) hold the event loop for seconds.
 */
const MAX_ERRORS = 1000;

function walk(w: Walk, value: unknown, schema: Schema): void {
  if (w.errors.length >= MAX_ERRORS) return;
  const special = specialRef(schema);
  const s = deref(schema, w.defs);
  const kind = kindOf(value);

  if (special === 'quantity') {
    if (kind !== 'string' && kind !== 'integer' && kind !== 'number' && !(kind === 'null' && s?.nullable)) typeError(w, 'string', kind);
    // resource.Quantity's UnmarshalJSON refuses text ParseQuantity cannot read.
    else if (kind === 'string' && !QUANTITY.test(value as string)) {
      w.errors.push(fieldErrors.typeInvalid(here(w), value, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    }
    return;
  }
  if (!s) return;
  if (s.oneOf && !s.type) return checkOneOf(w, value, s.oneOf, kind);

  if (kind === 'null') {
    if (!s.nullable && (s.type || special)) typeError(w, typeNames(s, special), 'null');
    return;
  }
  const intOrString = special === 'int-or-string' || s['x-kubernetes-int-or-string'] === true;
  if (intOrString) {
    if (kind !== 'integer' && kind !== 'string') return typeError(w, 'integer,string', kind);
  } else if (s.type && s.type !== kind && !(s.type === 'number' && kind === 'integer')) {
    return typeError(w, s.type, kind);
  }

  if (s.enum && !s.enum.some((e) => sameValue(e, value))) w.errors.push(fieldErrors.notSupported(here(w), value, s.enum));

  switch (kind) {
    case 'string':
      checkString(w, value as string, s);
      break;
    case 'integer':
    case 'number':
      checkNumber(w, value as number, s);
      break;
    case 'array':
      checkArray(w, value as unknown[], s);
      break;
    case 'object':
      checkObject(w, value as Record<string, unknown>, s);
      break;
  }
}

function checkString(w: Walk, v: string, s: Schema): void {
  if (s.maxLength !== undefined || s.minLength !== undefined) {
    const len = codePoints(v);
    if (s.maxLength !== undefined && len > s.maxLength) w.errors.push(fieldErrors.tooLong(here(w), s.maxLength));
    if (s.minLength !== undefined && len < s.minLength) w.errors.push(fieldErrors.invalid(here(w), v, `${name(w)} in body should be at least ${s.minLength} chars long`));
  }
  if (s.pattern !== undefined) {
    const re = patternOf(s);
    if (re && !re.test(v)) w.errors.push(fieldErrors.invalid(here(w), v, `${name(w)} in body should match '${s.pattern}'`));
  }
  if (s.format && !checkFormat(s.format, v)) w.errors.push(fieldErrors.typeInvalid(here(w), v, `${name(w)} in body must be of type ${s.format}: ${JSON.stringify(v)}`));
}

/** Go's fixed-size integers: a value outside the range does not decode at all upstream. */
const INT_RANGES: Record<string, [number, number]> = { int32: [-2147483648, 2147483647], int64: [-9223372036854775808, 9223372036854775807] };

function checkNumber(w: Walk, v: number, s: Schema): void {
  const range = s.format ? INT_RANGES[s.format] : undefined;
  if (range && (v < range[0] || v > range[1])) {
    w.errors.push(fieldErrors.typeInvalid(here(w), v, `${name(w)} in body must be of type ${s.format}: ${v}`));
    return;
  }
  if (s.maximum !== undefined) {
    if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum) {
      const how = s.exclusiveMaximum ? 'less than' : 'less than or equal to';
      w.errors.push(fieldErrors.invalid(here(w), v, `${name(w)} in body should be ${how} ${s.maximum}`));
    }
  }
  if (s.minimum !== undefined) {
    if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum) {
      const how = s.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      w.errors.push(fieldErrors.invalid(here(w), v, `${name(w)} in body should be ${how} ${s.minimum}`));
    }
  }
}

function checkArray(w: Walk, v: unknown[], s: Schema): void {
  if (s.maxItems !== undefined && v.length > s.maxItems) w.errors.push(fieldErrors.tooMany(here(w), v.length, s.maxItems));
  if (s.minItems !== undefined && v.length < s.minItems) w.errors.push(fieldErrors.invalid(here(w), v, `${name(w)} in body should have at least ${s.minItems} items`));
  if (s.uniqueItems && hasDuplicates(v)) w.errors.push(fieldErrors.invalid(here(w), v, `${name(w)} in body shouldn't contain duplicates`));
  if (s.items) {
    for (let i = 0; i < v.length; i++) {
      w.stack.push(i);
      walk(w, v[i], s.items);
      w.stack.pop();
    }
  }
  // Uniqueness after the items, as upstream runs ValidateListSetsAndMaps after the OpenAPI walk.
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set' || listType === 'map') checkListUniqueness(w, v, listType, s['x-kubernetes-list-map-keys'] ?? []);
}

function checkObject(w: Walk, v: Record<string, unknown>, s: Schema): void {
  const props = s.properties;
  if (s.required) {
    for (const r of s.required) {
      const present = v[r];
      if (present === undefined || (present === null && !(props?.[r] && deref(props[r], w.defs)?.nullable))) {
        w.stack.push(r);
        w.errors.push(fieldErrors.required(here(w)));
        w.stack.pop();
      }
    }
  }
  if (s.maxProperties !== undefined || s.minProperties !== undefined) {
    const n = Object.keys(v).length;
    if (s.maxProperties !== undefined && n > s.maxProperties) w.errors.push(fieldErrors.tooMany(here(w), n, s.maxProperties));
    if (s.minProperties !== undefined && n < s.minProperties) w.errors.push(fieldErrors.invalid(here(w), n, `${name(w)} in body should have at least ${s.minProperties} properties`));
  }
  const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  if (!props && !additional) return;
  for (const key in v) {
    const child = props?.[key] ?? additional;
    if (!child) continue;
    const value = v[key];
    // An explicit null in an object field is dropped upstream before validation.
    if (value === null && props?.[key]) continue;
    w.stack.push(key);
    walk(w, value, child);
    w.stack.pop();
  }
}

function checkListUniqueness(w: Walk, v: unknown[], listType: 'set' | 'map', keys: string[]): void {
  const seen = new Set<string>();
  for (let i = 0; i < v.length; i++) {
    const item = v[i];
    let id: string;
    let shown: unknown;
    if (listType === 'set') {
      id = JSON.stringify(item);
      shown = item;
    } else {
      if (!isPlainObject(item)) continue;
      const k: Record<string, unknown> = {};
      for (const key of keys) k[key] = item[key];
      id = JSON.stringify(k);
      shown = k;
    }
    if (seen.has(id)) {
      if (w.errors.length >= MAX_ERRORS) return;
      w.stack.push(i);
      w.errors.push(fieldErrors.duplicate(here(w), shown));
      w.stack.pop();
    } else seen.add(id);
  }
}

/** Used for shapes like Quantity (`string` or `number`): valid when any alternative is. */
function checkOneOf(w: Walk, value: unknown, alternatives: Schema[], kind: string): void {
  let best: FieldError[] | undefined;
  for (const alt of alternatives) {
    const trial: Walk = { defs: w.defs, errors: [], stack: w.stack };
    walk(trial, value, alt);
    if (trial.errors.length === 0) return;
    best ??= trial.errors;
  }
  const types = alternatives.map((a) => deref(a, w.defs)?.type).filter(Boolean);
  if (types.length === alternatives.length && !types.includes(kind as Schema['type'])) return typeError(w, types.join(','), kind);
  if (best) w.errors.push(...best);
}

function typeError(w: Walk, expected: string, actual: string): void {
  w.errors.push(fieldErrors.typeInvalid(here(w), actual, `${name(w)} in body must be of type ${expected}: ${JSON.stringify(actual)}`));
}

function typeNames(s: Schema, special: string | undefined): string {
  if (special === 'int-or-string' || s['x-kubernetes-int-or-string']) return 'integer,string';
  return s.type ?? 'object';
}

function here(w: Walk): string {
  return joinPath(w.stack);
}

/** kube-openapi names the root `.`; below it the name is the dotted field path. */
function name(w: Walk): string {
  return w.stack.length ? joinPath(w.stack) : '.';
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function hasDuplicates(v: unknown[]): boolean {
  const seen = new Set<string>();
  for (const item of v) {
    const id = typeof item === 'string' ? `s${item}` : JSON.stringify(item);
    if (seen.has(id)) return true;
    seen.add(id);
  }
  return false;
}
