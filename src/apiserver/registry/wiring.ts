/**
 * Binds the write path's seams (checks.ts) to the schema-driven engines: structural
 * validation and pruning (src/api/structural), patches and managed fields
 * (src/apiserver/patch), all reading schemas from the catalogue.
 */
import type { Catalogue } from '../../api/catalogue.js';
import type { KObject, ResourceType, Schema } from '../../api/types.js';
import { applyDefaults, findUnknownFields, prune, validateValue } from '../../api/structural/index.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, serverSideApply, updateManagedFields } from '../patch/index.js';
import type { FieldManager, PatchEngine, SchemaChecks } from './checks.js';

function schemaFor(catalogue: Catalogue, rt: ResourceType): Schema | undefined {
  try {
    return catalogue.schemaOf(rt);
  } catch {
    return undefined;
  }
}

function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** The main resource never owns status when the kind has a status subresource, and vice versa. */
function ignoredPaths(rt: ResourceType, subresource: string): string[][] | undefined {
  if (!rt.subresources?.status) return undefined;
  return subresource === 'status' ? [['spec'], ['metadata']] : [['status']];
}

export function createSchemaChecks(catalogue: Catalogue): SchemaChecks {
  return {
    validate(rt, obj, previous) {
      const schema = schemaFor(catalogue, rt);
      if (!schema) return [];
      const carried = previous ? Object.keys(obj).filter((k) => obj[k] !== null && typeof obj[k] === 'object' && obj[k] === previous[k]) : [];
      if (!carried.length || !schema.properties) return validateValue(obj, schema, catalogue.definitions);
      // Validated when stored and unchanged since (same reference): a status update re-walks only metadata and status.
      const properties = { ...schema.properties };
      const rest: KObject = { ...obj };
      for (const k of carried) { delete properties[k]; delete rest[k]; }
      return validateValue(rest, { ...schema, properties, required: schema.required?.filter((r) => !carried.includes(r)) }, catalogue.definitions);
    },
    unknownFields(rt, obj) {
      const schema = schemaFor(catalogue, rt);
      return schema ? findUnknownFields(obj, schema, catalogue.definitions) : [];
    },
    applyDefaults(rt, obj) {
      if (!rt.custom) return; // built-in defaults are the kinds' defaulters
      const schema = schemaFor(catalogue, rt);
      if (schema) applyDefaults(obj, schema, catalogue.definitions);
    },
    prune(rt, obj) {
      const schema = schemaFor(catalogue, rt);
      if (schema) prune(obj, schema, catalogue.definitions);
    },
  };
}

export function createPatchEngine(catalogue: Catalogue): PatchEngine {
  return {
    patch(rt, type, doc, patch) {
      switch (type) {
        case 'json': return applyJsonPatch(doc, patch) as KObject;
        case 'merge': return applyMergePatch(doc, patch) as KObject;
        case 'strategic': return applyStrategicMergePatch(doc, patch, { schema: schemaFor(catalogue, rt), definitions: catalogue.definitions }) as KObject;
      }
    },
  };
}

export function createFieldManager(catalogue: Catalogue): FieldManager {
  return {
    update({ rt, live, updated, manager, subresource, now }) {
      return updateManagedFields({
        live, updated, manager, subresource: subresource || undefined, now,
        apiVersion: apiVersionOf(rt),
        schema: schemaFor(catalogue, rt), definitions: catalogue.definitions, builtin: !rt.custom,
        ignoredPaths: ignoredPaths(rt, subresource),
      }).managedFields;
    },
    apply({ rt, live, applied, manager, force, subresource, now }) {
      const result = serverSideApply({
        live, applied, manager, force, subresource: subresource || undefined, now,
        apiVersion: apiVersionOf(rt), kind: rt.kind,
        schema: schemaFor(catalogue, rt), definitions: catalogue.definitions, builtin: !rt.custom,
        ignoredPaths: ignoredPaths(rt, subresource),
      });
      return { ...result.object, metadata: { ...result.object.metadata, managedFields: result.managedFields } };
    },
  };
}
