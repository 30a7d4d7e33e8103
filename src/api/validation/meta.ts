/**
 * ObjectMeta validation (apimachinery api/validation/objectmeta.go and
 * apis/meta/v1/validation): name per kind, labels, annotations, owner references.
 */
import type { FieldError, KObject, ObjectMeta } from '../types.js';
import { child, forbidden, immutable, index, invalid, invalidEach, required, tooLong } from './field.js';
import { isLabelValue, isQualifiedName, type NameRule } from './names.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...invalidEach(path, k, isQualifiedName(k)));
    errs.push(...invalidEach(path, v, isLabelValue(String(v))));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    errs.push(...invalidEach(path, k, isQualifiedName(k.toLowerCase())));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export function validateOwnerReferences(refs: ObjectMeta['ownerReferences'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  let controllers = 0;
  (refs ?? []).forEach((r, i) => {
    const p = index(path, i);
    for (const f of ['apiVersion', 'kind', 'name', 'uid'] as const) {
      if (!r?.[f]) errs.push(required(child(p, f), 'must not be empty'));
    }
    if (r?.apiVersion && r.apiVersion.split('/').length > 2) errs.push(invalid(child(p, 'apiVersion'), r.apiVersion, 'must be <group>/<version> or <version>'));
    if (r?.controller) controllers++;
  });
  if (controllers > 1) errs.push(invalid(path, refs, 'Only one reference can have Controller set to true'));
  return errs;
}

export interface MetaRules {
  nameRule: NameRule;
  namespaced: boolean;
}

export function validateObjectMeta(obj: KObject, rules: MetaRules, old?: KObject): FieldError[] {
  const meta = obj.metadata ?? {};
  const errs: FieldError[] = [];
  if (!meta.name && !meta.generateName) errs.push(required('metadata.name', 'name or generateName is required'));
  if (meta.name) errs.push(...invalidEach('metadata.name', meta.name, rules.nameRule(meta.name)));
  // As upstream's ValidateObjectMeta: generateName is a name prefix, checked with a trailing dash masked.
  if (meta.generateName) {
    const prefix = meta.generateName.length > 1 && meta.generateName.endsWith('-') ? `${meta.generateName.slice(0, -1)}a` : meta.generateName;
    errs.push(...invalidEach('metadata.generateName', meta.generateName, rules.nameRule(prefix)));
  }
  if (!rules.namespaced && meta.namespace) errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(meta.ownerReferences, 'metadata.ownerReferences'));
  if (old?.metadata) {
    errs.push(...immutable('metadata.name', meta.name, old.metadata.name));
    if (rules.namespaced) errs.push(...immutable('metadata.namespace', meta.namespace, old.metadata.namespace));
  }
  return errs;
}
