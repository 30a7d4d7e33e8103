/**
 * Container logs in the CRI log format, as containerd's CRI plugin writes them and the
 * kubelet reads them: one record per line,
 * `<RFC3339Nano timestamp> <stdout|stderr> <F|P> <content>`. `F` ends a line; a line
 * longer than 16 KiB is cut into `P` (partial) records of that size, and what a stream
 * leaves unterminated when it ends is written as partial records too.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const MAX_LINE = 16 * 1024;

/** Nanosecond wall-clock timestamps that keep their order within a millisecond. */
const epochNanos = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
let lastNanos = 0n;

export function nowNanos(): bigint {
  let t = epochNanos + process.hrtime.bigint();
  if (t <= lastNanos) t = lastNanos + 1n;
  lastNanos = t;
  return t;
}

/** `2026-11-22T09:41:03.123456789Z` (always nine fractional digits). */
export function rfc3339Nano(nanos: bigint): string {
  const ms = Number(nanos / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${base}.${frac}Z`;
}

export type LogStream = 'stdout' | 'stderr';

export class CriLogWriter {
  private fd: number;
  private readonly pending: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] };

  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  /** Bytes from one of the container's streams. */
  write(stream: LogStream, chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      this.pending[stream].push(chunk.subarray(start, nl));
      this.emitLine(stream, Buffer.concat(this.pending[stream]));
      this.pending[stream] = [];
      start = nl + 1;
    }
    if (start < chunk.length) this.pending[stream].push(chunk.subarray(start));
    const held = this.pending[stream].reduce((n, b) => n + b.length, 0);
    if (held >= MAX_LINE) {
      // A line past the limit goes out in full-size partial records; the rest waits for more.
      const all = Buffer.concat(this.pending[stream]);
      let i = 0;
      for (; all.length - i >= MAX_LINE; i += MAX_LINE) this.record(stream, 'P', all.subarray(i, i + MAX_LINE));
      this.pending[stream] = i < all.length ? [all.subarray(i)] : [];
    }
  }

  /** What a stream left without a newline when it ended goes out as partial records. */
  flushPartial(stream: LogStream): void {
    const rest = Buffer.concat(this.pending[stream]);
    this.pending[stream] = [];
    for (let i = 0; i < rest.length; i += MAX_LINE) this.record(stream, 'P', rest.subarray(i, i + MAX_LINE));
  }

  /** After the agent rotated the file away: continue in a new one at the same path. */
  reopen(): void {
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a');
  }

  close(): void {
    this.flushPartial('stdout');
    this.flushPartial('stderr');
    closeSync(this.fd);
  }

  private emitLine(stream: LogStream, line: Buffer): void {
    let i = 0;
    for (; line.length - i > MAX_LINE; i += MAX_LINE) this.record(stream, 'P', line.subarray(i, i + MAX_LINE));
    this.record(stream, 'F', line.subarray(i));
  }

  private record(stream: LogStream, tag: 'F' | 'P', content: Buffer): void {
    const head = Buffer.from(`${rfc3339Nano(nowNanos())} ${stream} ${tag} `);
    writeSync(this.fd, Buffer.concat([head, content, Buffer.from('\n')]));
  }
}
