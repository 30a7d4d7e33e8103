/**
 * Which protobuf message carries each (apiVersion, kind) that typed clients send.
 * Message names are upstream's proto package without the `k8s.io.` prefix plus the
 * message name. The generator (gen/generate.ts) reads this table to decide which
 * messages to describe, so adding a kind here and re-running it is all it takes.
 */
const api = (group: string, version: string, kinds: string[]): Array<[string, string]> =>
  kinds.map((kind) => [`${group ? group + '/' : ''}${version}:${kind}`, `api.${group ? group.split('.')[0] : 'core'}.${version}.${kind}`]);

export const KIND_MESSAGES: Readonly<Record<string, string>> = Object.fromEntries([
  ...api('authorization.k8s.io', 'v1', ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview', 'LocalSubjectAccessReview']),
  ...api('authentication.k8s.io', 'v1', ['SelfSubjectReview', 'TokenRequest', 'TokenReview']),
  ...api('authentication.k8s.io', 'v1beta1', ['SelfSubjectReview']),
  ...api('', 'v1', [
    'ConfigMap', 'Secret', 'Namespace', 'ServiceAccount', 'Service', 'ResourceQuota', 'Pod', 'PodTemplate',
    'ReplicationController', 'PersistentVolumeClaim', 'LimitRange', 'Endpoints', 'Binding', 'Event',
  ]),
  ...api('apps', 'v1', ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision']),
  ...api('batch', 'v1', ['Job', 'CronJob']),
  ...api('policy', 'v1', ['PodDisruptionBudget', 'Eviction']),
  ...api('networking.k8s.io', 'v1', ['Ingress', 'IngressClass', 'NetworkPolicy']),
  ...api('rbac.authorization.k8s.io', 'v1', ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']),
  ...api('autoscaling', 'v1', ['Scale', 'HorizontalPodAutoscaler']),
  ...api('autoscaling', 'v2', ['HorizontalPodAutoscaler']),
  ...api('coordination.k8s.io', 'v1', ['Lease']),
  ...api('scheduling.k8s.io', 'v1', ['PriorityClass']),
  // Typed clients send DeleteOptions under whichever group version they target.
  ['v1:DeleteOptions', 'apimachinery.pkg.apis.meta.v1.DeleteOptions'],
  ['meta.k8s.io/v1:DeleteOptions', 'apimachinery.pkg.apis.meta.v1.DeleteOptions'],
]);
