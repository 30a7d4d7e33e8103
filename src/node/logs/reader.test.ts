import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTimestampNanos, readContainerLogs, type LogReadOptions } from './reader.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-log-reader-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, '0.log');
writeFileSync(file, [
  '2026-11-22T10:00:00.000000001Z stdout F one',
  '2026-11-22T10:00:01.000000000Z stderr P tw',
  '2026-11-22T10:00:01.500000000Z stdout F three',
  '2026-11-22T10:00:02.000000000Z stderr F o',
  '',
].join('\n'));

async function read(options: LogReadOptions, path = file, isRunning = () => false, signal = new AbortController().signal): Promise<string> {
  let out = '';
  await readContainerLogs(path, options, (c) => { out += c; }, { isRunning, signal });
  return out;
}

describe('CRI log reader', () => {
  it('joins partial records into lines, per stream, in file order', async () => {
    assert.equal(await read({}), 'one\nthree\ntwo\n');
  });

  it('tail, since, timestamps and limitBytes as the kubelet applies them', async () => {
    assert.equal(await read({ tailLines: 1 }), 'two\n');
    assert.equal(await read({ tailLines: 0 }), '');
    assert.equal(await read({ sinceNanos: parseTimestampNanos('2026-11-22T10:00:01Z') }), 'three\ntwo\n');
    assert.equal(await read({ timestamps: true, tailLines: 1 }), '2026-11-22T10:00:01.000000000Z two\n');
    assert.equal(await read({ limitBytes: 6 }), 'one\nth');
    assert.equal(parseTimestampNanos('2026-11-22T10:00:00.000000001Z') - parseTimestampNanos('2026-11-22T10:00:00Z'), 1n);
  });

  it('follows appended records until the container stops; an abort ends it too', async () => {
    const live = join(dir, 'live.log');
    writeFileSync(live, '2026-11-22T10:00:00.000000000Z stdout F first\n');
    let running = true;
    let out = '';
    const done = readContainerLogs(live, { follow: true }, (c) => { out += c; }, { isRunning: () => running, signal: new AbortController().signal });
    appendFileSync(live, '2026-11-22T10:00:01.000000000Z stdout F second\n');
    running = false;
    await done;
    assert.equal(out, 'first\nsecond\n');
    const abort = new AbortController();
    const waiting = read({ follow: true }, live, () => true, abort.signal);
    abort.abort();
    assert.equal(await waiting, 'first\nsecond\n');
  });
});
