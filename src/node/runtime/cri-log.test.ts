import { after, afterEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriLogWriter, MAX_LINE, nowNanos, rfc3339Nano } from './cri-log.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-cri-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => mock.timers.reset());

let n = 0;
function writer(partialFlushMs = 0): { log: CriLogWriter; path: string } {
  const path = join(dir, `c${n++}`, '0.log');
  return { log: new CriLogWriter(path, { partialFlushMs }), path };
}

interface LogRecord { ts: string; stream: string; tag: string; content: string }

function records(path: string): LogRecord[] {
  const text = readFileSync(path, 'utf8');
  if (!text) return [];
  assert.ok(text.endsWith('\n'), 'every record ends with a newline');
  return text.slice(0, -1).split('\n').map((l) => {
    const m = /^(\S+) (stdout|stderr) ([FP]) (.*)$/s.exec(l);
    assert.ok(m, `not a CRI log record: ${JSON.stringify(l.slice(0, 80))}`);
    return { ts: m[1]!, stream: m[2]!, tag: m[3]!, content: m[4]! };
  });
}

const shape = (path: string) => records(path).map((r) => [r.stream, r.tag, r.content.length > 40 ? `${r.content[0]}×${r.content.length}` : r.content]);

describe('CRI log writer', () => {
  it('writes one full record per line with an RFC3339 timestamp of nine fractional digits, in order', () => {
    const { log, path } = writer();
    log.write('stdout', Buffer.from('hello\nwor'));
    log.write('stdout', Buffer.from('ld\n\n'));
    log.write('stderr', Buffer.from('oops\r\n'));
    log.close();
    const r = records(path);
    assert.deepEqual(r.map((x) => [x.stream, x.tag, x.content]), [['stdout', 'F', 'hello'], ['stdout', 'F', 'world'], ['stdout', 'F', ''], ['stderr', 'F', 'oops']]);
    for (const x of r) assert.match(x.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const stamps = r.map((x) => x.ts);
    assert.deepEqual([...stamps].sort(), stamps);
    assert.equal(new Set(stamps).size, stamps.length, 'records of one millisecond still get distinct, ordered stamps');
  });

  it('formats timestamps from nanoseconds since the epoch', () => {
    assert.equal(rfc3339Nano(1_795_340_463_000_000_007n), '2026-11-22T09:41:03.000000007Z');
    const before = BigInt(Date.now()) * 1_000_000n;
    const t = nowNanos();
    assert.ok(t >= before - 5_000_000n && t < before + 5_000_000_000n, 'close to the wall clock');
    assert.ok(nowNanos() > t);
  });

  it('cuts lines longer than 16 KiB into partial records of exactly 16 KiB and a final full record', () => {
    const { log, path } = writer();
    const x = (k: number) => Buffer.alloc(k, 'x');
    log.write('stdout', Buffer.concat([x(MAX_LINE), Buffer.from('\n')])); // exactly the limit: one full record
    log.write('stdout', Buffer.concat([x(MAX_LINE + 10), Buffer.from('\n')]));
    log.write('stdout', x(MAX_LINE)); // arriving in pieces: nothing is cut until the line is past the limit
    log.write('stdout', x(MAX_LINE));
    log.write('stdout', Buffer.from('\n'));
    log.write('stderr', x(3 * MAX_LINE + 1));
    log.close();
    assert.deepEqual(shape(path), [
      ['stdout', 'F', `x×${MAX_LINE}`],
      ['stdout', 'P', `x×${MAX_LINE}`], ['stdout', 'F', 'x'.repeat(10)],
      ['stdout', 'P', `x×${MAX_LINE}`], ['stdout', 'F', `x×${MAX_LINE}`],
      ['stderr', 'P', `x×${MAX_LINE}`], ['stderr', 'P', `x×${MAX_LINE}`], ['stderr', 'P', `x×${MAX_LINE}`], ['stderr', 'P', 'x'],
    ]);
  });

  it('writes what an ended stream left unterminated as a partial record, per stream', () => {
    const { log, path } = writer();
    log.write('stdout', Buffer.from('no newline'));
    log.write('stderr', Buffer.from('line\nhalf'));
    log.flushPartial('stdout');
    log.close();
    assert.deepEqual(shape(path), [['stderr', 'F', 'line'], ['stdout', 'P', 'no newline'], ['stderr', 'P', 'half']]);
  });

  it('writes a line left unterminated for a moment as a partial record; the rest of it follows', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { log, path } = writer(250);
    log.write('stdout', Buffer.from('Loading'));
    log.write('stdout', Buffer.from('...'));
    mock.timers.tick(249);
    assert.deepEqual(shape(path), []);
    mock.timers.tick(1);
    assert.deepEqual(shape(path), [['stdout', 'P', 'Loading...']]);
    log.write('stdout', Buffer.from(' done\r'));
    mock.timers.tick(250); // the `\r` may be half of a `\r\n`: it waits
    log.write('stdout', Buffer.from('\nnext\n'));
    log.close();
    assert.deepEqual(shape(path), [['stdout', 'P', 'Loading...'], ['stdout', 'P', ' done'], ['stdout', 'F', ''], ['stdout', 'F', 'next']]);
  });

  it('appends to an existing file and continues in a new one after reopen (rotation)', () => {
    const { log, path } = writer();
    log.write('stdout', Buffer.from('one\n'));
    log.close();
    const again = new CriLogWriter(path, { partialFlushMs: 0 });
    again.write('stdout', Buffer.from('two\n'));
    renameSync(path, `${path}.1`);
    again.write('stdout', Buffer.from('three\n'));
    again.reopen();
    again.write('stdout', Buffer.from('four\n'));
    again.close();
    assert.deepEqual(shape(`${path}.1`), [['stdout', 'F', 'one'], ['stdout', 'F', 'two'], ['stdout', 'F', 'three']]);
    assert.deepEqual(shape(path), [['stdout', 'F', 'four']]);
  });

  it('reports a failed write and keeps accepting output', () => {
    const path = join(dir, 'full', '0.log');
    const errors: Error[] = [];
    const log = new CriLogWriter(path, { partialFlushMs: 0, onError: (e) => errors.push(e) });
    // Point the writer at a read-only descriptor: every write fails as on a full disk.
    const internals = log as unknown as { fd: number };
    closeSync(internals.fd);
    internals.fd = openSync(path, 'r');
    assert.doesNotThrow(() => log.write('stdout', Buffer.from('lost\n')));
    log.write('stdout', Buffer.from('also lost\n'));
    assert.equal(errors.length, 1, 'one report per run of failures');
    log.close();
  });
});

