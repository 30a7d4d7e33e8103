/** Revision data, hashes and names as upstream's history package makes them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerRevision } from '../../api/objects/index.js';
import { canonicalJson, fnv32, nextRevisionNumber, revisionHash, revisionName, safeEncode, sameData, sortByRevision, templateOf, templatePatch } from './revisions.js';

test('safeEncode maps through the vowel-free alphabet, as rand.SafeEncodeString does', () => {
  // Digits map onto 4-9 and b, c, d, f: the look of real revision hashes (web-6c5f8b4b8d).
  assert.equal(safeEncode('0123456789'), '456789bcdf');
});

test('the revision hash is FNV-1 over the data, with the collision count appended', () => {
  const data = { spec: { template: { $patch: 'replace', spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
  const plain = revisionHash(data);
  assert.match(plain, /^[456789bcdf]+$/);
  assert.equal(revisionHash(JSON.parse(JSON.stringify(data))), plain, 'equal data, equal hash');
  assert.notEqual(revisionHash(data, 1), revisionHash(data, 0));
  assert.notEqual(revisionHash(data, 0), plain, 'a collision count of 0 is still written');
  assert.equal(fnv32('a'), 0x050c5d7e, 'FNV-1, as Go\'s fnv.New32');
  assert.equal(fnv32(''), 0x811c9dc5);
});

test('names are <owner>-<hash> with the owner cut to 223 characters', () => {
  assert.equal(revisionName('web', 'abc'), 'web-abc');
  assert.equal(revisionName('x'.repeat(300), 'h').length, 225);
});

test('data is the rollback patch; the template comes back out of it', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
  const data = templatePatch(template);
  assert.equal(canonicalJson(data), '{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1","name":"c"}]}}}}');
  const rev = { metadata: {}, revision: 1, data } as ControllerRevision;
  assert.deepEqual(templateOf(rev), template);
  assert.ok(sameData(rev, { metadata: {}, revision: 2, data: templatePatch({ spec: { containers: [{ image: 'nginx:1', name: 'c' }] }, metadata: { labels: { app: 'web' } } }) } as ControllerRevision));
});

test('revisions sort by number, then age, then name; the next number follows the highest', () => {
  const r = (name: string, revision: number, at = '2026-01-01T00:00:00Z') => ({ metadata: { name, creationTimestamp: at }, revision }) as ControllerRevision;
  const sorted = sortByRevision([r('c', 2), r('b', 1, '2026-01-02T00:00:00Z'), r('a', 1)]);
  assert.deepEqual(sorted.map((x) => x.metadata.name), ['a', 'b', 'c']);
  assert.equal(nextRevisionNumber(sorted), 3);
  assert.equal(nextRevisionNumber([]), 1);
});
