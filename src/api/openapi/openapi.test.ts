import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAPICache, contentHash, openapiV2Document, openapiV2Protobuf, openapiV3Document, openapiV3Index, gvStem } from './index.js';
import { allTypes, definitions } from '../structural/testdata/fixtures.js';
import type { ResourceType } from '../types.js';

type Any = Record<string, any>;

/** Every `$ref` in a document must resolve inside it. */
function assertRefsResolve(doc: Any, prefix: string, store: Any): void {
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref') {
          assert.ok(typeof x === 'string' && x.startsWith(prefix), `ref ${String(x)}`);
          assert.ok((x as string).slice(prefix.length) in store, `dangling ${String(x)}`);
        } else walk(x);
      }
    }
  };
  walk(doc);
}

test('operation ids follow kube-openapi naming', () => {
  assert.equal(gvStem('', 'v1'), 'CoreV1');
  assert.equal(gvStem('apps', 'v1'), 'AppsV1');
  assert.equal(gvStem('rbac.authorization.k8s.io', 'v1'), 'RbacAuthorizationV1');
  assert.equal(gvStem('stable.example.com', 'v1beta1'), 'StableExampleComV1beta1');
});

test('v3 document for core/v1 has every path, GVK-tagged operations and resolvable refs', () => {
  const doc = openapiV3Document(allTypes, definitions, '', 'v1', { serverVersion: 'v1.33.1' }) as Any;
  assert.equal(doc.openapi, '3.0.0');
  assert.deepEqual(Object.keys(doc.paths).sort(), [
    '/api/v1/namespaces',
    '/api/v1/namespaces/{namespace}/pods',
    '/api/v1/namespaces/{namespace}/pods/{name}',
    '/api/v1/namespaces/{namespace}/pods/{name}/status',
    '/api/v1/namespaces/{name}',
    '/api/v1/namespaces/{name}/status',
    '/api/v1/pods',
  ]);
  const item = doc.paths['/api/v1/namespaces/{namespace}/pods/{name}'];
  assert.deepEqual(Object.keys(item).sort(), ['delete', 'get', 'parameters', 'patch', 'put']);
  const patch = item.patch;
  assert.equal(patch.operationId, 'patchCoreV1NamespacedPod');
  assert.equal(patch['x-kubernetes-action'], 'patch');
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
  assert.deepEqual(patch.parameters.map((p: Any) => [p.name, p.in]), [['dryRun', 'query'], ['fieldManager', 'query'], ['fieldValidation', 'query'], ['force', 'query']]);
  assert.deepEqual(Object.keys(patch.requestBody.content), [
    'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
  ]);
  assert.equal(patch.requestBody.content['application/merge-patch+json'].schema.$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch');
  assert.equal(doc.paths['/api/v1/pods'].get.operationId, 'listCoreV1PodForAllNamespaces');
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/status'].patch['x-kubernetes-group-version-kind'].kind, 'Pod');
  for (const p of Object.values(doc.paths) as Any[]) {
    for (const [method, op] of Object.entries(p)) {
      if (method === 'parameters') continue;
      assert.ok((op as Any)['x-kubernetes-action'], `${method} has an action`);
      assert.ok((op as Any)['x-kubernetes-group-version-kind'], `${method} has a gvk`);
    }
  }
  const schemas = doc.components.schemas;
  assert.ok(schemas['io.k8s.api.core.v1.Container'], 'transitively referenced definitions are included');
  assert.ok(schemas['io.k8s.api.core.v1.PodList'], 'missing list kinds are synthesized');
  assert.ok(!schemas['io.k8s.api.apps.v1.Deployment'], 'other group-versions stay out');
  assert.deepEqual(schemas['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  assert.deepEqual(schemas['io.k8s.api.core.v1.Pod'].properties.spec, {
    allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }],
    description: 'Desired behaviour of the pod.',
  });
  assert.deepEqual(schemas['io.k8s.api.core.v1.PodSpec'].properties.containers.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
  assertRefsResolve(doc, '#/components/schemas/', schemas);
});

test('scale subresource uses autoscaling/v1 Scale; CRDs get no strategic merge patch; reviews are create-only', () => {
  const apps = openapiV3Document(allTypes, definitions, 'apps', 'v1') as Any;
  const scale = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
  assert.deepEqual(scale.patch['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.equal(scale.get.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/io.k8s.api.autoscaling.v1.Scale');
  assertRefsResolve(apps, '#/components/schemas/', apps.components.schemas);

  const crd: ResourceType = { group: 'stable.example.com', version: 'v1', kind: 'CronTab', plural: 'crontabs', singular: 'crontab', namespaced: true, schemaRef: 'com.example.stable.v1.CronTab', custom: true };
  const doc = openapiV3Document([crd], { 'com.example.stable.v1.CronTab': { type: 'object' } }, 'stable.example.com', 'v1') as Any;
  const patch = doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].patch;
  assert.ok(!('application/strategic-merge-patch+json' in patch.requestBody.content));
  assert.ok(patch.parameters.some((p: Any) => p.name === 'fieldValidation'));

  const reviews = openapiV3Document(allTypes, definitions, 'authorization.k8s.io', 'v1') as Any;
  assert.deepEqual(Object.keys(reviews.paths), ['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']);
  assert.deepEqual(Object.keys(reviews.paths['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']).sort(), ['parameters', 'post']);
});

test('v3 index lists every group-version with its hash', () => {
  const index = openapiV3Index(allTypes, { 'api/v1': 'ABC' }) as Any;
  assert.deepEqual(Object.keys(index.paths), ['api/v1', 'apis/apps/v1', 'apis/authorization.k8s.io/v1', 'apis/autoscaling/v2', 'apis/autoscaling/v1']);
  assert.equal(index.paths['api/v1'].serverRelativeURL, '/openapi/v3/api/v1?hash=ABC');
});

test('v2 JSON document uses definitions refs, consumes on PATCH, and resolves', () => {
  const doc = openapiV2Document(allTypes, definitions) as Any;
  assert.equal(doc.swagger, '2.0');
  const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
  assert.ok(patch.consumes.includes('application/strategic-merge-patch+json'));
  assert.equal(patch.parameters[0].in, 'body');
  assert.ok(patch.parameters.some((p: Any) => p.name === 'fieldValidation' && p.in === 'query'));
  assertRefsResolve(doc, '#/definitions/', doc.definitions);
  const p = openapiV2Protobuf();
  assert.equal(p.contentType, 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
  assert.equal(p.body.length, 0);
});

test('cache memoises per catalogue version and hashes are uppercase SHA-512', () => {
  const cache = new OpenAPICache({ serverVersion: 'v1.33.1' });
  const snap = { types: allTypes, definitions, version: 1 };
  const a = cache.v3Document(snap, 'apis/apps/v1')!;
  assert.equal(cache.v3Document(snap, 'apis/apps/v1'), a, 'same object while the version is unchanged');
  assert.match(a.hash, /^[0-9A-F]{128}$/);
  assert.equal(a.hash, contentHash(a.body));
  const index = JSON.parse(cache.v3Index(snap).body);
  assert.equal(index.paths['apis/apps/v1'].serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${a.hash}`);
  assert.equal(cache.v3Document(snap, 'apis/nope/v1'), undefined);
  const changed = { ...snap, types: allTypes.map((t) => (t.kind === 'Deployment' ? { ...t, shortNames: ['d'] } : t)), version: 2 };
  const b = cache.v3Document(changed, 'apis/apps/v1')!;
  assert.notEqual(b, a);
  assert.ok(cache.v2Document(snap).body.startsWith('{"swagger":"2.0"'));
});
