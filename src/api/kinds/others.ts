/** events.k8s.io, coordination.k8s.io, scheduling.k8s.io, policy, authorization.k8s.io and authentication.k8s.io kinds. */
import type { ResourceType } from '../types.js';
import { validatePodDisruptionBudget } from '../validation/policy.js';
import { defaultPriorityClass, SYSTEM_PRIORITY_CLASSES, validatePriorityClass } from '../validation/scheduling.js';
import { defaultStorageClass, validateRuntimeClass, validateStorageClass } from '../validation/storage-node.js';
import { CREATE_ONLY, fields, metaAnd } from './helpers.js';

export function eventsTypes(): ResourceType[] {
  return [{
    group: 'events.k8s.io', version: 'v1', kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'],
    schemaRef: 'io.k8s.api.events.v1.Event',
    // Same storage as core events; selectors use the core field names (upstream shares them).
    selectableFields: fields(
      'regarding.kind', 'regarding.namespace', 'regarding.name', 'regarding.uid', 'regarding.apiVersion', 'regarding.resourceVersion',
      'regarding.fieldPath', 'reason', 'reportingController', 'type',
    ),
    validator: metaAnd({ namespaced: true }),
  }];
}

export function coordinationTypes(): ResourceType[] {
  return [{
    group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', strategy: { noGeneration: true }, plural: 'leases', singular: 'lease', namespaced: true,
    schemaRef: 'io.k8s.api.coordination.v1.Lease', validator: metaAnd({ namespaced: true }),
  }];
}

export function schedulingTypes(): ResourceType[] {
  return [{
    group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass', plural: 'priorityclasses',
    strategy: {
      noGeneration: true,
      // Upstream's PriorityClass REST storage refuses these in Delete.
      undeletable: (name) => (SYSTEM_PRIORITY_CLASSES.some((c) => c.name === name) ? 'this is a system priority class and cannot be deleted' : undefined),
    }, singular: 'priorityclass', namespaced: false,
    shortNames: ['pc'], schemaRef: 'io.k8s.api.scheduling.v1.PriorityClass',
    defaulter: defaultPriorityClass, validator: metaAnd({ namespaced: false, rest: validatePriorityClass }),
  }];
}

export function storageTypes(): ResourceType[] {
  return [{
    group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass', plural: 'storageclasses', singular: 'storageclass', namespaced: false,
    strategy: { noGeneration: true }, shortNames: ['sc'], schemaRef: 'io.k8s.api.storage.v1.StorageClass',
    defaulter: defaultStorageClass, validator: metaAnd({ namespaced: false, rest: validateStorageClass }),
  }];
}

export function nodeTypes(): ResourceType[] {
  return [{
    group: 'node.k8s.io', version: 'v1', kind: 'RuntimeClass', plural: 'runtimeclasses', singular: 'runtimeclass', namespaced: false,
    strategy: { noGeneration: true }, schemaRef: 'io.k8s.api.node.v1.RuntimeClass',
    validator: metaAnd({ namespaced: false, rest: validateRuntimeClass }),
  }];
}

/** Read-only usage answered from the kubelets on each request (handlers/metrics.ts), never stored. */
export function metricsTypes(): ResourceType[] {
  return (['NodeMetrics', 'PodMetrics'] as const).map((kind) => ({
    group: 'metrics.k8s.io', version: 'v1beta1', kind, plural: kind === 'NodeMetrics' ? 'nodes' : 'pods', singular: '', namespaced: kind === 'PodMetrics',
    schemaRef: `io.k8s.metrics.pkg.apis.metrics.v1beta1.${kind}`, verbs: ['get', 'list'], virtual: true,
  }));
}

export function policyTypes(): ResourceType[] {
  return [{
    group: 'policy', version: 'v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', namespaced: true,
    shortNames: ['pdb'], schemaRef: 'io.k8s.api.policy.v1.PodDisruptionBudget', subresources: { status: true },
    validator: metaAnd({ namespaced: true, rest: validatePodDisruptionBudget }),
  }];
}

export function authorizationTypes(): ResourceType[] {
  const review = (kind: string, plural: string): ResourceType => ({
    group: 'authorization.k8s.io', version: 'v1', kind, plural, singular: plural.slice(0, -1), namespaced: false,
    schemaRef: `io.k8s.api.authorization.v1.${kind}`, verbs: CREATE_ONLY, virtual: true,
  });
  return [review('SelfSubjectAccessReview', 'selfsubjectaccessreviews'), review('SelfSubjectRulesReview', 'selfsubjectrulesreviews')];
}

export function authenticationTypes(): ResourceType[] {
  return ['v1', 'v1beta1'].map((version) => ({
    group: 'authentication.k8s.io', version, kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', singular: 'selfsubjectreview', namespaced: false,
    schemaRef: `io.k8s.api.authentication.${version}.SelfSubjectReview`, verbs: CREATE_ONLY, virtual: true,
  }));
}
