import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeObject, encodeObject, encodeWithRevision } from './codec.js';
import type { KObject } from '../../api/types.js';

function kvOf(value: string, modRevision = 42) {
  return { key: '/registry/x', value, createRevision: 1, modRevision };
}

/** The contract: encodeWithRevision is JSON.stringify(decodeObject(...)), byte for byte. */
function check(value: string, revision?: number): void {
  const kv = kvOf(value);
  let expected: string;
  try {
    expected = JSON.stringify(decodeObject(kv, revision));
  } catch (err) {
    // e.g. a metadata that is not an object: both fail alike.
    assert.throws(() => encodeWithRevision(kv, revision), { message: (err as Error).message });
    return;
  }
  assert.equal(encodeWithRevision(kv, revision), expected, value);
}

test('encodeWithRevision splices resourceVersion as decodeObject + JSON.stringify would', () => {
  const cases: unknown[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: { k: 'v' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: {} },
    { metadata: { name: 'first' } },
    // Nested "metadata" keys before and inside the top-level one.
    { spec: { template: { metadata: { labels: { a: 'b' } } } }, metadata: { name: 'late', annotations: { metadata: '{"x":1}' } } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: { metadata: 'x' } }, spec: { template: { metadata: { name: 'inner' } } } },
    // Quotes, backslashes and braces inside strings.
    { metadata: { name: 'q', annotations: { 'a"b': 'c\\', 'x\\"': '}{][', e: '\\\\"' } }, data: { '"metadata":{': '"resourceVersion":"1"' } },
    { kind: 'X', data: { s: 'tricky \\" } ] { [' }, metadata: { managedFields: [{ fieldsV1: { 'f:metadata': { 'f:labels': {} } } }] } },
    // Unicode, including escapes JSON.stringify writes for lone surrogates.
    { metadata: { name: 'ü', annotations: { emoji: '🚢', lone: '\ud800' } } },
    // Numbers, booleans, null, arrays.
    { metadata: { generation: 3, finalizers: ['a', 'b'], deletionGracePeriodSeconds: 0 }, spec: { replicas: 1.5, paused: false, x: null, list: [[], [{}], [1, [2]]] } },
    // Integer-like keys (JSON.stringify already put them first).
    { metadata: { labels: { 2: 'b', 1: 'a', z: 'z' } }, data: { 10: 'x', 9: 'y' } },
  ];
  for (const c of cases) {
    check(JSON.stringify(c));
    check(encodeObject(c as KObject), 7);
  }
});

test('encodeWithRevision falls back to decoding for documents it cannot splice', () => {
  check(JSON.stringify({ kind: 'NoMetadata' }));
  check(JSON.stringify({ kind: 'NullMetadata', metadata: null }));
  // A stored resourceVersion (not written by encodeObject) is overwritten, as decodeObject does.
  check(JSON.stringify({ metadata: { name: 'a', resourceVersion: '5', uid: 'u' } }));
  check(JSON.stringify({ metadata: { resourceVersion: '5' } }));
  // A nested resourceVersion key is not the metadata's own.
  check(JSON.stringify({ metadata: { annotations: { resourceVersion: 'x' } } }));
  check(JSON.stringify({ spec: { resourceVersion: 'x' }, metadata: { name: 'n' } }));
  check('{}');
});

test('encodeWithRevision agrees with decodeObject on random documents', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const words = ['metadata', 'resourceVersion', 'name', '"', '\\', '{', '}', '[', ']', ':', ',', 'ü', '', 'spec', '0', '12'];
  const value = (depth: number): unknown => {
    switch (depth > 3 ? rand(4) : rand(7)) {
      case 0: return words[rand(words.length)] + words[rand(words.length)];
      case 1: return rand(1000) - 500;
      case 2: return rand(2) === 0;
      case 3: return null;
      case 4: return Array.from({ length: rand(4) }, () => value(depth + 1));
      default: return object(depth + 1);
    }
  };
  const object = (depth: number): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    for (let i = rand(5); i > 0; i--) o[words[rand(words.length)] + (rand(3) === 0 ? words[rand(words.length)] : '')] = value(depth);
    return o;
  };
  for (let i = 0; i < 2000; i++) {
    const doc = object(0);
    if (rand(5) > 0) doc.metadata = object(1);
    check(JSON.stringify(doc), rand(1_000_000));
  }
});
