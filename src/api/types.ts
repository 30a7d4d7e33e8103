/**
 * The resource catalogue's vocabulary. One `ResourceType` declaration per kind drives
 * routing, discovery, OpenAPI, validation, defaulting, printing and patch merge keys.
 * Everything here is pure data and functions: no I/O.
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [extra: string]: unknown;
}

/** Any API object as JSON. */
export interface KObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** A structural OpenAPI v3 schema with the Kubernetes extensions the server needs. */
export interface Schema {
  /** Name of a shared definition (e.g. `io.k8s.api.core.v1.Container`); other keys are then ignored. */
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  uniqueItems?: boolean;
  /** Alternatives, as upstream's v3 document uses for Quantity (string or number). */
  oneOf?: Schema[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-group-version-kind'?: Array<{ group: string; version: string; kind: string }>;
}

/** Shared named schemas (the OpenAPI `components.schemas` / v2 `definitions`). */
export type SchemaDefinitions = Record<string, Schema>;

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const ALL_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** One validation failure, in the shape of apimachinery's field.Error. */
export interface FieldError {
  /** `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueDuplicate`, `FieldValueForbidden`, `FieldValueTooLong`, `FieldValueTypeInvalid`. */
  reason: string;
  /** Dotted path, e.g. `spec.containers[0].image`. */
  field: string;
  /** As kubectl prints it after the field, e.g. `Invalid value: -1: must be greater than or equal to 0`. */
  message: string;
}

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  priority: number;
}

export interface TablePrinter {
  columns: TableColumn[];
  /** Cells for one object, in column order, already formatted (ages as HumanDuration). */
  row(obj: KObject, now: Date): unknown[];
}

export interface ScaleSubresource {
  /** JSON paths (dotted, e.g. `.spec.replicas`) as in a CRD's scale subresource. */
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** A subresource beyond status/scale; group/version/kind only where they differ from the parent's. */
export interface SubresourceInfo {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: Verb[];
}

export interface ResourceType {
  group: string; // '' for core
  version: string;
  kind: string;
  listKind?: string; // default `${kind}List`
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: Verb[]; // default ALL_VERBS
  /** Name of the object's schema in the definitions, e.g. `io.k8s.api.core.v1.Pod`. */
  schemaRef: string;
  subresources?: {
    status?: boolean;
    scale?: ScaleSubresource;
    /** Other subresources as discovery lists them (`pods/log`, `pods/eviction`, `serviceaccounts/token`). */
    extra?: SubresourceInfo[];
  };
  /**
   * "Virtual" kinds are never stored; the API server answers them with a handler of its
   * own: create-only reviews and token requests, read-only metrics.k8s.io usage.
   */
  virtual?: boolean;
  /** Field-selector fields beyond metadata.name / metadata.namespace. */
  selectableFields?: Record<string, (obj: KObject) => string | undefined>;
  /** Fills API defaults in place (after decoding, before admission). */
  defaulter?: (obj: KObject) => void;
  /** Validation beyond the schema; `old` is set on update. */
  validator?: (obj: KObject, old?: KObject) => FieldError[];
  /** Server-side table columns; absent means Name + Age. */
  printer?: TablePrinter;
  /** Set for kinds served from a CustomResourceDefinition. */
  custom?: boolean;
  /** Registry behaviour that differs per kind (upstream: each kind's REST strategy). */
  strategy?: {
    /** metadata.generation is not tracked even though the kind has a spec. */
    noGeneration?: boolean;
    /** DELETE answers with the deleted object rather than a Success Status (ReturnDeletedObject). */
    returnDeletedObject?: boolean;
    /** Status sent on create is kept despite a status subresource (nodes register with theirs). */
    keepStatusOnCreate?: boolean;
    /** Why an object may not be deleted (e.g. a built-in PriorityClass), or undefined when it may. */
    undeletable?(name: string): string | undefined;
  };
}

export function apiVersionOf(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}
