/**
 * Builders for `FieldError`s with the message shapes of apimachinery's field.Error
 * (util/validation/field/errors.go): `Invalid value: <v>: <detail>`, `Required value`,
 * `Unsupported value: "x": supported values: "a", "b"`, …
 */
import type { FieldError } from '../types.js';

/** Renders a bad value as upstream does: numbers and booleans bare, strings quoted, the rest as JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'null';
  return JSON.stringify(value);
}

const withDetail = (head: string, detail?: string): string => (detail ? `${head}: ${detail}` : head);

export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { reason: 'FieldValueInvalid', field, message: withDetail(`Invalid value: ${formatValue(value)}`, detail) };
}

export function required(field: string, detail = ''): FieldError {
  return { reason: 'FieldValueRequired', field, message: withDetail('Required value', detail) };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const detail = supported.length ? 'supported values: ' + supported.map((v) => JSON.stringify(v)).join(', ') : '';
  return { reason: 'FieldValueNotSupported', field, message: withDetail(`Unsupported value: ${formatValue(value)}`, detail) };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${formatValue(value)}` };
}

export function notFound(field: string, value: unknown): FieldError {
  return { reason: 'FieldValueNotFound', field, message: `Not found: ${formatValue(value)}` };
}

export function forbidden(field: string, detail: string): FieldError {
  return { reason: 'FieldValueForbidden', field, message: withDetail('Forbidden', detail) };
}

export function tooLong(field: string, max: number): FieldError {
  return { reason: 'FieldValueTooLong', field, message: `Too long: may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` };
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return { reason: 'FieldValueTooMany', field, message: `Too many: ${actual}: must have at most ${max} ${max === 1 ? 'item' : 'items'}` };
}

/** One FieldValueInvalid per message, as upstream does for name/label checks. */
export function invalidEach(field: string, value: unknown, messages: string[]): FieldError[] {
  return messages.map((m) => invalid(field, value, m));
}

/** `spec.containers[0].name`-style path building. */
export const child = (path: string, name: string): string => (path ? `${path}.${name}` : name);
export const index = (path: string, i: number): string => `${path}[${i}]`;
export const key = (path: string, k: string): string => `${path}[${k}]`;

/** Upstream ValidateNonnegativeField. */
export function nonNegative(field: string, value: unknown): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}

/** Upstream ValidatePositiveField-like "must be greater than 0". */
export function positive(field: string, value: unknown): FieldError[] {
  return typeof value === 'number' && value <= 0 ? [invalid(field, value, 'must be greater than 0')] : [];
}

export const FIELD_IMMUTABLE = 'field is immutable';

export function immutable(field: string, value: unknown, old: unknown): FieldError[] {
  return JSON.stringify(value) === JSON.stringify(old) ? [] : [invalid(field, value, FIELD_IMMUTABLE)];
}
