import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DISCOVERY_CONTENT_TYPE, aggregatedDiscovery, apiResourceList, compareVersions, legacyApiGroupList, legacyApiVersions, negotiateAggregated,
} from './index.js';
import { allTypes } from '../structural/testdata/fixtures.js';

test('version priority puts GA first, then beta, then alpha, higher numbers first', () => {
  assert.deepEqual(['v1alpha1', 'v1', 'v2beta1', 'v1beta2', 'v2', 'foo', 'v10'].sort(compareVersions), ['v10', 'v2', 'v1', 'v2beta1', 'v1beta2', 'v1alpha1', 'foo']);
});

test('legacy /api and /apis', () => {
  assert.deepEqual(legacyApiVersions({ serverAddress: '10.0.0.1:6443' }), {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }],
  });
  const list = legacyApiGroupList(allTypes) as any;
  assert.deepEqual(list.groups.map((g: any) => g.name), ['apps', 'authorization.k8s.io', 'autoscaling']);
  const autoscaling = list.groups[2];
  assert.deepEqual(autoscaling.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
  assert.deepEqual(autoscaling.versions.map((v: any) => v.version), ['v2', 'v1']);
});

test('APIResourceList lists subresources as name/sub with differing group/version', () => {
  const core = apiResourceList(allTypes, '', 'v1') as any;
  assert.equal(core.groupVersion, 'v1');
  assert.deepEqual(core.resources.map((r: any) => r.name), ['namespaces', 'namespaces/status', 'pods', 'pods/eviction', 'pods/log', 'pods/status']);
  const pods = core.resources.find((r: any) => r.name === 'pods');
  assert.deepEqual(pods.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  assert.deepEqual(pods.shortNames, ['po']);
  assert.equal(typeof pods.storageVersionHash, 'string');
  assert.deepEqual(core.resources.find((r: any) => r.name === 'pods/eviction'), {
    name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'],
  });
  const apps = apiResourceList(allTypes, 'apps', 'v1') as any;
  assert.deepEqual(apps.resources.find((r: any) => r.name === 'deployments/scale'), {
    name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'],
  });
  const reviews = apiResourceList(allTypes, 'authorization.k8s.io', 'v1') as any;
  assert.deepEqual(reviews.resources[0].verbs, ['create']);
  assert.equal(apiResourceList(allTypes, 'nope', 'v1'), undefined);
});

test('aggregated discovery for /api and /apis in both versions', () => {
  const core = aggregatedDiscovery(allTypes, { core: true, version: 'v2' }) as any;
  assert.equal(core.apiVersion, 'apidiscovery.k8s.io/v2');
  assert.equal(core.items.length, 1);
  assert.equal(core.items[0].metadata.name, '');
  const pods = core.items[0].versions[0].resources.find((r: any) => r.resource === 'pods');
  assert.deepEqual(pods.responseKind, { group: '', version: '', kind: 'Pod' });
  assert.equal(pods.scope, 'Namespaced');
  assert.equal(pods.singularResource, 'pod');
  assert.deepEqual(pods.subresources.map((s: any) => s.subresource), ['eviction', 'log', 'status']);
  const apis = aggregatedDiscovery(allTypes, { core: false, version: 'v2beta1' }) as any;
  assert.equal(apis.apiVersion, 'apidiscovery.k8s.io/v2beta1');
  const autoscaling = apis.items.find((i: any) => i.metadata.name === 'autoscaling');
  assert.deepEqual(autoscaling.versions.map((v: any) => [v.version, v.freshness]), [['v2', 'Current'], ['v1', 'Current']]);
  const deploy = apis.items[0].versions[0].resources[0];
  assert.deepEqual(deploy.subresources[0], { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  assert.equal(DISCOVERY_CONTENT_TYPE.v2, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
});

test('Accept negotiation follows the client order', () => {
  const k133 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const k127 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  assert.equal(negotiateAggregated(k133), 'v2');
  assert.equal(negotiateAggregated(k127), 'v2beta1');
  assert.equal(negotiateAggregated('application/json, */*'), undefined);
  assert.equal(negotiateAggregated(undefined), undefined);
});
