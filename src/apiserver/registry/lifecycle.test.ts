import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalogue } from '../../api/catalogue.js';
import type { KObject } from '../../api/types.js';
import { prepareForCreate, prepareForUpdate } from './lifecycle.js';

const catalogue = builtinCatalogue();
const now = new Date('2026-11-22T00:00:00.123Z');

function created(group: string, plural: string, obj: KObject): KObject {
  const rt = catalogue.byResource(group, group ? 'v1' : 'v1', plural)!;
  prepareForCreate(rt, obj, { namespace: rt.namespaced ? 'default' : '', now });
  return obj;
}

test('generation follows each kind\'s strategy', () => {
  assert.equal(created('apps', 'deployments', { metadata: { name: 'd' }, spec: {} }).metadata!.generation, 1);
  assert.equal(created('', 'services', { metadata: { name: 's' }, spec: {} }).metadata!.generation, undefined);
  assert.equal(created('', 'configmaps', { metadata: { name: 'c' }, data: {} }).metadata!.generation, undefined);
  assert.equal(created('', 'configmaps', { metadata: { name: 'c' } }).metadata!.creationTimestamp, '2026-11-22T00:00:00Z');
});

test('status sent on create is dropped unless the kind keeps it', () => {
  assert.equal(created('apps', 'deployments', { metadata: { name: 'd' }, spec: {}, status: { replicas: 3 } }).status, undefined);
  assert.deepEqual(created('', 'nodes', { metadata: { name: 'n' }, status: { capacity: { cpu: '2' } } }).status, { capacity: { cpu: '2' } });
});

test('a spec change bumps generation; a status-only or metadata-only change does not', () => {
  const rt = catalogue.byResource('apps', 'v1', 'deployments')!;
  const old: KObject = { metadata: { name: 'd', namespace: 'default', uid: 'u', generation: 4 }, spec: { replicas: 1 }, status: { replicas: 1 } };
  const ctx = { namespace: 'default', name: 'd', subresource: '' };
  assert.equal(prepareForUpdate(rt, { metadata: { name: 'd', labels: { a: 'b' } }, spec: { replicas: 1 } }, old, ctx).metadata!.generation, 4);
  assert.equal(prepareForUpdate(rt, { metadata: { name: 'd' }, spec: { replicas: 2 } }, old, ctx).metadata!.generation, 5);
});
