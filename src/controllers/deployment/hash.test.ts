/** The pod-template-hash: FNV-32a, the safe alphabet, stability, collisions, equality ignoring the hash. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PodTemplateSpec } from '../../api/objects/index.js';
import { canonicalJson, computeHash, equalIgnoreHash, fnv32a, safeEncodeString } from './hash.js';

const template = (image = 'nginx:1', labels: Record<string, string> = { app: 'web' }): PodTemplateSpec => ({
  metadata: { labels },
  spec: { containers: [{ name: 'c', image }] },
});
const bytes = (s: string) => new TextEncoder().encode(s);

describe('pod-template-hash', () => {
  it('is FNV-32a', () => {
    assert.equal(fnv32a(bytes('')), 0x811c9dc5);
    assert.equal(fnv32a(bytes('a')), 0xe40c292c);
    assert.equal(fnv32a(bytes('foobar')), 0xbf9cf968);
  });

  it('spells the decimal number in rand.SafeEncodeString alphabet', () => {
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
    const hash = computeHash(template());
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it('depends on the template only, not on key order or empty fields', () => {
    const a = computeHash(template());
    const reordered: PodTemplateSpec = { spec: { containers: [{ image: 'nginx:1', name: 'c' }] }, metadata: { labels: { app: 'web' }, annotations: {} } };
    assert.equal(computeHash(reordered), a);
    assert.notEqual(computeHash(template('nginx:2')), a);
  });

  it('changes with the collision count', () => {
    const t = template();
    assert.notEqual(computeHash(t, 1), computeHash(t));
    assert.notEqual(computeHash(t, 1), computeHash(t, 2));
    assert.equal(computeHash(t, 1), computeHash(t, 1));
  });

  it('compares templates ignoring the pod-template-hash label', () => {
    assert.ok(equalIgnoreHash(template('x', { app: 'web', 'pod-template-hash': 'abc' }), template('x')));
    assert.ok(!equalIgnoreHash(template('x'), template('y')));
    assert.ok(!equalIgnoreHash(template('x', { app: 'web', tier: 'a' }), template('x')));
  });

  it('writes canonical JSON with sorted keys', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [], c: null, e: 'x' } }), '{"a":{"e":"x"},"b":1}');
  });
});
