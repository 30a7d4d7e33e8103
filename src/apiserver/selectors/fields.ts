/**
 * Field selectors (`metadata.name=x,spec.nodeName!=`), evaluated against the fields a
 * kind declares selectable (ResourceType.selectableFields) plus metadata.name and
 * metadata.namespace, which every kind supports. Unsupported fields are a 400, as upstream
 * (`field label not supported: …`).
 */
import { BadRequest } from '../../api/errors.js';
import type { KObject, ResourceType } from '../../api/types.js';

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
  matches(obj: KObject): boolean;
  /** The value required for metadata.name, if the selector pins it (lets a list read one key). */
  exactName?: string;
}

/** apimachinery's fields.UnescapeValue: only `\\`, `\,` and `\=` are escapes, and `,`/`=` must be escaped. */
function unescape(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const next = value[i + 1];
      if (next !== '\\' && next !== ',' && next !== '=') throw new BadRequest(`invalid field selector: invalid escape sequence: \\${next ?? ''}`);
      out += next;
      i++;
    } else if (c === ',' || c === '=') {
      throw new BadRequest(`invalid field selector: unescaped character in value: ${c}`);
    } else out += c;
  }
  return out;
}

/** Splits on unescaped commas. */
function splitTerms(input: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '\\' && i + 1 < input.length) {
      cur += c + input[++i];
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** The kind's getter for `field`; own entries only, so `constructor` or `toString` are not fields. */
function selectableField(rt: Pick<ResourceType, 'selectableFields'>, field: string): ((obj: KObject) => string | undefined) | undefined {
  const fields = rt.selectableFields;
  return fields && Object.prototype.hasOwnProperty.call(fields, field) ? fields[field] : undefined;
}

export function fieldValue(obj: KObject, field: string, rt: Pick<ResourceType, 'selectableFields'>): string | undefined {
  if (field === 'metadata.name') return obj.metadata?.name ?? '';
  if (field === 'metadata.namespace') return obj.metadata?.namespace ?? '';
  const getter = selectableField(rt, field);
  return getter ? getter(obj) ?? '' : undefined;
}

export function parseFieldSelector(input: string | undefined, rt: Pick<ResourceType, 'selectableFields' | 'plural' | 'group' | 'version'>): FieldSelector {
  if (input === undefined || input.trim() === '') return { requirements: [], matches: () => true };
  const requirements: FieldRequirement[] = [];
  for (const raw of splitTerms(input)) {
    const term = raw.trim();
    if (term === '') continue; // upstream skips empty terms (`a=b,`)
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new BadRequest(`invalid selector: '${input}'; can't understand '${term}'`);
    const field = m[1];
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !selectableField(rt, field)) {
      throw new BadRequest(`field label not supported: ${field}`);
    }
    requirements.push({ field, op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]) });
  }
  const exact = requirements.find((r) => r.field === 'metadata.name' && r.op === '=');
  return {
    requirements,
    exactName: exact?.value,
    matches: (obj) => requirements.every((r) => {
      const v = fieldValue(obj, r.field, rt) ?? '';
      return r.op === '=' ? v === r.value : v !== r.value;
    }),
  };
}

/**
 * The field selector of a list or watch addressed to one object (`…/configmaps/x?watch=true`):
 * the name joins the selector, as upstream's ListResource does; a selector naming another
 * object is a 400.
 */
export function parseFieldSelectorForName(input: string | undefined, rt: Pick<ResourceType, 'selectableFields' | 'plural' | 'group' | 'version'>, name: string): FieldSelector {
  const selector = parseFieldSelector(input, rt);
  if (!name) return selector;
  if (selector.exactName !== undefined) {
    if (selector.exactName !== name) throw new BadRequest("fieldSelector metadata.name doesn't match requested name");
    return selector;
  }
  const requirements: FieldRequirement[] = [...selector.requirements, { field: 'metadata.name', op: '=', value: name }];
  return { requirements, exactName: name, matches: (obj) => (obj.metadata?.name ?? '') === name && selector.matches(obj) };
}
