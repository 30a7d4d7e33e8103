/** The basic CustomResourceDefinition rules (apiextensions-apiserver validation). */
import type { FieldError, KObject } from '../types.js';
import { immutable, invalid, invalidEach, notSupported, required } from './field.js';
import { isDNS1035Label, isDNS1123Subdomain } from './names.js';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export function validateCustomResourceDefinition(obj: KObject, old?: KObject): FieldError[] {
  const spec = asObj(obj.spec);
  const names = asObj(spec.names);
  const errs: FieldError[] = [];
  const group = String(spec.group ?? '');
  const plural = String(names.plural ?? '');
  if (obj.metadata?.name !== `${plural}.${group}`) errs.push(invalid('metadata.name', obj.metadata?.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  if (!group) errs.push(required('spec.group', ''));
  else {
    errs.push(...invalidEach('spec.group', group, isDNS1123Subdomain(group)));
    if (group.split('.').length < 2) errs.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  if (!plural) errs.push(required('spec.names.plural', ''));
  else errs.push(...invalidEach('spec.names.plural', plural, isDNS1035Label(plural)));
  if (names.singular) errs.push(...invalidEach('spec.names.singular', names.singular, isDNS1035Label(String(names.singular))));
  if (!names.kind) errs.push(required('spec.names.kind', ''));
  const scopes = ['Cluster', 'Namespaced'];
  if (!scopes.includes(String(spec.scope))) errs.push(spec.scope ? notSupported('spec.scope', spec.scope, scopes) : required('spec.scope', ''));
  const versions = Array.isArray(spec.versions) ? spec.versions.map(asObj) : [];
  if (!versions.length) errs.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  else if (versions.filter((v) => v.storage === true).length !== 1) errs.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const name = String(v.name ?? '');
    if (!name) errs.push(required(`spec.versions[${i}].name`, ''));
    else if (seen.has(name)) errs.push(invalid('spec.versions', versions, 'must contain unique version names'));
    seen.add(name);
  });
  if (old) errs.push(...immutable('spec.scope', spec.scope, asObj(old.spec).scope));
  return errs;
}
