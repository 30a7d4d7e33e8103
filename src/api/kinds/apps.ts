/** apps/v1 kinds. */
import type { ResourceType } from '../types.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from '../defaults/workloads.js';
import { validateDaemonSet, validateDeployment, validateReplicaSet, validateStatefulSet } from '../validation/workloads.js';
import { fields, metaAnd } from './helpers.js';

const A = 'io.k8s.api.apps.v1';
// Scale.status.selector is the workload's own spec.selector, as upstream's scale REST computes it.
const scale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' };

export function appsTypes(): ResourceType[] {
  return [
    {
      group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true,
      shortNames: ['deploy'], categories: ['all'], schemaRef: `${A}.Deployment`, subresources: { status: true, scale },
      defaulter: defaultDeployment, validator: metaAnd({ namespaced: true, rest: validateDeployment }),
    },
    {
      group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', namespaced: true,
      shortNames: ['rs'], categories: ['all'], schemaRef: `${A}.ReplicaSet`, subresources: { status: true, scale },
      selectableFields: fields('status.replicas'),
      defaulter: defaultReplicaSet, validator: metaAnd({ namespaced: true, rest: validateReplicaSet }),
    },
    {
      group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', singular: 'statefulset', namespaced: true,
      shortNames: ['sts'], categories: ['all'], schemaRef: `${A}.StatefulSet`, subresources: { status: true, scale },
      defaulter: defaultStatefulSet, validator: metaAnd({ namespaced: true, rest: validateStatefulSet }),
    },
    {
      group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', singular: 'daemonset', namespaced: true,
      shortNames: ['ds'], categories: ['all'], schemaRef: `${A}.DaemonSet`, subresources: { status: true },
      defaulter: defaultDaemonSet, validator: metaAnd({ namespaced: true, rest: validateDaemonSet }),
    },
    {
      group: 'apps', version: 'v1', kind: 'ControllerRevision', plural: 'controllerrevisions', singular: 'controllerrevision', namespaced: true,
      schemaRef: `${A}.ControllerRevision`, validator: metaAnd({ namespaced: true }),
    },
  ];
}
