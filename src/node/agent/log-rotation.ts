/**
 * Container log rotation as the kubelet's container log manager does it
 * (containerLogMaxSize 10Mi, containerLogMaxFiles 5): every few seconds each running
 * container's log is checked; one past the size is renamed to `<log>.<timestamp>`, the
 * runtime reopens the original path, and the oldest rotated files beyond the limit are
 * removed. Readers following the log move on to the new file (logs/reader.ts).
 */
import { readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Clock } from '../../client/clock.js';
import type { Runtime } from '../runtime/types.js';

export interface LogRotationOptions {
  runtime: Runtime;
  clock: Clock;
  maxBytes?: number;
  /** Files kept per container, the live one included. */
  maxFiles?: number;
  intervalMs?: number;
  onError(err: unknown): void;
}

export const DEFAULT_MAX_LOG_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_LOG_FILES = 5;

/** `20261122-101530.123456789`-style suffix: sortable, unique per rotation. */
function suffix(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace('Z', '');
}

export async function rotateIfLarge(runtime: Runtime, id: string, path: string, maxBytes: number, maxFiles: number, now: Date): Promise<boolean> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return false;
  }
  if (size <= maxBytes) return false;
  await rename(path, `${path}.${suffix(now)}`);
  await runtime.reopenContainerLog(id);
  const prefix = `${basename(path)}.`;
  const rotated = (await readdir(dirname(path))).filter((f) => f.startsWith(prefix)).sort();
  for (const old of rotated.slice(0, Math.max(0, rotated.length - (maxFiles - 1)))) await unlink(join(dirname(path), old)).catch(() => undefined);
  return true;
}

export function startLogRotation(o: LogRotationOptions): { stop(): void } {
  const stopping = new AbortController();
  void (async () => {
    while (!stopping.signal.aborted) {
      await o.clock.sleep(o.intervalMs ?? 10_000, stopping.signal);
      if (stopping.signal.aborted) break;
      try {
        for (const c of await o.runtime.listContainers()) {
          if (c.state === 'running') await rotateIfLarge(o.runtime, c.id, c.logPath, o.maxBytes ?? DEFAULT_MAX_LOG_BYTES, o.maxFiles ?? DEFAULT_MAX_LOG_FILES, o.clock.now());
        }
      } catch (err) {
        o.onError(err);
      }
    }
  })();
  return { stop: () => stopping.abort() };
}
