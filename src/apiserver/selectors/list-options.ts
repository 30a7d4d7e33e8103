/**
 * The checks upstream applies to list and watch query parameters before any storage is
 * read: numbers that must parse (the parameter codec's 400), and
 * apimachinery's ValidateListOptions (a 422 on `ListOptions.meta.k8s.io`).
 */
import { BadRequest, Invalid } from '../../api/errors.js';
import type { FieldError } from '../../api/types.js';

const INTEGER = /^-?\d{1,18}$/;

function checkInteger(q: URLSearchParams, name: string): void {
  const v = q.get(name);
  if (v === null || v === '') return;
  if (!INTEGER.test(v)) throw new BadRequest(`${name}: Invalid value: ${JSON.stringify(v)}: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
}

const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

function checkBoolean(q: URLSearchParams, name: string): void {
  queryBool(q, name);
}

/** A boolean query parameter as upstream's parameter codec reads it: strconv.ParseBool's spellings, absent or empty false. */
export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '') return false;
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  throw new BadRequest(`${name}: Invalid value: ${JSON.stringify(v)}: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/**
 * Throws what upstream answers for list/watch/deletecollection query parameters that do
 * not decode or validate. `watch` selects the watch rules (validateWatchOptions).
 */
export function validateListOptions(q: URLSearchParams, watch: boolean): void {
  checkInteger(q, 'limit');
  checkInteger(q, 'timeoutSeconds');
  checkBoolean(q, 'allowWatchBookmarks');
  checkBoolean(q, 'sendInitialEvents');
  const rv = q.get('resourceVersion') ?? '';
  if (rv !== '' && !/^\d{1,15}$/.test(rv)) throw new BadRequest(`invalid resource version: ${rv}`);
  const match = q.get('resourceVersionMatch') ?? '';
  const cont = q.get('continue') ?? '';
  const sendInitialEvents = q.has('sendInitialEvents') && q.get('sendInitialEvents') !== '';
  const errors: FieldError[] = [];
  const forbidden = (field: string, detail: string): void => { errors.push({ reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` }); };
  const unsupported = (field: string, value: string, supported: string[]): void => {
    errors.push({ reason: 'FieldValueNotSupported', field, message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` });
  };
  if (watch) {
    if (sendInitialEvents && match !== 'NotOlderThan') forbidden('resourceVersionMatch', 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    if (match) {
      if (!sendInitialEvents) forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
      if (match !== 'NotOlderThan') unsupported('resourceVersionMatch', match, ['NotOlderThan']);
      if (cont) forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided');
    }
  } else {
    if (match) {
      if (!rv) forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided');
      if (cont) forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided');
      if (match !== 'Exact' && match !== 'NotOlderThan') unsupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']);
      if (match === 'Exact' && rv === '0') forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
    }
    if (sendInitialEvents) forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list');
  }
  if (errors.length) throw new Invalid('ListOptions', 'meta.k8s.io', '', errors);
  // The storage layer's own rule (etcd3 store GetList): a continue token carries its revision.
  if (!watch && cont && rv && rv !== '0') throw new BadRequest('specifying resource version is not allowed when using continue');
}
