import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalogue } from '../catalogue.js';
import type { Schema } from '../types.js';
import { builtinDefinitions } from './index.js';

/** Visits sub-schemas structurally (property names such as `$ref` are not links). */
function eachSchema(s: Schema, visit: (s: Schema) => void): void {
  visit(s);
  for (const p of Object.values(s.properties ?? {})) eachSchema(p, visit);
  if (s.items) eachSchema(s.items, visit);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') eachSchema(s.additionalProperties, visit);
  for (const o of s.oneOf ?? []) eachSchema(o, visit);
}

test('no dangling $ref and every kind has its schema with a GVK tag', () => {
  const defs = builtinDefinitions();
  const missing = new Set<string>();
  for (const s of Object.values(defs)) eachSchema(s, (x) => { if (x.$ref && !defs[x.$ref]) missing.add(x.$ref); });
  assert.deepEqual([...missing], []);
  const c = builtinCatalogue();
  for (const rt of c.all()) {
    const schema = c.schemaOf(rt);
    assert.deepEqual(schema['x-kubernetes-group-version-kind'], [{ group: rt.group, version: rt.version, kind: rt.kind }], rt.kind);
    assert.ok(schema.properties?.metadata, rt.kind);
  }
});

function prop(def: string, path: string): Schema {
  const defs = builtinDefinitions();
  let s: Schema = defs[def];
  for (const p of path.split('.')) {
    s = s.properties![p];
    assert.ok(s, `${def}.${path}`);
    if (s.$ref && path.split('.').at(-1) !== p) s = defs[s.$ref];
  }
  return s;
}

test('strategic merge and list-type markers match upstream on well-known lists', () => {
  const smp = (def: string, path: string) => {
    const s = prop(def, path);
    return [s['x-kubernetes-patch-merge-key'], s['x-kubernetes-patch-strategy'], s['x-kubernetes-list-type'], s['x-kubernetes-list-map-keys']];
  };
  const P = 'io.k8s.api.core.v1.PodSpec';
  const C = 'io.k8s.api.core.v1.Container';
  assert.deepEqual(smp(P, 'containers'), ['name', 'merge', 'map', ['name']]);
  assert.deepEqual(smp(P, 'initContainers'), ['name', 'merge', 'map', ['name']]);
  assert.deepEqual(smp(P, 'volumes'), ['name', 'merge,retainKeys', 'map', ['name']]);
  assert.deepEqual(smp(P, 'tolerations'), [undefined, undefined, 'atomic', undefined]);
  assert.deepEqual(smp(P, 'topologySpreadConstraints'), ['topologyKey', 'merge', 'map', ['topologyKey', 'whenUnsatisfiable']]);
  assert.deepEqual(smp(C, 'ports'), ['containerPort', 'merge', 'map', ['containerPort', 'protocol']]);
  assert.deepEqual(smp(C, 'env'), ['name', 'merge', 'map', ['name']]);
  assert.deepEqual(smp(C, 'volumeMounts'), ['mountPath', 'merge', 'map', ['mountPath']]);
  assert.deepEqual(smp(C, 'envFrom'), [undefined, undefined, 'atomic', undefined]);
  assert.deepEqual(smp('io.k8s.api.core.v1.ServiceSpec', 'ports'), ['port', 'merge', 'map', ['port', 'protocol']]);
  assert.deepEqual(smp('io.k8s.api.core.v1.PodStatus', 'conditions'), ['type', 'merge', 'map', ['type']]);
  assert.deepEqual(smp('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'ownerReferences'), ['uid', 'merge', 'map', ['uid']]);
  assert.deepEqual(smp('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers'), [undefined, 'merge', 'set', undefined]);
  assert.equal(prop('io.k8s.api.apps.v1.DeploymentSpec', 'strategy')['x-kubernetes-patch-strategy'], 'retainKeys');
  assert.equal(builtinDefinitions()['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']['x-kubernetes-map-type'], 'atomic');
});

test('special types and the recursive CRD schema', () => {
  const defs = builtinDefinitions();
  assert.equal(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString']['x-kubernetes-int-or-string'], true);
  assert.deepEqual(defs['io.k8s.apimachinery.pkg.api.resource.Quantity'].oneOf, [{ type: 'string' }, { type: 'number' }]);
  assert.equal(defs['io.k8s.apimachinery.pkg.apis.meta.v1.Time'].format, 'date-time');
  const props = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps';
  assert.equal(defs[props].properties!.properties.additionalProperties && (defs[props].properties!.properties.additionalProperties as Schema).$ref, props);
  assert.equal(prop('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceValidation', 'openAPIV3Schema').$ref, props);
  assert.ok(Object.isFrozen(defs['io.k8s.api.core.v1.Pod']));
  assert.equal(defs['io.k8s.api.core.v1.Container'].description, 'A single application container of a pod.');
});
