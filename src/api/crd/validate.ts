/**
 * The main validation rules of apiextensions-apiserver for a CRD (v1): names, scope,
 * versions (exactly one storage version), printer columns, scale paths, and the
 * structural-schema rules (every node says its type unless it is int-or-string or
 * preserves unknown fields; the root is an object; metadata may only constrain name
 * and generateName; arrays have items).
 */
import type { FieldError, KObject, Schema } from '../types.js';
import { fieldErrors } from '../structural/messages.js';

type Json = Record<string, any>;

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];
const SCHEMA_TYPES = ['object', 'array', 'string', 'integer', 'number', 'boolean'];

export function validateCRD(crd: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = (crd.spec ?? {}) as Json;
  const names = (spec.names ?? {}) as Json;
  const group = typeof spec.group === 'string' ? spec.group : '';

  if (!group) errs.push(fieldErrors.required('spec.group'));
  else if (!group.includes('.')) errs.push(fieldErrors.invalid('spec.group', group, 'should be a domain with at least one dot'));

  if (!names.plural) errs.push(fieldErrors.required('spec.names.plural'));
  else if (!DNS1123_LABEL.test(names.plural)) errs.push(fieldErrors.invalid('spec.names.plural', names.plural, DNS1123_MSG));
  if (names.singular && !DNS1123_LABEL.test(names.singular)) errs.push(fieldErrors.invalid('spec.names.singular', names.singular, DNS1123_MSG));
  if (!names.kind) errs.push(fieldErrors.required('spec.names.kind'));
  (names.shortNames ?? []).forEach((s: string, i: number) => {
    if (!DNS1123_LABEL.test(s)) errs.push(fieldErrors.invalid(`spec.names.shortNames[${i}]`, s, DNS1123_MSG));
  });

  const expected = `${names.plural ?? ''}.${group}`;
  if (crd.metadata?.name !== expected) errs.push(fieldErrors.invalid('metadata.name', crd.metadata?.name ?? '', 'must be spec.names.plural+"."+spec.group'));

  if (!spec.scope) errs.push(fieldErrors.required('spec.scope'));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(fieldErrors.notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));

  const versions = Array.isArray(spec.versions) ? (spec.versions as Json[]) : [];
  if (versions.length === 0) errs.push(fieldErrors.invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  else {
    const storage = versions.filter((v) => v.storage === true).length;
    if (storage !== 1) errs.push(fieldErrors.invalid('spec.versions', versions.map((v) => v.name), 'must have exactly one version marked as storage version'));
    if (!versions.some((v) => v.served === true)) errs.push(fieldErrors.invalid('spec.versions', versions.map((v) => v.name), 'must have at least one version marked as served'));
  }
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const at = `spec.versions[${i}]`;
    if (!v.name) errs.push(fieldErrors.required(`${at}.name`));
    else if (!DNS1035.test(v.name)) errs.push(fieldErrors.invalid(`${at}.name`, v.name, DNS1035_MSG));
    else if (seen.has(v.name)) errs.push(fieldErrors.duplicate(`${at}.name`, v.name));
    else seen.add(v.name);
    const schema = v.schema?.openAPIV3Schema as Schema | undefined;
    if (!schema) errs.push(fieldErrors.required(`${at}.schema.openAPIV3Schema`, 'schemas are required'));
    else validateStructural(schema, `${at}.schema.openAPIV3Schema`, errs);
    validateColumns(v.additionalPrinterColumns, `${at}.additionalPrinterColumns`, errs);
    const scale = v.subresources?.scale as Json | undefined;
    if (scale) {
      if (!scale.specReplicasPath) errs.push(fieldErrors.required(`${at}.subresources.scale.specReplicasPath`));
      else if (!String(scale.specReplicasPath).startsWith('.spec.')) errs.push(fieldErrors.invalid(`${at}.subresources.scale.specReplicasPath`, scale.specReplicasPath, 'should be a json path under .spec'));
      if (!scale.statusReplicasPath) errs.push(fieldErrors.required(`${at}.subresources.scale.statusReplicasPath`));
      else if (!String(scale.statusReplicasPath).startsWith('.status.')) errs.push(fieldErrors.invalid(`${at}.subresources.scale.statusReplicasPath`, scale.statusReplicasPath, 'should be a json path under .status'));
      if (scale.labelSelectorPath && !/^\.(spec|status)\./.test(scale.labelSelectorPath)) {
        errs.push(fieldErrors.invalid(`${at}.subresources.scale.labelSelectorPath`, scale.labelSelectorPath, 'should be a json path under either .spec or .status'));
      }
    }
  });
  return errs;
}

function validateColumns(columns: unknown, at: string, errs: FieldError[]): void {
  if (!Array.isArray(columns)) return;
  columns.forEach((c: Json, i) => {
    const p = `${at}[${i}]`;
    if (!c.name) errs.push(fieldErrors.required(`${p}.name`));
    if (!c.type) errs.push(fieldErrors.required(`${p}.type`));
    else if (!COLUMN_TYPES.includes(c.type)) errs.push(fieldErrors.notSupported(`${p}.type`, c.type, COLUMN_TYPES));
    if (!c.jsonPath) errs.push(fieldErrors.required(`${p}.jsonPath`));
    if (c.priority !== undefined && (typeof c.priority !== 'number' || c.priority < 0)) errs.push(fieldErrors.invalid(`${p}.priority`, c.priority, 'must be greater than or equal to 0'));
  });
}

/** Structural-schema rules, reported with upstream's `properties[name]` path style. */
function validateStructural(root: Schema, at: string, errs: FieldError[]): void {
  if (root.type !== 'object') errs.push(root.type ? fieldErrors.invalid(`${at}.type`, root.type, 'must be object at the root') : fieldErrors.required(`${at}.type`, 'must not be empty at the root'));
  const meta = root.properties?.metadata;
  if (meta) {
    const allowed = new Set(['name', 'generateName']);
    const extraKeys = Object.keys(meta).filter((k) => !['type', 'properties', 'description'].includes(k));
    const extraProps = Object.keys(meta.properties ?? {}).filter((k) => !allowed.has(k));
    if (extraKeys.length || extraProps.length || (meta.type && meta.type !== 'object')) {
      errs.push(fieldErrors.forbidden(`${at}.properties[metadata]`, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
    }
  }
  walk(root, at, errs, true);
}

function walk(s: Schema, at: string, errs: FieldError[], isRoot: boolean): void {
  if (s.$ref !== undefined) errs.push(fieldErrors.forbidden(`${at}.$ref`, '$ref is not supported'));
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'];
  if (preserve === false) errs.push(fieldErrors.invalid(`${at}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'));
  if (!isRoot) {
    if (!s.type && !intOrString && preserve !== true) errs.push(fieldErrors.required(`${at}.type`, 'must not be empty for specified object fields'));
  }
  if (s.type && !SCHEMA_TYPES.includes(s.type)) errs.push(fieldErrors.notSupported(`${at}.type`, s.type, SCHEMA_TYPES));
  if (intOrString && s.type) errs.push(fieldErrors.invalid(`${at}.type`, s.type, 'must be empty to be structural with x-kubernetes-int-or-string'));
  if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    errs.push(fieldErrors.forbidden(`${at}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (s.type === 'array' && !s.items) errs.push(fieldErrors.required(`${at}.items`, 'must be specified'));
  if (s.properties) for (const [k, p] of Object.entries(s.properties)) walk(p, `${at}.properties[${k}]`, errs, false);
  if (s.items) walk(s.items, `${at}.items`, errs, false);
  if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${at}.additionalProperties`, errs, false);
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'map' && !(s['x-kubernetes-list-map-keys'] ?? []).length) {
    errs.push(fieldErrors.required(`${at}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
  }
}
