/**
 * A CustomResourceDefinition (apiextensions.k8s.io/v1) as catalogue entries: one
 * ResourceType per served version, plus the definitions its schemas live under
 * (named like apiextensions' OpenAPI builder: `com.example.stable.v1.CronTab`).
 * The version's `openAPIV3Schema` becomes the kind's schema with apiVersion, kind and
 * metadata (a ref to ObjectMeta) filled in, as upstream publishes it.
 */
import type { KObject, ResourceType, Schema, SchemaDefinitions } from '../types.js';
import { OBJECT_META_REF } from '../structural/resolve.js';
import { evaluateJsonPath, parseJsonPath } from './jsonpath.js';
import { crdPrinter, type PrinterColumn } from './printer.js';

type Json = Record<string, any>;

/** `stable.example.com` → `com.example.stable` (kube-openapi's REST-friendly name). */
export function definitionName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

export interface CRDConversion {
  types: ResourceType[];
  definitions: SchemaDefinitions;
  /** The version marked `storage: true`. */
  storageVersion: string | undefined;
}

export function resourceTypesFromCRD(crd: KObject): CRDConversion {
  const spec = (crd.spec ?? {}) as Json;
  const names = (spec.names ?? {}) as Json;
  const group = String(spec.group ?? '');
  const kind = String(names.kind ?? '');
  const listKind = String(names.listKind || `${kind}List`);
  const types: ResourceType[] = [];
  const definitions: SchemaDefinitions = {};
  let storageVersion: string | undefined;
  for (const v of (spec.versions ?? []) as Json[]) {
    if (v.storage) storageVersion = v.name;
    if (!v.served) continue;
    const version = String(v.name);
    const schemaRef = definitionName(group, version, kind);
    const listRef = definitionName(group, version, listKind);
    definitions[schemaRef] = kindSchema(v.schema?.openAPIV3Schema as Schema | undefined, { group, version, kind });
    definitions[listRef] = listSchema(schemaRef, { group, version, kind: listKind });
    const rt: ResourceType = {
      group,
      version,
      kind,
      listKind,
      plural: String(names.plural ?? ''),
      singular: String(names.singular || kind.toLowerCase()),
      namespaced: spec.scope !== 'Cluster',
      schemaRef,
      printer: crdPrinter(v.additionalPrinterColumns as PrinterColumn[] | undefined),
      custom: true,
    };
    if (names.shortNames?.length) rt.shortNames = [...names.shortNames];
    if (names.categories?.length) rt.categories = [...names.categories];
    const subs = (v.subresources ?? {}) as Json;
    if (subs.status || subs.scale) {
      rt.subresources = {};
      if (subs.status) rt.subresources.status = true;
      if (subs.scale) {
        rt.subresources.scale = { specReplicasPath: subs.scale.specReplicasPath, statusReplicasPath: subs.scale.statusReplicasPath };
        if (subs.scale.labelSelectorPath) rt.subresources.scale.labelSelectorPath = subs.scale.labelSelectorPath;
      }
    }
    const selectable = (v.selectableFields ?? []) as Json[];
    if (selectable.length) {
      rt.selectableFields = {};
      for (const f of selectable) {
        const path = parseJsonPath(String(f.jsonPath));
        const key = String(f.jsonPath).replace(/^\./, '');
        rt.selectableFields[key] = (obj) => {
          const found = evaluateJsonPath(path, obj)[0];
          return found === undefined || found === null ? undefined : String(found);
        };
      }
    }
    types.push(rt);
  }
  return { types, definitions, storageVersion };
}

function kindSchema(schema: Schema | undefined, gvk: { group: string; version: string; kind: string }): Schema {
  const base: Schema = schema ? { ...schema } : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const properties: Record<string, Schema> = { ...(base.properties ?? {}) };
  properties.apiVersion = { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' };
  properties.kind = { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
  properties.metadata = { $ref: OBJECT_META_REF };
  base.type = 'object';
  base.properties = properties;
  base['x-kubernetes-group-version-kind'] = [gvk];
  return base;
}

function listSchema(itemRef: string, gvk: { group: string; version: string; kind: string }): Schema {
  return {
    type: 'object',
    description: `${gvk.kind} is a list of ${gvk.kind.replace(/List$/, '')}`,
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      items: { type: 'array', items: { $ref: itemRef } },
      kind: { type: 'string' },
      metadata: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta' },
    },
    'x-kubernetes-group-version-kind': [gvk],
  };
}
