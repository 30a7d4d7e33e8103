/**
 * Reads a container's CRI log file the way the kubelet serves `kubectl logs`
 * (pkg/kubelet/kuberuntime/logs): partial records joined into lines, `tailLines` from the
 * end, records before `since` skipped, each line optionally prefixed by its timestamp,
 * output cut at `limitBytes`; with `follow`, appended records keep coming until the
 * container has stopped and the file holds nothing more, or the reader is aborted. A
 * rotated log is finished before the new one is read; a follower that falls more than one
 * rotation behind (10 MiB written within its 250 ms poll) misses the files between.
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

interface Line {
  timestamp: string;
  content: string;
}

/** Whether `path` now names another file than the one open (renamed by rotation). */
async function rotated(path: string, file: FileHandle): Promise<boolean> {
  try {
    return (await stat(path)).ino !== (await file.stat()).ino;
  } catch {
    return false; // not recreated yet: keep reading the old one
  }
}

/** RFC3339Nano → nanoseconds (the digits beyond milliseconds kept). */
export function parseTimestampNanos(ts: string): bigint {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return 0n;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return 0n;
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return BigInt(ms) * 1_000_000n + BigInt(frac);
}

/** Joins records into lines; keeps a pending partial per stream across calls. */
class LineAssembler {
  private readonly partial: Record<string, { timestamp: string; parts: string[] }> = {};

  push(record: string, out: Line[]): void {
    const a = record.indexOf(' ');
    const b = record.indexOf(' ', a + 1);
    const c = record.indexOf(' ', b + 1);
    if (a < 0 || b < 0) return; // not a CRI record: skipped, as the kubelet skips it
    const timestamp = record.slice(0, a);
    const stream = record.slice(a + 1, b);
    const tag = c < 0 ? record.slice(b + 1) : record.slice(b + 1, c);
    const content = c < 0 ? '' : record.slice(c + 1);
    const pending = (this.partial[stream] ??= { timestamp, parts: [] });
    pending.parts.push(content);
    if (tag === 'P') return;
    out.push({ timestamp: pending.timestamp, content: pending.parts.join('') });
    delete this.partial[stream];
  }
}

export async function readContainerLogs(path: string, o: LogReadOptions, write: (chunk: string) => void, ctx: LogReadContext): Promise<void> {
  let file = await open(path, 'r');
  try {
    let position = 0;
    let carry = '';
    let written = 0;
    const limit = o.limitBytes ?? Infinity;
    const assembler = new LineAssembler();
    const emit = (lines: Line[]): boolean => {
      for (const line of lines) {
        if (o.sinceNanos !== undefined && parseTimestampNanos(line.timestamp) < o.sinceNanos) continue;
        let text = `${o.timestamps ? `${line.timestamp} ` : ''}${line.content}\n`;
        if (written + Buffer.byteLength(text) > limit) text = Buffer.from(text).subarray(0, limit - written).toString('utf8');
        write(text);
        written += Buffer.byteLength(text);
        if (written >= limit) return false;
      }
      return true;
    };
    const readMore = async (): Promise<Line[]> => {
      const { size } = await file.stat();
      if (size <= position) return [];
      const buf = Buffer.alloc(size - position);
      const { bytesRead } = await file.read(buf, 0, buf.length, position);
      position += bytesRead;
      const text = carry + buf.subarray(0, bytesRead).toString('utf8');
      const records = text.split('\n');
      carry = records.pop() ?? '';
      const lines: Line[] = [];
      for (const r of records) if (r) assembler.push(r, lines);
      return lines;
    };

    let lines = await readMore();
    if (o.tailLines !== undefined) lines = o.tailLines === 0 ? [] : lines.slice(-o.tailLines);
    if (!emit(lines) || !o.follow) return;

    // Follow: wake on changes to the file, and at least every 250 ms (fs.watch can miss events).
    while (!ctx.signal.aborted) {
      const running = ctx.isRunning();
      const more = await readMore();
      if (!emit(more)) return;
      if (await rotated(path, file)) {
        // The log was rotated away (log-rotation.ts) and the writer has reopened the path (the new file exists):
        // nothing more arrives in the old one, so finish it, then go on with the new file.
        if (!emit(await readMore())) return;
        await file.close();
        file = await open(path, 'r');
        position = 0;
        carry = '';
        continue;
      }
      if (!running && !more.length) return;
      await new Promise<void>((resolve) => {
        let watcher: ReturnType<typeof watch> | undefined;
        const done = () => {
          clearTimeout(timer);
          watcher?.close();
          ctx.signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, 250);
        try {
          watcher = watch(path, done);
        } catch { /* polling only */ }
        ctx.signal.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    await file.close();
  }
}
