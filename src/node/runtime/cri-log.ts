/**
 * Container logs in the CRI log format, as a CRI runtime writes them and the kubelet
 * (and so `kubectl logs`) reads them: one record per line,
 * `<timestamp, RFC3339 with 9 fractional digits> <stdout|stderr> <F|P> <content>`.
 *
 * As containerd's CRI logger does: a line's `\n` (or `\r\n`) ends an `F` (full) record and
 * is not part of its content; a line longer than 16 KiB goes out as `P` (partial) records
 * of exactly 16 KiB and a last `F`; what a stream leaves unterminated when it ends is
 * written as `P`. Beyond containerd (and like CRI-O's conmon), a line left unterminated
 * for a moment (a prompt, a progress bar) is also written out as `P`, so followers see it.
 * Write errors never stop the draining of a container's output (the container must not
 * block on a full pipe); they are reported to `onError`.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const MAX_LINE = 16 * 1024;
/** How long a line may stay unterminated before what it has is written as a partial record. */
export const DEFAULT_PARTIAL_FLUSH_MS = 250;

const NL = 0x0a;
const CR = 0x0d;

/** Nanosecond wall-clock timestamps: the epoch offset is taken once, so records in one millisecond keep their order. */
const epochNanos = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
let lastNanos = 0n;

export function nowNanos(): bigint {
  let t = epochNanos + process.hrtime.bigint();
  if (t <= lastNanos) t = lastNanos + 1n;
  lastNanos = t;
  return t;
}

/** `2026-11-22T09:41:03.123456789Z` (always nine fractional digits, UTC). */
export function rfc3339Nano(nanos: bigint): string {
  const base = new Date(Number(nanos / 1_000_000n)).toISOString().slice(0, 19);
  const frac = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${base}.${frac}Z`;
}

export type LogStream = 'stdout' | 'stderr';

export interface CriLogWriterOptions {
  /** Idle time after which an unterminated line is written as a partial record; 0 turns that off. */
  partialFlushMs?: number;
  /** Records could not be written (disk full, …): they are lost, the output keeps draining. Called once per run of failures. */
  onError?(err: Error): void;
}

interface PendingLine {
  chunks: Buffer[];
  bytes: number;
  timer?: NodeJS.Timeout;
}

export class CriLogWriter {
  private fd: number | undefined;
  private readonly pending: Record<LogStream, PendingLine> = { stdout: { chunks: [], bytes: 0 }, stderr: { chunks: [], bytes: 0 } };
  private batch: Buffer[] = [];
  private failing = false;
  private readonly partialFlushMs: number;

  /** Opens (creating) `path` append-only; its directory is created when missing. */
  constructor(private readonly path: string, private readonly options: CriLogWriterOptions = {}) {
    this.partialFlushMs = options.partialFlushMs ?? DEFAULT_PARTIAL_FLUSH_MS;
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  /** Bytes from one of the container's streams. */
  write(stream: LogStream, chunk: Buffer): void {
    if (this.fd === undefined || !chunk.length) return;
    const line = this.pending[stream];
    let start = 0;
    for (let nl = chunk.indexOf(NL); nl >= 0; nl = chunk.indexOf(NL, start)) {
      line.chunks.push(chunk.subarray(start, nl));
      this.emitLine(stream, Buffer.concat(line.chunks));
      line.chunks = [];
      line.bytes = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      line.chunks.push(chunk.subarray(start));
      line.bytes += chunk.length - start;
      this.splitLongLine(stream);
    }
    if (line.bytes === 0) this.clearTimer(line);
    else if (!line.timer && this.partialFlushMs > 0) {
      line.timer = setTimeout(() => this.flushPartial(stream, { streamEnded: false }), this.partialFlushMs);
      line.timer.unref();
    }
    this.flushBatch();
  }

  /**
   * Writes what the stream holds of an unterminated line as partial records: when the
   * stream ended (`streamEnded`, the default) all of it; after a pause all but a trailing
   * `\r`, which may be the start of a `\r\n`.
   */
  flushPartial(stream: LogStream, { streamEnded = true }: { streamEnded?: boolean } = {}): void {
    const line = this.pending[stream];
    this.clearTimer(line);
    if (this.fd === undefined || !line.bytes) return;
    let rest = Buffer.concat(line.chunks);
    let keep = Buffer.alloc(0);
    if (!streamEnded && rest[rest.length - 1] === CR) {
      keep = rest.subarray(rest.length - 1);
      rest = rest.subarray(0, rest.length - 1);
    }
    for (let i = 0; i < rest.length; i += MAX_LINE) this.record(stream, 'P', rest.subarray(i, i + MAX_LINE));
    line.chunks = keep.length ? [keep] : [];
    line.bytes = keep.length;
    this.flushBatch();
  }

  /** After the agent rotated the file away: continue in a new file at the same path. */
  reopen(): void {
    if (this.fd === undefined) return;
    const fresh = openSync(this.path, 'a');
    closeSync(this.fd);
    this.fd = fresh;
  }

  /** Writes what is left of unterminated lines (as partial records) and closes the file. */
  close(): void {
    if (this.fd === undefined) return;
    this.flushPartial('stdout');
    this.flushPartial('stderr');
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** A line still growing past the limit goes out in full-size partial records; the rest waits for more. */
  private splitLongLine(stream: LogStream): void {
    const line = this.pending[stream];
    // A trailing `\r` is not counted: with the `\n` that may follow, it is no content.
    const last = line.chunks[line.chunks.length - 1]!;
    const trailingCR = last[last.length - 1] === CR ? 1 : 0;
    if (line.bytes - trailingCR <= MAX_LINE) return;
    const all = Buffer.concat(line.chunks);
    let i = 0;
    for (; all.length - trailingCR - i > MAX_LINE; i += MAX_LINE) this.record(stream, 'P', all.subarray(i, i + MAX_LINE));
    line.chunks = [all.subarray(i)];
    line.bytes = all.length - i;
  }

  private emitLine(stream: LogStream, line: Buffer): void {
    if (line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    let i = 0;
    for (; line.length - i > MAX_LINE; i += MAX_LINE) this.record(stream, 'P', line.subarray(i, i + MAX_LINE));
    this.record(stream, 'F', line.subarray(i));
  }

  private record(stream: LogStream, tag: 'F' | 'P', content: Buffer): void {
    this.batch.push(Buffer.from(`${rfc3339Nano(nowNanos())} ${stream} ${tag} `), content, Buffer.from('\n'));
  }

  /** One write per chunk of output: records of a chunk stay together and in order. */
  private flushBatch(): void {
    if (!this.batch.length || this.fd === undefined) return;
    const data = Buffer.concat(this.batch);
    this.batch = [];
    try {
      for (let off = 0; off < data.length;) off += writeSync(this.fd, data, off);
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.options.onError?.(err as Error);
      this.failing = true;
    }
  }

  private clearTimer(line: PendingLine): void {
    if (line.timer) clearTimeout(line.timer);
    line.timer = undefined;
  }
}
