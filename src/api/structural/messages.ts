/**
 * FieldError construction in the shape of apimachinery's field.Error: `message` is
 * what kubectl prints after the field (`Invalid value: -1: must be …`).
 */
import type { FieldError } from '../types.js';

/** Renders a bad value like field.Error.ErrorBody: quoted strings, bare scalars, JSON otherwise. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export const fieldErrors = {
  required(field: string, detail = ''): FieldError {
    return { reason: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' };
  },
  invalid(field: string, value: unknown, detail: string): FieldError {
    return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${formatValue(value)}: ${detail}` };
  },
  typeInvalid(field: string, value: unknown, detail: string): FieldError {
    return { reason: 'FieldValueTypeInvalid', field, message: `Invalid value: ${formatValue(value)}: ${detail}` };
  },
  notSupported(field: string, value: unknown, supported: unknown[]): FieldError {
    const list = supported.map((s) => JSON.stringify(typeof s === 'string' ? s : JSON.stringify(s))).join(', ');
    return { reason: 'FieldValueNotSupported', field, message: `Unsupported value: ${formatValue(value)}: supported values: ${list}` };
  },
  tooLong(field: string, max: number): FieldError {
    return { reason: 'FieldValueTooLong', field, message: `Too long: may not be more than ${max} bytes` };
  },
  tooMany(field: string, actual: number, max: number): FieldError {
    return { reason: 'FieldValueTooMany', field, message: `Too many: ${actual}: must have at most ${max} items` };
  },
  duplicate(field: string, value: unknown): FieldError {
    return { reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${formatValue(value)}` };
  },
  forbidden(field: string, detail: string): FieldError {
    return { reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
  },
};
