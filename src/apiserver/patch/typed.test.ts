import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalogue } from '../../api/catalogue.js';
import { compare, type TypedContext } from './typed.js';
import { resolverFor } from './schema-lookup.js';

const catalogue = builtinCatalogue();
const ctx: TypedContext = { resolve: resolverFor(catalogue.definitions), builtin: true };
const podSchema = catalogue.schemaOf(catalogue.byResource('', 'v1', 'pods')!);

const pod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', labels: { app: 'x' }, annotations: {}, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r', uid: 'u', controller: true }] },
  spec: {
    containers: [{ name: 'c', image: 'i', args: ['a', 'b'], ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 81 }], env: [{ name: 'E', value: '1' }], resources: { requests: { cpu: '10m' } } }],
    tolerations: [{ key: 'k', operator: 'Exists' }],
    nodeSelector: { zone: 'a' },
    securityContext: {},
    volumes: [{ name: 'v', emptyDir: {} }],
  },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
};

describe('compare', () => {
  it('on create (nothing before) finds what the general walk finds from an empty object', () => {
    for (const [value, schema, builtin] of [[pod, podSchema, true], [pod, undefined, false], [{ spec: { a: [1, { b: null }], c: {} } }, undefined, false]] as const) {
      const c = { ...ctx, builtin };
      const fast = compare(c, undefined, value, schema);
      const general = compare(c, {}, value, schema);
      assert.deepEqual(fast.added.toJSON(), general.added.toJSON());
      assert.ok(fast.modified.isEmpty() && fast.removed.isEmpty());
    }
  });
});
