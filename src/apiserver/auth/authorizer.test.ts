import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdminOnlyAuthorizer } from './authorizer.js';
import { forbiddenError, forbiddenMessage } from './forbidden.js';
import { ruleAllows } from './rules.js';
import { AnonymousUser, type AuthorizationAttributes, type UserInfo } from './types.js';

const admin: UserInfo = { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };
const alice: UserInfo = { username: 'alice', groups: ['devs', 'system:authenticated'] };

function resource(user: UserInfo, verb: string, over: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes {
  return { user, verb, resourceRequest: true, path: '/api/v1/namespaces/default/pods', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', namespace: 'default', name: '', ...over };
}

function nonResource(user: UserInfo, path: string, verb = 'get'): AuthorizationAttributes {
  return { user, verb, resourceRequest: false, path, apiGroup: '', resource: '', subresource: '', namespace: '', name: '' };
}

test('system:masters may do anything', () => {
  const authz = createAdminOnlyAuthorizer();
  assert.deepEqual(authz.authorize(resource(admin, 'delete', { apiGroup: 'apps', resource: 'deployments', name: 'x' })), { allowed: true });
  assert.equal(authz.authorize(nonResource(admin, '/metrics')).allowed, true);
});

test('others are denied resources with no reason, as RBAC without bindings', () => {
  const authz = createAdminOnlyAuthorizer();
  assert.deepEqual(authz.authorize(resource(alice, 'list')), { allowed: false });
  assert.deepEqual(authz.authorize(nonResource(alice, '/metrics')), { allowed: false });
});

test('the default bindings still let any user discover and review themselves', () => {
  const authz = createAdminOnlyAuthorizer();
  const discovery = authz.authorize(nonResource(alice, '/apis/apps/v1'));
  assert.deepEqual(discovery, { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' });
  assert.equal(authz.authorize(nonResource(alice, '/apis/apps/v1', 'post')).allowed, false);
  assert.equal(authz.authorize(resource(alice, 'create', { apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews', namespace: '' })).allowed, true);
  assert.equal(authz.authorize(resource(alice, 'create', { apiGroup: 'authentication.k8s.io', resource: 'selfsubjectreviews', namespace: '' })).allowed, true);
  assert.equal(authz.authorize(resource(alice, 'create', { apiGroup: 'authorization.k8s.io', resource: 'subjectaccessreviews', namespace: '' })).allowed, false);
  // Anonymous callers (if the server lets them through) see only the public info endpoints.
  assert.equal(authz.authorize(nonResource(AnonymousUser, '/version')).reason, 'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"');
  assert.equal(authz.authorize(nonResource(AnonymousUser, '/api')).allowed, false);
});

test('rules for SelfSubjectRulesReview', () => {
  const authz = createAdminOnlyAuthorizer();
  const adminRules = authz.rulesFor(admin, 'default');
  assert.deepEqual(adminRules.resourceRules[0], { verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
  assert.deepEqual(adminRules.nonResourceRules[0], { verbs: ['*'], nonResourceURLs: ['*'] });
  assert.equal(adminRules.incomplete, false);
  const aliceRules = authz.rulesFor(alice, 'default');
  assert.ok(!aliceRules.resourceRules.some((r) => r.verbs.includes('*')));
  assert.deepEqual(aliceRules.resourceRules[0], { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] });
  assert.ok(aliceRules.nonResourceRules.some((r) => r.nonResourceURLs?.includes('/apis/*')));
});

test('rule matching follows RBAC: wildcards, subresources, resource names, URL prefixes', () => {
  const attrs = resource(alice, 'get', { resource: 'pods', subresource: 'log', name: 'web' });
  assert.ok(ruleAllows(attrs, { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }));
  assert.ok(ruleAllows(attrs, { verbs: ['*'], apiGroups: ['*'], resources: ['*/log'] }));
  assert.ok(!ruleAllows(attrs, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }));
  assert.ok(ruleAllows(attrs, { verbs: ['get'], apiGroups: [''], resources: ['pods/log'], resourceNames: ['web'] }));
  assert.ok(!ruleAllows(attrs, { verbs: ['get'], apiGroups: [''], resources: ['pods/log'], resourceNames: ['db'] }));
  assert.ok(!ruleAllows(attrs, { verbs: ['get'], apiGroups: ['apps'], resources: ['pods/log'] }));
  assert.ok(ruleAllows(nonResource(alice, '/logs/x'), { verbs: ['get'], nonResourceURLs: ['/logs/*'] }));
  assert.ok(!ruleAllows(nonResource(alice, '/logs'), { verbs: ['get'], nonResourceURLs: ['/logs/*'] }));
  assert.ok(!ruleAllows(resource(alice, 'get'), { verbs: ['get'], nonResourceURLs: ['*'] }));
});

test('Forbidden messages read exactly like upstream', () => {
  const user = { username: 'x', groups: [] };
  assert.equal(forbiddenMessage(resource(user, 'list')), 'User "x" cannot list resource "pods" in API group "" in the namespace "default"');
  const namespaced = forbiddenError(resource(user, 'list'));
  assert.equal(namespaced.message, 'pods is forbidden: User "x" cannot list resource "pods" in API group "" in the namespace "default"');
  assert.deepEqual(namespaced.toStatus(), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'pods is forbidden: User "x" cannot list resource "pods" in API group "" in the namespace "default"',
    reason: 'Forbidden',
    details: { kind: 'pods' },
    code: 403,
  });
  const named = forbiddenError(resource(user, 'get', { apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'web' }));
  assert.equal(named.message, 'deployments.apps "web" is forbidden: User "x" cannot get resource "deployments/scale" in API group "apps" in the namespace "default"');
  assert.deepEqual(named.details, { name: 'web', group: 'apps', kind: 'deployments' });
  const cluster = forbiddenError(resource(user, 'list', { resource: 'nodes', namespace: '' }));
  assert.equal(cluster.message, 'nodes is forbidden: User "x" cannot list resource "nodes" in API group "" at the cluster scope');
  const path = forbiddenError(nonResource(user, '/metrics'));
  assert.equal(path.message, 'forbidden: User "x" cannot get path "/metrics"');
  assert.deepEqual(path.toStatus().details, {});
  assert.equal(forbiddenError(nonResource(user, '/metrics'), 'RBAC: nope').message, 'forbidden: User "x" cannot get path "/metrics": RBAC: nope');
});
