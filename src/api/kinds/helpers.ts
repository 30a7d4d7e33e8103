/** Shared pieces for the kind declarations. */
import type { FieldError, KObject, ResourceType } from '../types.js';
import { validateObjectMeta } from '../validation/meta.js';
import { nameIsDNSSubdomain, type NameRule } from '../validation/names.js';

type Validator = (obj: KObject, old?: KObject) => FieldError[];

/** ObjectMeta checks (name rule per kind, labels, annotations) followed by the kind's own rules. */
export function metaAnd(options: { namespaced: boolean; nameRule?: NameRule; rest?: Validator }): Validator {
  const rules = { namespaced: options.namespaced, nameRule: options.nameRule ?? nameIsDNSSubdomain };
  return (obj, old) => [...validateObjectMeta(obj, rules, old), ...(options.rest ? options.rest(obj, old) : [])];
}

/** Reads a dotted path as a field-selector value (numbers and booleans as strings, as upstream). */
export function field(path: string): (obj: KObject) => string | undefined {
  const parts = path.split('.');
  return (obj) => {
    let v: unknown = obj;
    for (const p of parts) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
    if (v === undefined || v === null) return undefined;
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
}

export function fields(...paths: string[]): NonNullable<ResourceType['selectableFields']> {
  return Object.fromEntries(paths.map((p) => [p, field(p)]));
}

export const CREATE_ONLY: ResourceType['verbs'] = ['create'];
