/**
 * Reads a container's CRI log file the way the kubelet serves `kubectl logs`
 * (pkg/kubelet/kuberuntime/logs, now k8s.io/cri-client/pkg/logs): `tailLines` from the
 * end, records before `since` skipped, each line optionally prefixed by its timestamp in
 * RFC3339Nano with nine digits, output cut at `limitBytes`; with `follow`, appended
 * records keep coming until the container has stopped and the file holds nothing more,
 * or the reader is aborted.
 *
 * Unlike the kubelet, which copies records out one by one, partial (`P`) records are
 * joined per stream into whole lines, so a long stdout line split by the runtime is not
 * interleaved with stderr and carries one timestamp, and `tailLines` counts lines, not
 * records. What is left partial at the end (a last line without a newline) is written
 * as it is, without a newline, as the kubelet does.
 *
 * Everything stays in bytes until written: a UTF-8 character cut between two reads or two
 * partial records comes out whole. A rotated log is finished before the new one is read;
 * a follower that falls more than one rotation behind (10 MiB written within its 250 ms
 * poll) misses the files between.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { watch } from 'node:fs';

export interface LogReadOptions {
  tailLines?: number;
  /** Nanoseconds since the epoch; earlier records are skipped. */
  sinceNanos?: bigint;
  timestamps?: boolean;
  limitBytes?: number;
  follow?: boolean;
}

export interface LogReadContext {
  isRunning(): boolean;
  signal: AbortSignal;
}

/** Takes output; a returned promise holds the reader until the sink can take more. */
export type LogSink = (chunk: Buffer) => void | Promise<void>;

/** How much of the file one read takes: big logs stream through instead of being loaded whole. */
const READ_CHUNK = 1 << 20;
/** Follow wakes at least this often: fs.watch can miss events (and is unavailable on some filesystems). */
const POLL_MS = 250;
const NEWLINE = Buffer.from('\n');
const EMPTY = Buffer.alloc(0);

interface Line {
  /** RFC3339Nano with nine fractional digits, the zone as written (the kubelet's RFC3339NanoFixed). */
  timestamp: string;
  nanos: bigint;
  content: Buffer;
  /** False for a partial line left unterminated at the end of the log. */
  newline: boolean;
}

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/;

function parseTimestamp(ts: string): { timestamp: string; nanos: bigint } | undefined {
  const m = RFC3339.exec(ts);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return { timestamp: `${m[1]}.${frac}${m[3]}`, nanos: BigInt(ms) * 1_000_000n + BigInt(frac) };
}

/** RFC3339Nano → nanoseconds since the epoch (the digits beyond milliseconds kept); 0n if unparsable. */
export function parseTimestampNanos(ts: string): bigint {
  return parseTimestamp(ts)?.nanos ?? 0n;
}

/** Joins records into lines; keeps a pending partial per stream across calls. */
class LineAssembler {
  private readonly partial = new Map<string, { timestamp: string; nanos: bigint; parts: Buffer[] }>();

  push(record: Buffer, out: Line[]): void {
    const a = record.indexOf(0x20);
    const b = a < 0 ? -1 : record.indexOf(0x20, a + 1);
    if (b < 0) return; // not a CRI record: skipped, as the kubelet skips it
    const time = parseTimestamp(record.toString('latin1', 0, a));
    const stream = record.toString('latin1', a + 1, b);
    if (!time || (stream !== 'stdout' && stream !== 'stderr')) return;
    const c = record.indexOf(0x20, b + 1);
    // Tags are `:`-separated and only the first is defined (P or F): newer ones are ignored, as upstream does.
    const partial = record.toString('latin1', b + 1, c < 0 ? record.length : c).split(':')[0] === 'P';
    const content = c < 0 ? EMPTY : record.subarray(c + 1);
    let pending = this.partial.get(stream);
    if (!pending) this.partial.set(stream, (pending = { ...time, parts: [] }));
    // A partial's bytes outlive the read buffer they came in: copy them.
    pending.parts.push(partial ? Buffer.from(content) : content);
    if (partial) return;
    this.partial.delete(stream);
    out.push({ timestamp: pending.timestamp, nanos: pending.nanos, content: Buffer.concat(pending.parts), newline: true });
  }

  /** The partial lines nothing will complete, as they are. */
  flush(out: Line[]): void {
    for (const p of this.partial.values()) out.push({ timestamp: p.timestamp, nanos: p.nanos, content: Buffer.concat(p.parts), newline: false });
    this.partial.clear();
  }
}

/** Whether `path` now names another file than the one open (renamed by rotation). */
async function rotated(path: string, file: FileHandle): Promise<boolean> {
  try {
    return (await stat(path)).ino !== (await file.stat()).ino;
  } catch {
    return false; // not recreated yet: keep reading the old one
  }
}

/** Resolves on a change to the file, after POLL_MS, or on abort, whichever comes first. */
function changeOf(path: string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    let watcher: ReturnType<typeof watch> | undefined;
    const done = () => {
      clearTimeout(timer);
      watcher?.close();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, POLL_MS);
    try {
      watcher = watch(path, done);
      watcher.on('error', done);
    } catch { /* polling only */ }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function readContainerLogs(path: string, o: LogReadOptions, write: LogSink, ctx: LogReadContext): Promise<void> {
  let file = await open(path, 'r');
  try {
    const assembler = new LineAssembler();
    const limit = o.limitBytes ?? Infinity;
    let position = 0;
    let carry = EMPTY;
    let written = 0;

    /** Writes lines out; false once `limitBytes` is reached. */
    const emit = async (lines: Line[]): Promise<boolean> => {
      for (const line of lines) {
        if (o.sinceNanos !== undefined && line.nanos < o.sinceNanos) continue;
        const pieces = o.timestamps ? [Buffer.from(`${line.timestamp} `), line.content] : [line.content];
        if (line.newline) pieces.push(NEWLINE);
        let chunk = Buffer.concat(pieces);
        if (chunk.length > limit - written) chunk = chunk.subarray(0, limit - written);
        written += chunk.length;
        if (chunk.length) await write(chunk);
        if (written >= limit) return false;
      }
      return true;
    };

    /** Reads what the file holds past `position`, handing complete lines to `take`; `read`: whether any bytes came. */
    const readAvailable = async (take: (lines: Line[]) => Promise<boolean>): Promise<{ read: boolean; go: boolean }> => {
      let read = false;
      for (;;) {
        const buf = Buffer.allocUnsafe(READ_CHUNK);
        const { bytesRead } = await file.read(buf, 0, READ_CHUNK, position);
        if (bytesRead === 0) return { read, go: true };
        read = true;
        position += bytesRead;
        const data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
        const lines: Line[] = [];
        let start = 0;
        for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
          if (nl > start) assembler.push(data.subarray(start, nl), lines);
          start = nl + 1;
        }
        carry = Buffer.from(data.subarray(start));
        if (!(await take(lines))) return { read, go: false };
      }
    };

    // What the file holds now: written as it comes, or only its last `tailLines` lines.
    const tail = o.tailLines;
    let window: Line[] = [];
    const keepTail = async (lines: Line[]): Promise<boolean> => {
      if (tail !== undefined && tail > 0) window = window.concat(lines).slice(-tail);
      return true;
    };
    const initial = tail === undefined ? emit : keepTail;
    if (!(await readAvailable(initial)).go) return;
    if (!o.follow) {
      // The end: an unterminated last record is still read (the kubelet does), and partials go out as they are.
      const rest: Line[] = [];
      if (carry.length) assembler.push(carry, rest);
      assembler.flush(rest);
      if (!(await initial(rest))) return;
      if (tail !== undefined) await emit(window);
      return;
    }
    if (tail !== undefined && !(await emit(window))) return;

    while (!ctx.signal.aborted) {
      const running = ctx.isRunning();
      const { read, go } = await readAvailable(emit);
      if (!go) return;
      if (await rotated(path, file)) {
        // The log was rotated away (log-rotation.ts) and the writer has reopened the path (the new file exists):
        // nothing more arrives in the old one, so finish it, then go on with the new file.
        if (!(await readAvailable(emit)).go) return;
        await file.close();
        file = await open(path, 'r');
        position = 0;
        carry = EMPTY;
        continue;
      }
      if (!running && !read) {
        // Stopped, and everything it wrote has been read: what it left partial is all there will be.
        const rest: Line[] = [];
        assembler.flush(rest);
        await emit(rest);
        return;
      }
      await changeOf(path, ctx.signal);
    }
  } finally {
    await file.close();
  }
}
