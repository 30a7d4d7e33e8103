import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTokenRecord, parseCsv, parseTokenFile, tokenMap } from './token-file.js';

test('parses the static token file format', () => {
  const text = 'tok1,alice,uid-a,"dev,ops"\r\n\n,empty,uid-e\ntok2,bob,uid-b\ntok3,"carol, ""c""",uid-c,single\ntok1,alice2,uid-a2\n';
  const entries = parseTokenFile(text);
  assert.deepEqual(entries, [
    { token: 'tok1', user: { username: 'alice', uid: 'uid-a', groups: ['dev', 'ops'] } },
    { token: 'tok2', user: { username: 'bob', uid: 'uid-b', groups: [] } },
    { token: 'tok3', user: { username: 'carol, "c"', uid: 'uid-c', groups: ['single'] } },
    { token: 'tok1', user: { username: 'alice2', uid: 'uid-a2', groups: [] } },
  ]);
  assert.equal(tokenMap(entries).get('tok1')?.username, 'alice2'); // a later duplicate wins
});

test('rejects records with fewer than three columns, naming the file', () => {
  assert.throws(() => parseTokenFile('tok,user\n', '/x/tokens.csv'), /token file '\/x\/tokens.csv' must have at least 3 columns \(token, user name, user uid\), found 2/);
});

test('formatted records parse back', () => {
  const entry = { token: 'abc', user: { username: 'system:admin', uid: 'u1', groups: ['system:masters', 'b'] } };
  const line = formatTokenRecord(entry);
  assert.equal(line, 'abc,system:admin,u1,"system:masters,b"\n');
  assert.deepEqual(parseTokenFile(line), [entry]);
  assert.deepEqual(parseCsv('a,"b\nc",d'), [['a', 'b\nc', 'd']]);
});
