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

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
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

export function fieldValue(obj: KObject, field: string, rt: Pick<ResourceType, 'selectableFields'>): string | undefined {
  if (field === 'metadata.name') return obj.metadata?.name ?? '';
  if (field === 'metadata.namespace') return obj.metadata?.namespace ?? '';
  const getter = rt.selectableFields?.[field];
  return getter ? getter(obj) ?? '' : undefined;
}

export function parseFieldSelector(input: string | undefined, rt: Pick<ResourceType, 'selectableFields' | 'plural' | 'group' | 'version'>): FieldSelector {
  if (input === undefined || input.trim() === '') return { requirements: [], matches: () => true };
  const requirements: FieldRequirement[] = [];
  for (const raw of splitTerms(input)) {
    const term = raw.trim();
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new BadRequest(`invalid selector: '${input}'; can't understand '${term}'`);
    const field = m[1];
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !rt.selectableFields?.[field]) {
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
