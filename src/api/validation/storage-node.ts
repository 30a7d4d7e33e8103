/**
 * StorageClass rules (upstream's ValidateStorageClass / ValidateStorageClassUpdate) and
 * RuntimeClass rules (ValidateRuntimeClass / ValidateRuntimeClassUpdate), with their
 * defaults (reclaimPolicy Delete, volumeBindingMode Immediate).
 */
import type { FieldError, KObject } from '../types.js';
import { deepEqual } from '../../apiserver/patch/json.js';
import { forbidden, immutable, invalid, notSupported, required, tooLong } from './field.js';
import { isDNS1123Label, isQualifiedName } from './names.js';

const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
/** Upstream's maxProvisionerParameterSize. */
const MAX_PARAMETERS_BYTES = 256 * 1024;

export function defaultStorageClass(obj: KObject): void {
  obj.reclaimPolicy ??= 'Delete';
  obj.volumeBindingMode ??= 'Immediate';
}

export function validateStorageClass(obj: KObject, old?: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = typeof obj.provisioner === 'string' ? obj.provisioner : '';
  if (!provisioner) errs.push(required('provisioner'));
  else for (const msg of isQualifiedName(provisioner.toLowerCase())) errs.push(invalid('provisioner', provisioner, msg));
  const parameters = (obj.parameters ?? {}) as Record<string, string>;
  let size = 0;
  for (const [k, v] of Object.entries(parameters)) {
    if (!k) errs.push(invalid('parameters', parameters, 'field can not be empty.'));
    size += k.length + String(v).length;
  }
  if (size > MAX_PARAMETERS_BYTES) errs.push(tooLong('parameters', MAX_PARAMETERS_BYTES));
  if (obj.reclaimPolicy !== undefined && !RECLAIM_POLICIES.includes(String(obj.reclaimPolicy))) errs.push(notSupported('reclaimPolicy', obj.reclaimPolicy, RECLAIM_POLICIES));
  if (obj.volumeBindingMode === undefined) errs.push(required('volumeBindingMode'));
  else if (!BINDING_MODES.includes(String(obj.volumeBindingMode))) errs.push(notSupported('volumeBindingMode', obj.volumeBindingMode, BINDING_MODES));
  if (old) {
    if (!deepEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
    if (obj.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (obj.reclaimPolicy !== old.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    errs.push(...immutable('volumeBindingMode', obj.volumeBindingMode, old.volumeBindingMode));
  }
  return errs;
}

export function validateRuntimeClass(obj: KObject, old?: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const handler = typeof obj.handler === 'string' ? obj.handler : '';
  for (const msg of isDNS1123Label(handler)) errs.push(invalid('handler', handler, msg));
  if (old) errs.push(...immutable('handler', obj.handler, old.handler));
  return errs;
}
