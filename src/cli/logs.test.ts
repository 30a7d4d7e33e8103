import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatLine } from './logs.js';

const line = { namespace: 'shop', pod: 'web-1', container: 'app', timestamp: '2026-11-22T10:00:00.000000001Z', message: 'ready' };

describe('skiff logs lines', () => {
  it('prints pod and container before the message, the namespace with -A, the timestamp with -t, colour on a terminal', () => {
    assert.equal(formatLine(line, { json: false, timestamps: false, allNamespaces: false }), 'web-1 app ready');
    assert.equal(formatLine(line, { json: false, timestamps: true, allNamespaces: true }), 'shop web-1 app 2026-11-22T10:00:00.000000001Z ready');
    assert.equal(formatLine(line, { json: false, timestamps: false, allNamespaces: false, colour: 32 }), '\u001b[32mweb-1 app\u001b[0m ready');
    assert.deepEqual(JSON.parse(formatLine(line, { json: true, timestamps: false, allNamespaces: false })), line);
  });
});
