/**
 * Policy-rule matching as RBAC does it (plugin/pkg/auth/authorizer/rbac/rbac.go
 * RuleAllows), and the default cluster roles every user is bound to
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go).
 */
import { SystemGroups, type AuthorizationAttributes, type NonResourceRule, type ResourceRule, type UserInfo } from './types.js';

/** An rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const has = (list: string[] | undefined, value: string) => !!list && (list.includes('*') || list.includes(value));

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some((r) => r === '*' || r === combined || (subresource !== '' && r === `*/${subresource}`));
}

function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((url) => url === '*' || url === path || (url.endsWith('*') && path.startsWith(url.replace(/\*+$/, ''))));
}

export function ruleAllows(attributes: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, attributes.verb)) return false;
  if (!attributes.resourceRequest) return nonResourceUrlMatches(rule, attributes.path);
  return (
    has(rule.apiGroups, attributes.apiGroup) &&
    resourceMatches(rule, attributes.resource, attributes.subresource) &&
    (!rule.resourceNames?.length || rule.resourceNames.includes(attributes.name))
  );
}

/** A default ClusterRole bound by a same-named ClusterRoleBinding to some groups. */
export interface DefaultBinding {
  name: string;
  groups: string[];
  rules: PolicyRule[];
}

export const defaultBindings: readonly DefaultBinding[] = [
  {
    // Lets any user learn what they may do and who they are.
    name: 'system:basic-user',
    groups: [SystemGroups.authenticated],
    rules: [
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    ],
  },
  {
    name: 'system:discovery',
    groups: [SystemGroups.authenticated],
    rules: [
      {
        verbs: ['get'],
        nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'],
      },
    ],
  },
  {
    // What a node agent needs (upstream's system:node ClusterRole, which older clusters bound to
    // the group; the Node authorizer's per-node narrowing comes with RBAC).
    name: 'system:node',
    groups: [SystemGroups.nodes],
    rules: [
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'] },
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews', 'localsubjectaccessreviews'] },
      { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['services', 'endpoints', 'configmaps', 'secrets'] },
      { verbs: ['create', 'get', 'list', 'watch', 'patch', 'update'], apiGroups: [''], resources: ['nodes'] },
      { verbs: ['patch', 'update'], apiGroups: [''], resources: ['nodes/status', 'pods/status'] },
      { verbs: ['create', 'patch', 'update'], apiGroups: ['', 'events.k8s.io'], resources: ['events'] },
      { verbs: ['get', 'list', 'watch', 'create', 'delete'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['create'], apiGroups: [''], resources: ['pods/eviction', 'serviceaccounts/token'] },
      { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['persistentvolumeclaims', 'persistentvolumes'] },
      // Skiff's own: the agent deletes its node's released local-path volumes once their directory is gone
      // (in k3s the local-path provisioner's service account holds this right).
      { verbs: ['delete'], apiGroups: [''], resources: ['persistentvolumes'] },
      { verbs: ['patch', 'update'], apiGroups: [''], resources: ['persistentvolumeclaims/status'] },
      { verbs: ['get', 'create', 'update', 'patch', 'delete'], apiGroups: ['coordination.k8s.io'], resources: ['leases'] },
      { verbs: ['get', 'list', 'watch'], apiGroups: ['node.k8s.io'], resources: ['runtimeclasses'] },
      { verbs: ['get', 'list', 'watch'], apiGroups: ['storage.k8s.io'], resources: ['csidrivers', 'volumeattachments', 'storageclasses'] },
      { verbs: ['create', 'get', 'list', 'watch'], apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'] },
    ],
  },
  {
    name: 'system:public-info-viewer',
    groups: [SystemGroups.authenticated, SystemGroups.unauthenticated],
    rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }],
  },
];

export function bindingsFor(user: UserInfo, bindings: readonly DefaultBinding[] = defaultBindings): Array<{ binding: DefaultBinding; group: string }> {
  const out: Array<{ binding: DefaultBinding; group: string }> = [];
  for (const binding of bindings) {
    const group = binding.groups.find((g) => user.groups.includes(g));
    if (group) out.push({ binding, group });
  }
  return out;
}

/** Splits rules the way SelfSubjectRulesReview reports them. */
export function toReviewRules(rules: PolicyRule[]): { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[] } {
  const resourceRules: ResourceRule[] = [];
  const nonResourceRules: NonResourceRule[] = [];
  for (const rule of rules) {
    if (rule.nonResourceURLs?.length) nonResourceRules.push({ verbs: [...rule.verbs], nonResourceURLs: [...rule.nonResourceURLs] });
    if (rule.resources?.length) {
      resourceRules.push({
        verbs: [...rule.verbs],
        apiGroups: [...(rule.apiGroups ?? [])],
        resources: [...rule.resources],
        ...(rule.resourceNames?.length ? { resourceNames: [...rule.resourceNames] } : {}),
      });
    }
  }
  return { resourceRules, nonResourceRules };
}
