/** core/v1 ('' group) kinds. */
import type { KObject, ResourceType } from '../types.js';
import { defaultLimitRange, defaultNamespace, defaultNode, defaultPersistentVolume, defaultPersistentVolumeClaim, defaultSecret, defaultService } from '../defaults/core.js';
import { defaultPod } from '../defaults/pod.js';
import { defaultReplicationController } from '../defaults/workloads.js';
import {
  validateConfigMap, validateNamespace, validatePersistentVolume, validatePersistentVolumeClaim, validateReplicationController, validateSecret, validateService, validateTaints,
} from '../validation/core.js';
import { nameIsDNS1035Label, nameIsDNSLabel } from '../validation/names.js';
import { validatePod } from '../validation/pod.js';
import { CREATE_ONLY, field, fields, metaAnd } from './helpers.js';

const C = 'io.k8s.api.core.v1';

/** Upstream's pod field selector defaults spec.nodeName etc. to '' when unset; match that. */
const orEmpty = (path: string) => {
  const read = field(path);
  return (obj: KObject) => read(obj) ?? '';
};

export function coreTypes(): ResourceType[] {
  return [
    {
      group: '', version: 'v1', kind: 'Namespace', strategy: { noGeneration: true, returnDeletedObject: true }, plural: 'namespaces', singular: 'namespace', namespaced: false, shortNames: ['ns'],
      schemaRef: `${C}.Namespace`, subresources: { status: true },
      // Upstream's namespace registry has no DeleteCollection: `DELETE /api/v1/namespaces` is a 405.
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      selectableFields: fields('status.phase'),
      defaulter: defaultNamespace, validator: metaAnd({ namespaced: false, nameRule: nameIsDNSLabel, rest: validateNamespace }),
    },
    {
      group: '', version: 'v1', kind: 'Pod', strategy: { returnDeletedObject: true }, plural: 'pods', singular: 'pod', namespaced: true, shortNames: ['po'], categories: ['all'],
      schemaRef: `${C}.Pod`, subresources: { status: true, extra: [{ name: 'binding', kind: 'Binding', verbs: ['create'] }, { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] }, { name: 'log', kind: 'Pod', verbs: ['get'] }] },
      selectableFields: {
        'spec.nodeName': orEmpty('spec.nodeName'),
        'spec.restartPolicy': orEmpty('spec.restartPolicy'),
        'spec.schedulerName': orEmpty('spec.schedulerName'),
        'spec.serviceAccountName': orEmpty('spec.serviceAccountName'),
        'spec.hostNetwork': (o) => String((o.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork === true),
        'status.phase': orEmpty('status.phase'),
        'status.podIP': orEmpty('status.podIP'),
        'status.nominatedNodeName': orEmpty('status.nominatedNodeName'),
      },
      defaulter: defaultPod as (o: KObject) => void, validator: metaAnd({ namespaced: true, rest: validatePod }),
    },
    {
      group: '', version: 'v1', kind: 'PodTemplate', plural: 'podtemplates', singular: 'podtemplate', namespaced: true,
      schemaRef: `${C}.PodTemplate`, validator: metaAnd({ namespaced: true }),
    },
    {
      group: '', version: 'v1', kind: 'Binding', plural: 'bindings', singular: 'binding', namespaced: true,
      schemaRef: `${C}.Binding`, verbs: CREATE_ONLY, virtual: true,
    },
    {
      group: '', version: 'v1', kind: 'ReplicationController', plural: 'replicationcontrollers', singular: 'replicationcontroller', namespaced: true,
      shortNames: ['rc'], categories: ['all'], schemaRef: `${C}.ReplicationController`,
      subresources: { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' } },
      selectableFields: fields('status.replicas'),
      defaulter: defaultReplicationController, validator: metaAnd({ namespaced: true, rest: validateReplicationController }),
    },
    {
      group: '', version: 'v1', kind: 'Service', strategy: { noGeneration: true, returnDeletedObject: true }, plural: 'services', singular: 'service', namespaced: true, shortNames: ['svc'], categories: ['all'],
      schemaRef: `${C}.Service`, subresources: { status: true },
      defaulter: defaultService, validator: metaAnd({ namespaced: true, nameRule: nameIsDNS1035Label, rest: validateService }),
    },
    {
      group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'],
      schemaRef: `${C}.Endpoints`, validator: metaAnd({ namespaced: true }),
    },
    {
      group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true, shortNames: ['cm'],
      schemaRef: `${C}.ConfigMap`, validator: metaAnd({ namespaced: true, rest: validateConfigMap }),
    },
    {
      group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true,
      schemaRef: `${C}.Secret`, selectableFields: fields('type'),
      defaulter: defaultSecret, validator: metaAnd({ namespaced: true, rest: validateSecret }),
    },
    {
      group: '', version: 'v1', kind: 'ServiceAccount', strategy: { returnDeletedObject: true }, plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true, shortNames: ['sa'],
      schemaRef: `${C}.ServiceAccount`, validator: metaAnd({ namespaced: true }),
    },
    {
      group: '', version: 'v1', kind: 'Event', plural: 'events', singular: 'event', namespaced: true, shortNames: ['ev'],
      schemaRef: `${C}.Event`,
      selectableFields: fields(
        'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion',
        'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type',
      ),
      validator: metaAnd({ namespaced: true }),
    },
    {
      group: '', version: 'v1', kind: 'Node', strategy: { noGeneration: true, keepStatusOnCreate: true }, plural: 'nodes', singular: 'node', namespaced: false, shortNames: ['no'],
      schemaRef: `${C}.Node`, subresources: { status: true },
      selectableFields: { 'spec.unschedulable': (o) => String((o.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true) },
      defaulter: defaultNode, validator: metaAnd({ namespaced: false, rest: validateTaints }),
    },
    {
      group: '', version: 'v1', kind: 'PersistentVolume', strategy: { noGeneration: true, returnDeletedObject: true }, plural: 'persistentvolumes', singular: 'persistentvolume', namespaced: false, shortNames: ['pv'],
      schemaRef: `${C}.PersistentVolume`, subresources: { status: true }, selectableFields: { name: field('metadata.name') },
      defaulter: defaultPersistentVolume, validator: metaAnd({ namespaced: false, rest: validatePersistentVolume }),
    },
    {
      group: '', version: 'v1', kind: 'PersistentVolumeClaim', strategy: { noGeneration: true, returnDeletedObject: true }, plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', namespaced: true, shortNames: ['pvc'],
      schemaRef: `${C}.PersistentVolumeClaim`, subresources: { status: true }, selectableFields: { name: field('metadata.name') },
      defaulter: defaultPersistentVolumeClaim, validator: metaAnd({ namespaced: true, rest: validatePersistentVolumeClaim }),
    },
    {
      group: '', version: 'v1', kind: 'LimitRange', strategy: { noGeneration: true }, plural: 'limitranges', singular: 'limitrange', namespaced: true, shortNames: ['limits'],
      schemaRef: `${C}.LimitRange`, defaulter: defaultLimitRange, validator: metaAnd({ namespaced: true }),
    },
    {
      group: '', version: 'v1', kind: 'ResourceQuota', strategy: { noGeneration: true }, plural: 'resourcequotas', singular: 'resourcequota', namespaced: true, shortNames: ['quota'],
      schemaRef: `${C}.ResourceQuota`, subresources: { status: true }, validator: metaAnd({ namespaced: true }),
    },
  ];
}
