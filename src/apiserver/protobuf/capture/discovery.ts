/** Just enough legacy discovery for kubectl's REST mapper during captures. */
type Res = [plural: string, kind: string, namespaced: boolean];

const GROUPS: Record<string, Res[]> = {
  v1: [
    ['pods', 'Pod', true], ['configmaps', 'ConfigMap', true], ['secrets', 'Secret', true], ['namespaces', 'Namespace', false],
    ['serviceaccounts', 'ServiceAccount', true], ['services', 'Service', true], ['resourcequotas', 'ResourceQuota', true],
  ],
  'apps/v1': [['deployments', 'Deployment', true], ['deployments/scale', 'Scale', true]],
  'batch/v1': [['jobs', 'Job', true], ['cronjobs', 'CronJob', true]],
  'policy/v1': [['poddisruptionbudgets', 'PodDisruptionBudget', true]],
  'networking.k8s.io/v1': [['ingresses', 'Ingress', true]],
  'rbac.authorization.k8s.io/v1': [['roles', 'Role', true], ['rolebindings', 'RoleBinding', true], ['clusterroles', 'ClusterRole', false], ['clusterrolebindings', 'ClusterRoleBinding', false]],
  'autoscaling/v2': [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true]],
  'autoscaling/v1': [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true]],
  'scheduling.k8s.io/v1': [['priorityclasses', 'PriorityClass', false]],
  'authorization.k8s.io/v1': [['selfsubjectaccessreviews', 'SelfSubjectAccessReview', false], ['selfsubjectrulesreviews', 'SelfSubjectRulesReview', false]],
  'authentication.k8s.io/v1': [['selfsubjectreviews', 'SelfSubjectReview', false]],
};

export function discoveryResponse(path: string, hidden: ReadonlySet<string> = new Set()): unknown {
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
  if (path === '/apis') {
    const byGroup = new Map<string, string[]>();
    for (const gv of Object.keys(GROUPS).filter((k) => k.includes('/') && !hidden.has(k))) {
      const [g, v] = gv.split('/');
      byGroup.set(g, [...(byGroup.get(g) ?? []), v]);
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...byGroup].map(([name, versions]) => ({
        name,
        versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
        preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
      })),
    };
  }
  const gv = path === '/api/v1' ? 'v1' : path.startsWith('/apis/') ? path.slice(6) : '';
  const resources = hidden.has(gv) ? undefined : GROUPS[gv];
  if (!resources) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: resources.map(([name, kind, namespaced]) => ({
      name,
      singularName: name.includes('/') ? '' : kind.toLowerCase(),
      namespaced,
      kind,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      ...(name === 'deployments/scale' ? { group: 'autoscaling', version: 'v1' } : {}),
    })),
  };
}
