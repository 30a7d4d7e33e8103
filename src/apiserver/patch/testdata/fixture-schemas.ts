/**
 * A miniature of the built-in OpenAPI definitions (names and extensions as upstream
 * publishes them), enough to exercise every patch strategy and list type.
 */
import type { Schema, SchemaDefinitions } from '../../../api/types.js';

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer', format: 'int32' };
const strMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };

export const definitions: SchemaDefinitions = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    type: 'object',
    properties: {
      name: str,
      namespace: str,
      uid: str,
      resourceVersion: str,
      generation: { type: 'integer', format: 'int64' },
      creationTimestamp: str,
      labels: strMap,
      annotations: strMap,
      finalizers: { type: 'array', items: str, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
      managedFields: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, 'x-kubernetes-list-type': 'atomic' },
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': {
    type: 'object',
    properties: { matchLabels: strMap },
    'x-kubernetes-map-type': 'atomic',
  },
  'io.k8s.api.core.v1.ContainerPort': {
    type: 'object',
    required: ['containerPort'],
    properties: { containerPort: int, name: str, protocol: { type: 'string', default: 'TCP' } },
  },
  'io.k8s.api.core.v1.EnvVar': { type: 'object', required: ['name'], properties: { name: str, value: str } },
  'io.k8s.api.core.v1.Container': {
    type: 'object',
    required: ['name'],
    properties: {
      name: str,
      image: str,
      args: { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' },
      ports: {
        type: 'array',
        items: { $ref: 'io.k8s.api.core.v1.ContainerPort' },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
        'x-kubernetes-patch-merge-key': 'containerPort',
        'x-kubernetes-patch-strategy': 'merge',
      },
      env: { type: 'array', items: { $ref: 'io.k8s.api.core.v1.EnvVar' }, 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
      resources: { type: 'object', properties: { limits: strMap, requests: strMap } },
      terminationMessagePath: str,
    },
  },
  'io.k8s.api.core.v1.Volume': {
    type: 'object',
    required: ['name'],
    properties: {
      name: str,
      emptyDir: { type: 'object', properties: { medium: str } },
      configMap: { type: 'object', properties: { name: str } },
      hostPath: { type: 'object', properties: { path: str } },
    },
  },
  'io.k8s.api.core.v1.PodSpec': {
    type: 'object',
    properties: {
      containers: {
        type: 'array',
        items: { $ref: 'io.k8s.api.core.v1.Container' },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge',
      },
      volumes: {
        type: 'array',
        items: { $ref: 'io.k8s.api.core.v1.Volume' },
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge,retainKeys',
      },
      nodeSelector: { ...strMap, 'x-kubernetes-map-type': 'atomic' },
      restartPolicy: str,
      unschedulable: { type: 'boolean' },
    },
  },
  'io.k8s.api.core.v1.PodTemplateSpec': {
    type: 'object',
    properties: { metadata: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }, spec: { $ref: 'io.k8s.api.core.v1.PodSpec' } },
  },
  'io.k8s.api.core.v1.Pod': {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
      spec: { $ref: 'io.k8s.api.core.v1.PodSpec' },
      status: { type: 'object', properties: { phase: str } },
    },
  },
  'io.k8s.api.apps.v1.DeploymentStrategy': {
    type: 'object',
    properties: {
      type: str,
      rollingUpdate: { type: 'object', properties: { maxSurge: { 'x-kubernetes-int-or-string': true }, maxUnavailable: { 'x-kubernetes-int-or-string': true } } },
    },
  },
  'io.k8s.api.apps.v1.DeploymentSpec': {
    type: 'object',
    properties: {
      replicas: int,
      selector: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector' },
      template: { $ref: 'io.k8s.api.core.v1.PodTemplateSpec' },
      strategy: { $ref: 'io.k8s.api.apps.v1.DeploymentStrategy', 'x-kubernetes-patch-strategy': 'retainKeys' },
      paused: { type: 'boolean' },
    },
  },
  'io.k8s.api.apps.v1.Deployment': {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
      spec: { $ref: 'io.k8s.api.apps.v1.DeploymentSpec' },
      status: { type: 'object', properties: { replicas: int, readyReplicas: int } },
    },
  },
  'io.k8s.api.core.v1.ConfigMap': {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }, data: strMap },
  },
};

export const deploymentSchema: Schema = { $ref: 'io.k8s.api.apps.v1.Deployment' };
export const podSchema: Schema = { $ref: 'io.k8s.api.core.v1.Pod' };
export const configMapSchema: Schema = { $ref: 'io.k8s.api.core.v1.ConfigMap' };
