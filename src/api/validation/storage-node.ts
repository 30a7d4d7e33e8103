/**
 * StorageClass rules (upstream's ValidateStorageClass / ValidateStorageClassUpdate in
 * pkg/apis/storage/validation) with SetDefaults_StorageClass (reclaimPolicy Delete,
 * volumeBindingMode Immediate), and RuntimeClass rules (ValidateRuntimeClass /
 * ValidateRuntimeClassUpdate in pkg/apis/node/validation). As upstream's strategies
 * do, an update is checked by both the create rules and the update rules.
 */
import type { FieldError, KObject } from '../types.js';
import { deepEqual } from '../../apiserver/patch/json.js';
import { child, duplicate, forbidden, immutable, index, invalid, notSupported, required, tooLong } from './field.js';
import { validateLabels } from './meta.js';
import { isDNS1123Label, isQualifiedName } from './names.js';
import { validateResourceRequirements } from './resources.js';
import { duplicateTolerations, validateTolerations } from './tolerations.js';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const isSet = (v: unknown): boolean => v !== undefined && v !== null;

const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
/** Upstream's maxProvisionerParameterLen and maxProvisionerParameterSize. */
const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_BYTES = 256 * 1024;

export function defaultStorageClass(obj: KObject): void {
  obj.reclaimPolicy ??= 'Delete';
  obj.volumeBindingMode ??= 'Immediate';
}

function validateProvisioner(value: unknown): FieldError[] {
  const provisioner = typeof value === 'string' ? value : '';
  if (!provisioner) return [required('provisioner')];
  // Upstream checks (and reports) the lowercased name: provisioners may use capitals.
  const lower = provisioner.toLowerCase();
  return isQualifiedName(lower).map((msg) => invalid('provisioner', lower, msg));
}

function validateParameters(value: unknown): FieldError[] {
  const entries = Object.entries(asObj(value));
  if (entries.length > MAX_PARAMETERS) return [tooLong('parameters', MAX_PARAMETERS)];
  const errs: FieldError[] = [];
  let bytes = 0;
  for (const [k, v] of entries) {
    if (!k) errs.push(invalid('parameters', k, 'field can not be empty.'));
    bytes += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (bytes > MAX_PARAMETERS_BYTES) errs.push(tooLong('parameters', MAX_PARAMETERS_BYTES));
  return errs;
}

/** A topology term as upstream compares terms: label key → set of values, canonically ordered. */
function validateTopologyTerm(term: Obj, path: string, errs: FieldError[]): string {
  const exprPath = child(path, 'matchLabelExpressions');
  const byKey = new Map<string, Set<string>>();
  asArr(term.matchLabelExpressions).forEach((item, i) => {
    const req = asObj(item);
    const p = index(exprPath, i);
    const key = typeof req.key === 'string' ? req.key : '';
    const values = asArr(req.values).map(String);
    if (!values.length) errs.push(required(child(p, 'values')));
    const set = new Set<string>();
    values.forEach((v, j) => {
      if (set.has(v)) errs.push(duplicate(index(child(p, 'values'), j), v));
      set.add(v);
    });
    errs.push(...isQualifiedName(key).map((msg) => invalid(child(p, 'key'), key, msg)));
    if (byKey.has(key)) errs.push(duplicate(child(p, 'key'), key));
    byKey.set(key, set);
  });
  return JSON.stringify([...byKey].map(([k, vs]) => [k, [...vs].sort()]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
}

/**
 * Upstream's validateAllowedTopologies. Its list of seen terms starts with one empty
 * placeholder per term, and an empty term equals those placeholders, so a term without
 * expressions is reported as a duplicate (once per placeholder), as upstream does.
 */
function validateAllowedTopologies(value: unknown): FieldError[] {
  const terms = asArr(value);
  const errs: FieldError[] = [];
  const EMPTY = '[]';
  const seen: string[] = terms.map(() => EMPTY);
  terms.forEach((term, i) => {
    const path = index('allowedTopologies', i);
    const shape = validateTopologyTerm(asObj(term), path, errs);
    for (const other of seen) if (other === shape) errs.push(duplicate(child(path, 'matchLabelExpressions'), ''));
    seen.push(shape);
  });
  return errs;
}

export function validateStorageClass(obj: KObject, old?: KObject): FieldError[] {
  const errs = [...validateProvisioner(obj.provisioner), ...validateParameters(obj.parameters)];
  // An empty reclaimPolicy passes (upstream checks only a non-empty one).
  if (typeof obj.reclaimPolicy === 'string' && obj.reclaimPolicy && !RECLAIM_POLICIES.includes(obj.reclaimPolicy)) {
    errs.push(notSupported('reclaimPolicy', obj.reclaimPolicy, RECLAIM_POLICIES));
  }
  if (!isSet(obj.volumeBindingMode)) errs.push(required('volumeBindingMode'));
  else if (!BINDING_MODES.includes(String(obj.volumeBindingMode))) errs.push(notSupported('volumeBindingMode', obj.volumeBindingMode, BINDING_MODES));
  errs.push(...validateAllowedTopologies(obj.allowedTopologies));
  if (old) {
    // Upstream's stored objects never hold an empty map, so no parameters and {} compare equal.
    if (!deepEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
    if ((obj.provisioner ?? '') !== (old.provisioner ?? '')) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if ((obj.reclaimPolicy ?? '') !== (old.reclaimPolicy ?? '')) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    errs.push(...immutable('volumeBindingMode', obj.volumeBindingMode, old.volumeBindingMode));
  }
  return errs;
}

function validateScheduling(scheduling: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(scheduling.nodeSelector)) errs.push(...validateLabels(asObj(scheduling.nodeSelector) as Record<string, string>, 'scheduling.nodeSelector'));
  errs.push(...validateTolerations(scheduling.tolerations, 'scheduling.tolerations'));
  errs.push(...duplicateTolerations(scheduling.tolerations, 'scheduling.tolerations'));
  return errs;
}

export function validateRuntimeClass(obj: KObject, old?: KObject): FieldError[] {
  const handler = typeof obj.handler === 'string' ? obj.handler : '';
  const errs = isDNS1123Label(handler).map((msg) => invalid('handler', handler, msg));
  // The overhead is checked as a container's limits would be (so errors name `overhead.limits`).
  if (isSet(obj.overhead)) errs.push(...validateResourceRequirements({ limits: asObj(obj.overhead).podFixed }, 'overhead'));
  if (isSet(obj.scheduling)) errs.push(...validateScheduling(asObj(obj.scheduling)));
  if (old) errs.push(...immutable('handler', handler, typeof old.handler === 'string' ? old.handler : ''));
  return errs;
}
