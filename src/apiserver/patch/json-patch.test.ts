import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { StatusError } from '../../api/errors.js';

const doc = () => ({ metadata: { name: 'web', resourceVersion: '12', labels: { a: 'b' } }, spec: { list: [1, 2, 3] } });

function rejects(fn: () => unknown, code: number, reason: string, message?: string) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, code);
    assert.equal(err.reason, reason);
    if (message) assert.equal(err.message, message);
    return true;
  });
}

describe('applyJsonPatch', () => {
  it('applies add/remove/replace/move/copy/test without touching the input', () => {
    const input = doc();
    const out = applyJsonPatch(input, [
      { op: 'test', path: '/metadata/resourceVersion', value: '12' },
      { op: 'add', path: '/metadata/labels/c', value: 'd' },
      { op: 'remove', path: '/metadata/labels/a' },
      { op: 'replace', path: '/spec/list/0', value: 9 },
      { op: 'add', path: '/spec/list/-', value: 4 },
      { op: 'copy', from: '/spec/list', path: '/spec/copy' },
      { op: 'move', from: '/metadata/labels/c', path: '/metadata/labels/e' },
    ]);
    assert.deepEqual(out, { metadata: { name: 'web', resourceVersion: '12', labels: { e: 'd' } }, spec: { list: [9, 2, 3, 4], copy: [9, 2, 3, 4] } });
    assert.deepEqual(input, doc());
  });

  it('escapes ~0 and ~1 and supports negative indices like evanphx v4', () => {
    const out = applyJsonPatch({ metadata: { annotations: { 'a/b~c': 'x' } }, l: [1, 2, 3] }, [
      { op: 'replace', path: '/metadata/annotations/a~1b~0c', value: 'y' },
      { op: 'remove', path: '/l/-1' },
    ]);
    assert.deepEqual(out, { metadata: { annotations: { 'a/b~c': 'y' } }, l: [1, 2] });
  });

  it('rejects a failed test with the generic 422 (kubectl last-applied migration relies on it)', () => {
    rejects(
      () => applyJsonPatch(doc(), [{ op: 'test', path: '/metadata/resourceVersion', value: '11' }, { op: 'replace', path: '/metadata/managedFields', value: [] }]),
      422,
      'Invalid',
      'the server rejected our request due to an error in our request',
    );
  });

  it('test of a missing path passes only against null', () => {
    assert.deepEqual(applyJsonPatch({}, [{ op: 'test', path: '/x', value: null }]), {});
    rejects(() => applyJsonPatch({}, [{ op: 'test', path: '/x', value: 1 }]), 422, 'Invalid');
  });

  it('fails remove/replace of missing members and unknown ops with 422', () => {
    rejects(() => applyJsonPatch(doc(), [{ op: 'remove', path: '/metadata/nope' }]), 422, 'Invalid');
    rejects(() => applyJsonPatch(doc(), [{ op: 'replace', path: '/metadata/nope', value: 1 }]), 422, 'Invalid');
    rejects(() => applyJsonPatch(doc(), [{ op: 'add', path: '/nope/deeper', value: 1 }]), 422, 'Invalid');
    rejects(() => applyJsonPatch(doc(), [{ op: 'frobnicate', path: '/a' }]), 422, 'Invalid');
    rejects(() => applyJsonPatch(doc(), [{ op: 'add', path: '/spec/list/7', value: 1 }]), 422, 'Invalid');
  });

  it('rejects a body that is not a list of operations with 400', () => {
    rejects(() => applyJsonPatch(doc(), { op: 'add' }), 400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  });
});

describe('applyMergePatch', () => {
  it('merges objects, deletes on null, replaces lists', () => {
    const input = doc();
    const out = applyMergePatch(input, { metadata: { labels: { a: null, x: 'y' } }, spec: { list: [5] } });
    assert.deepEqual(out, { metadata: { name: 'web', resourceVersion: '12', labels: { x: 'y' } }, spec: { list: [5] } });
    assert.deepEqual(input, doc());
  });

  it('creates intermediate objects and drops nulls inside new ones (RFC 7386)', () => {
    assert.deepEqual(applyMergePatch({ a: 1 }, { b: { c: { d: null, e: 1 } } }), { a: 1, b: { c: { e: 1 } } });
  });

  it('rejects a null patch like evanphx', () => {
    rejects(() => applyMergePatch({}, null), 400, 'BadRequest', 'Invalid JSON Patch');
  });
});
