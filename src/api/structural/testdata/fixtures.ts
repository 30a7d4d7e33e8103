/**
 * Small hand-made catalogue fixtures shared by the tests of discovery, OpenAPI,
 * printers, CRDs and structural schemas. Deliberately tiny: they exercise the shapes
 * (refs, lists, maps, int-or-string, subresources) not the real built-in schemas.
 */
import type { ResourceType, SchemaDefinitions } from '../../types.js';

const meta = (name: string) => ({ $ref: `io.k8s.apimachinery.pkg.apis.meta.v1.${name}` });

export const definitions: SchemaDefinitions = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    type: 'object',
    properties: {
      name: { type: 'string' },
      namespace: { type: 'string' },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      annotations: { type: 'object', additionalProperties: { type: 'string' } },
      creationTimestamp: meta('Time'),
      resourceVersion: { type: 'string' },
      uid: { type: 'string' },
      managedFields: { type: 'array', items: meta('ManagedFieldsEntry') },
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry': {
    type: 'object',
    properties: { manager: { type: 'string' }, fieldsV1: meta('FieldsV1') },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': { type: 'object', description: 'free-form field set' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
  'io.k8s.api.core.v1.Pod': {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: meta('ObjectMeta'),
      spec: { $ref: 'io.k8s.api.core.v1.PodSpec', description: 'Desired behaviour of the pod.' },
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
    'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Pod' }],
  },
  'io.k8s.api.core.v1.PodSpec': {
    type: 'object',
    required: ['containers'],
    properties: {
      containers: {
        type: 'array',
        items: { $ref: 'io.k8s.api.core.v1.Container' },
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge',
      },
      restartPolicy: { type: 'string', enum: ['Always', 'OnFailure', 'Never'], default: 'Always' },
      nodeName: { type: 'string' },
      terminationGracePeriodSeconds: { type: 'integer', format: 'int64', minimum: 0 },
    },
  },
  'io.k8s.api.core.v1.Container': {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', maxLength: 63 },
      image: { type: 'string' },
      args: { type: 'array', items: { type: 'string' } },
      ports: {
        type: 'array',
        items: { $ref: 'io.k8s.api.core.v1.ContainerPort' },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
      },
      resources: {
        type: 'object',
        properties: { limits: { type: 'object', additionalProperties: { $ref: 'io.k8s.apimachinery.pkg.api.resource.Quantity' } } },
      },
    },
  },
  'io.k8s.api.core.v1.ContainerPort': {
    type: 'object',
    required: ['containerPort'],
    properties: {
      containerPort: { type: 'integer', format: 'int32', minimum: 1, maximum: 65535 },
      protocol: { type: 'string', default: 'TCP' },
      targetPort: { $ref: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
    },
  },
  'io.k8s.api.apps.v1.Deployment': {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: meta('ObjectMeta'),
      spec: { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' } } },
    },
    'x-kubernetes-group-version-kind': [{ group: 'apps', version: 'v1', kind: 'Deployment' }],
  },
  'io.k8s.api.authorization.v1.SelfSubjectAccessReview': {
    type: 'object',
    properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: meta('ObjectMeta'), spec: { type: 'object' } },
  },
};

export const podType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  schemaRef: 'io.k8s.api.core.v1.Pod',
  subresources: {
    status: true,
    extra: [
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
    ],
  },
};

export const namespaceType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  schemaRef: 'io.k8s.api.core.v1.Namespace',
  subresources: { status: true },
};

export const deploymentType: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  schemaRef: 'io.k8s.api.apps.v1.Deployment',
  subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
};

export const reviewType: ResourceType = {
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectAccessReview',
  plural: 'selfsubjectaccessreviews',
  singular: 'selfsubjectaccessreview',
  namespaced: false,
  verbs: ['create'],
  virtual: true,
  schemaRef: 'io.k8s.api.authorization.v1.SelfSubjectAccessReview',
};

export const hpaV1: ResourceType = {
  group: 'autoscaling',
  version: 'v1',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  schemaRef: 'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler',
};

export const hpaV2: ResourceType = { ...hpaV1, version: 'v2', schemaRef: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler', categories: ['all'] };

export const allTypes: ResourceType[] = [podType, namespaceType, deploymentType, reviewType, hpaV1, hpaV2];
