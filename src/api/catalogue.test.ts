import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalogue, Catalogue, compareVersions } from './catalogue.js';
import type { ResourceType } from './types.js';

test('lookups by resource, kind, singular and short name', () => {
  const c = builtinCatalogue();
  assert.equal(c.byResource('', 'v1', 'pods')?.kind, 'Pod');
  assert.equal(c.byKind('apps', 'v1', 'Deployment')?.plural, 'deployments');
  for (const [name, plural] of [['po', 'pods'], ['svc', 'services'], ['deploy', 'deployments'], ['rs', 'replicasets'], ['sts', 'statefulsets'], ['ds', 'daemonsets'],
    ['cm', 'configmaps'], ['ns', 'namespaces'], ['no', 'nodes'], ['pv', 'persistentvolumes'], ['pvc', 'persistentvolumeclaims'], ['sa', 'serviceaccounts'],
    ['ep', 'endpoints'], ['limits', 'limitranges'], ['quota', 'resourcequotas'], ['cj', 'cronjobs'], ['crd', 'customresourcedefinitions'],
    ['crds', 'customresourcedefinitions'], ['pod', 'pods'], ['Deployment', 'deployments']]) {
    assert.equal(c.bySingularOrShortName(name)?.plural, plural, name);
  }
  // `ev` exists in core and events.k8s.io; core wins as in kubectl's priority.
  assert.equal(c.bySingularOrShortName('ev')?.group, '');
  assert.equal(c.bySingularOrShortName('events', 'events.k8s.io')?.group, 'events.k8s.io');
  assert.equal(c.bySingularOrShortName('nope'), undefined);
});

test('all category and printers are attached', () => {
  const c = builtinCatalogue();
  const all = c.all().filter((rt) => rt.categories?.includes('all')).map((rt) => rt.plural).sort();
  assert.deepEqual(all, ['cronjobs', 'daemonsets', 'deployments', 'jobs', 'pods', 'replicasets', 'replicationcontrollers', 'services', 'statefulsets']);
  assert.ok(c.byResource('', 'v1', 'pods')?.printer);
  assert.ok(c.byResource('apps', 'v1', 'deployments')?.printer);
});

test('groups list versions in preferred order; virtual kinds are create-only, or read-only for metrics', () => {
  const c = builtinCatalogue();
  const groups = c.groups();
  assert.deepEqual([...groups.keys()][0], '');
  assert.deepEqual(groups.get('authentication.k8s.io'), ['v1', 'v1beta1']);
  for (const rt of c.all().filter((t) => t.virtual)) assert.deepEqual(rt.verbs, rt.group === 'metrics.k8s.io' ? ['get', 'list'] : ['create'], rt.plural);
  assert.deepEqual(c.byResource('', 'v1', 'bindings')?.verbs, ['create']);
  assert.deepEqual(['v1alpha1', 'v2', 'v1', 'v1beta1', 'v2beta2', 'foo'].sort(compareVersions), ['v2', 'v1', 'v2beta2', 'v1beta1', 'v1alpha1', 'foo']);
});

test('adding and removing a CRD type bumps the version and owns its definitions', () => {
  const c = new Catalogue({ types: [], definitions: {} });
  const rt: ResourceType = { group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', singular: 'widget', namespaced: true, shortNames: ['wd'], schemaRef: 'com.example.v1.Widget', custom: true };
  const v0 = c.version;
  c.addType(rt, { 'com.example.v1.Widget': { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } });
  assert.ok(c.version > v0);
  assert.equal(c.bySingularOrShortName('wd')?.kind, 'Widget');
  assert.equal(c.schemaOf(rt).type, 'object');
  const v1 = c.version;
  assert.equal(c.removeType('example.com', 'v1', 'widgets'), true);
  assert.ok(c.version > v1);
  assert.equal(c.byKind('example.com', 'v1', 'Widget'), undefined);
  assert.equal(c.definitions['com.example.v1.Widget'], undefined);
  assert.equal(c.removeType('example.com', 'v1', 'widgets'), false);
});

test('two catalogues are independent', () => {
  const a = builtinCatalogue();
  const b = builtinCatalogue();
  a.removeType('', 'v1', 'pods');
  assert.ok(b.byResource('', 'v1', 'pods'));
});

test('resolve follows refs and reports dangling ones', () => {
  const c = builtinCatalogue();
  assert.equal(c.resolve({ $ref: 'io.k8s.api.core.v1.Pod' }).type, 'object');
  assert.throws(() => c.resolve({ $ref: 'nope' }), /not found/);
});
