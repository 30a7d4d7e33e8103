/** The resources components use, by name, so no component spells out group/version/plural. */
import type { ResourceRef } from './client.js';

const core = (plural: string, namespaced = true): ResourceRef => ({ group: '', version: 'v1', plural, namespaced });
const of = (group: string, version: string, plural: string, namespaced = true): ResourceRef => ({ group, version, plural, namespaced });

export const resources = {
  namespaces: core('namespaces', false),
  nodes: core('nodes', false),
  pods: core('pods'),
  events: core('events'),
  services: core('services'),
  endpoints: core('endpoints'),
  configmaps: core('configmaps'),
  secrets: core('secrets'),
  serviceaccounts: core('serviceaccounts'),
  persistentvolumeclaims: core('persistentvolumeclaims'),
  persistentvolumes: core('persistentvolumes', false),
  replicationcontrollers: core('replicationcontrollers'),
  resourcequotas: core('resourcequotas'),
  limitranges: core('limitranges'),
  podtemplates: core('podtemplates'),
  deployments: of('apps', 'v1', 'deployments'),
  replicasets: of('apps', 'v1', 'replicasets'),
  statefulsets: of('apps', 'v1', 'statefulsets'),
  daemonsets: of('apps', 'v1', 'daemonsets'),
  controllerrevisions: of('apps', 'v1', 'controllerrevisions'),
  jobs: of('batch', 'v1', 'jobs'),
  cronjobs: of('batch', 'v1', 'cronjobs'),
  leases: of('coordination.k8s.io', 'v1', 'leases'),
  poddisruptionbudgets: of('policy', 'v1', 'poddisruptionbudgets'),
  priorityclasses: of('scheduling.k8s.io', 'v1', 'priorityclasses', false),
  runtimeclasses: of('node.k8s.io', 'v1', 'runtimeclasses', false),
  storageclasses: of('storage.k8s.io', 'v1', 'storageclasses', false),
} as const satisfies Record<string, ResourceRef>;
