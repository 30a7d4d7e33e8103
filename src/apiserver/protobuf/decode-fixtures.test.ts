// Golden fixtures captured from real kubectl (capture/capture.ts): the protobuf body
// kubectl 1.33 sent must decode to the JSON body kubectl 1.31 sent for the same command.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decodeProtobufObject } from './index.js';

const dir = new URL('./testdata/', import.meta.url);

/**
 * encoding/json writes null for nil pointers, nil slices and zero metav1.Time in fields
 * without omitempty (e.g. `"creationTimestamp": null`); protobuf has no null, so such a
 * field is absent there. Both mean "unset" to the server, so the oracle drops them.
 */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, dropNulls(x)]));
  }
  return v;
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const fixture = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { command: string; protobufHex: string; json: unknown; expected?: unknown };
  test(`${file}: ${fixture.command}`, () => {
    const decoded = decodeProtobufObject(Buffer.from(fixture.protobufHex, 'hex'));
    assert.deepEqual(decoded, dropNulls(fixture.expected ?? fixture.json));
  });
}
