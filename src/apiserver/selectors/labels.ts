/**
 * Label selectors in the string form clients send (`app=web,tier!=db,env in (a,b),!legacy`),
 * parsed as apimachinery's labels.Parse does, and LabelSelector objects from specs.
 */
import { BadRequest } from '../../api/errors.js';

type Operator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

export interface LabelSelector {
  /** Empty means "everything". */
  requirements: Requirement[];
  matches(labels: Record<string, string> | undefined): boolean;
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function matchRequirement(r: Requirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels![r.key] : undefined;
  switch (r.op) {
    case '=': return has && value === r.values[0];
    case '!=': return !has || value !== r.values[0];
    case 'in': return has && r.values.includes(value!);
    case 'notin': return !has || !r.values.includes(value!);
    case 'exists': return has;
    case '!': return !has;
    case 'gt':
    case 'lt': {
      // As labels.Requirement.Matches: both sides must parse as integers.
      if (!has || !/^[-+]?\d+$/.test(value!)) return false;
      const actual = Number(value);
      const bound = Number(r.values[0]);
      return r.op === 'gt' ? actual > bound : actual < bound;
    }
  }
}

export function selectorOf(requirements: Requirement[]): LabelSelector {
  return {
    requirements,
    matches: (labels) => requirements.every((r) => matchRequirement(r, labels)),
  };
}

export const EVERYTHING: LabelSelector = selectorOf([]);

function checkKey(key: string, input: string): void {
  if (!KEY.test(key) || key.length > 316) throw new BadRequest(`unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (selector "${input}")`);
}

function checkValue(value: string, input: string): void {
  if (value.length > 63 || !VALUE.test(value)) throw new BadRequest(`unable to parse requirement: invalid label value: "${value}": at key: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (selector "${input}")`);
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(input: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      terms.push(input.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) throw new BadRequest(`unable to parse requirement: unexpected ")" in label selector "${input}"`);
  }
  if (depth !== 0) throw new BadRequest(`unable to parse requirement: unbalanced parentheses in label selector "${input}"`);
  terms.push(input.slice(start));
  return terms;
}

const SET_TERM = /^\s*(\S+?)\s+(in|notin)\s*\(([^()]*)\)\s*$/;

export function parseLabelSelector(input: string | undefined): LabelSelector {
  if (input === undefined || input.trim() === '') return EVERYTHING;
  const requirements: Requirement[] = [];
  for (const raw of splitTerms(input)) {
    const term = raw.trim();
    if (term === '') throw new BadRequest(`unable to parse requirement: found '', expected: identifier (selector "${input}")`);
    const set = SET_TERM.exec(term);
    if (set) {
      const [, key, op, list] = set;
      checkKey(key, input);
      // As apimachinery's parseValues: `()` is the set holding the empty value, for `in` and `notin` alike.
      const values = [...new Set(list.split(',').map((v) => v.trim()))];
      values.forEach((v) => checkValue(v, input));
      requirements.push({ key, op: op as Operator, values });
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^!\s*(\S+)$/.exec(term))) {
      checkKey(m[1], input);
      requirements.push({ key: m[1], op: '!', values: [] });
    } else if ((m = /^([^=!<>\s]+)\s*([<>])\s*(\S*)$/.exec(term))) {
      checkKey(m[1], input);
      if (!/^[-+]?\d{1,18}$/.test(m[3])) throw new BadRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer (selector "${input}")`);
      requirements.push({ key: m[1], op: m[2] === '>' ? 'gt' : 'lt', values: [m[3]] });
    } else if ((m = /^([^=!<>\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term))) {
      checkKey(m[1], input);
      checkValue(m[3], input);
      requirements.push({ key: m[1], op: m[2] === '!=' ? '!=' : '=', values: [m[3]] });
    } else if (/^[^=!<>\s()]+$/.test(term)) {
      checkKey(term, input);
      requirements.push({ key: term, op: 'exists', values: [] });
    } else {
      throw new BadRequest(`unable to parse requirement: invalid label selector term "${term}" in "${input}"`);
    }
  }
  return selectorOf(requirements);
}

/** A metav1.LabelSelector object (matchLabels / matchExpressions). Null/absent selects nothing in workloads; callers decide. */
export function labelSelectorFromObject(sel: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined): LabelSelector {
  if (!sel) return EVERYTHING;
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) requirements.push({ key, op: '=', values: [value] });
  for (const e of sel.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator as 'In'];
    if (!op) throw new BadRequest(`"${e.operator}" is not a valid label selector operator`);
    requirements.push({ key: e.key, op, values: e.values ?? [] });
  }
  return selectorOf(requirements);
}

/** The string form of a selector object, as `kubectl get -o wide` and Scale status show it. */
export function formatLabelSelector(sel: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined): string {
  if (!sel) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.sort().join(',');
}
