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

async function readBytes(options: LogReadOptions, path = file, isRunning = () => false, signal = new AbortController().signal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await readContainerLogs(path, options, (c) => { chunks.push(c); }, { isRunning, signal });
  return Buffer.concat(chunks);
}
const read = async (...args: Parameters<typeof readBytes>) => (await readBytes(...args)).toString('utf8');

/** A file of CRI records written by the test. */
function logFile(name: string, records: string[], end = '\n'): string {
  const path = join(dir, name);
  writeFileSync(path, records.join('\n') + end);
  return path;
}

describe('CRI log reader', () => {
  it('joins partial records into lines, per stream, in file order', async () => {
    assert.equal(await read({}), 'one\nthree\ntwo\n');
  });

  it('tail, since, timestamps and limitBytes as the kubelet applies them', async () => {
    assert.equal(await read({ tailLines: 1 }), 'two\n');
    assert.equal(await read({ tailLines: 0 }), '');
    assert.equal(await read({ tailLines: 10 }), 'one\nthree\ntwo\n');
    assert.equal(await read({ sinceNanos: parseTimestampNanos('2026-11-22T10:00:01Z') }), 'three\ntwo\n');
    // tail first, then since (the kubelet seeks to the tail, then skips older records)
    assert.equal(await read({ tailLines: 2, sinceNanos: parseTimestampNanos('2026-11-22T10:00:01.2Z') }), 'three\n');
    assert.equal(await read({ timestamps: true, tailLines: 1 }), '2026-11-22T10:00:01.000000000Z two\n');
    assert.equal(await read({ limitBytes: 6 }), 'one\nth');
    assert.equal(await read({ limitBytes: 40, timestamps: true }), '2026-11-22T10:00:00.000000001Z one\n2026-');
    assert.equal(parseTimestampNanos('2026-11-22T10:00:00.000000001Z') - parseTimestampNanos('2026-11-22T10:00:00Z'), 1n);
  });

  it('prints timestamps with nine digits in the zone written; skips what is not a CRI record', async () => {
    const path = logFile('odd.log', [
      '2026-11-22T10:00:00.5Z stdout F short fraction',
      'garbage',
      '2026-11-22T12:00:00+02:00 stderr F no fraction, offset',
      'not-a-time stdout F skipped',
      '2026-11-22T10:00:01Z stdin F skipped too',
      '2026-11-22T10:00:02.000000000Z stdout F:x extra tags ignored',
      '2026-11-22T10:00:03.000000000Z stdout F',
    ]);
    assert.equal(await read({ timestamps: true }, path), [
      '2026-11-22T10:00:00.500000000Z short fraction',
      '2026-11-22T12:00:00.000000000+02:00 no fraction, offset',
      '2026-11-22T10:00:02.000000000Z extra tags ignored',
      '2026-11-22T10:00:03.000000000Z ',
      '',
    ].join('\n'));
  });

  it('a last line left partial is written as it is, without a newline; an unterminated last record is read', async () => {
    const path = logFile('partial-end.log', ['2026-11-22T10:00:00.000000000Z stdout F done', '2026-11-22T10:00:01.000000000Z stdout P no newline'], '');
    assert.equal(await read({}, path), 'done\nno newline');
    assert.equal(await read({ tailLines: 1 }, path), 'no newline');
  });

  it('keeps UTF-8 whole across partial records and across reads of a big file', async () => {
    const euro = Buffer.from('€'); // 3 bytes, cut between two records
    const path = join(dir, 'utf8.log');
    writeFileSync(path, Buffer.concat([
      Buffer.from('2026-11-22T10:00:00.000000000Z stdout P a'), euro.subarray(0, 1), Buffer.from('\n'),
      Buffer.from('2026-11-22T10:00:00.000000001Z stdout F '), euro.subarray(1), Buffer.from('b\n'),
    ]));
    assert.equal(await read({}, path), 'a€b\n');

    // More than one read chunk (1 MiB), with multi-byte characters everywhere, including across the boundary.
    const line = (i: number) => `2026-11-22T10:00:00.000000000Z stdout F ${i} ${'żółw€'.repeat(40)}`;
    const lines = Array.from({ length: 8000 }, (_, i) => line(i));
    const big = logFile('big.log', lines);
    const content = (l: string) => `${l.slice(' stdout F '.length + 30)}\n`;
    assert.equal(await read({}, big), lines.map(content).join(''));
    assert.equal(await read({ tailLines: 2 }, big), lines.slice(-2).map(content).join(''));
    // limitBytes counts bytes and may cut a character, as the kubelet's writer does
    assert.deepEqual(await readBytes({ limitBytes: 4 }, big), Buffer.from('0 ż').subarray(0, 4));
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

  it('follow delivers appended lines while running, honours tail and a slow sink, and ends with the partial left', async () => {
    const live = logFile('live2.log', ['2026-11-22T10:00:00.000000000Z stdout F a', '2026-11-22T10:00:01.000000000Z stdout F b']);
    let running = true;
    const got: string[] = [];
    let arrived: (() => void) | undefined;
    const next = () => new Promise<void>((r) => { arrived = r; });
    let wait = next();
    const done = readContainerLogs(live, { follow: true, tailLines: 1 }, async (c) => {
      got.push(c.toString());
      await new Promise((r) => setImmediate(r)); // a sink that takes its time: the reader waits for it
      arrived?.();
    }, { isRunning: () => running, signal: new AbortController().signal });
    await wait;
    assert.deepEqual(got, ['b\n']);
    wait = next();
    appendFileSync(live, '2026-11-22T10:00:02.000000000Z stdout F c\n');
    await wait;
    assert.deepEqual(got, ['b\n', 'c\n']);
    appendFileSync(live, '2026-11-22T10:00:03.000000000Z stdout P tail end');
    appendFileSync(live, '\n');
    running = false;
    await done;
    assert.deepEqual(got, ['b\n', 'c\n', 'tail end']);
  });

  it('follow stops at limitBytes even while the container runs', async () => {
    const live = logFile('limited.log', ['2026-11-22T10:00:00.000000000Z stdout F 0123456789']);
    assert.equal(await read({ follow: true, limitBytes: 4 }, live, () => true), '0123');
  });
});
