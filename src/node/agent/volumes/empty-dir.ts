/**
 * emptyDir volumes, and the directories the writer-based volumes live in. A directory
 * under the pod's volume directory, mode 0777 as upstream makes it; with `medium: Memory`
 * (and for secret and projected volumes, which upstream keeps off disk) a tmpfs when the
 * agent may mount one (root), sized by `sizeLimit`. Without root the directory is on disk.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { quantityNanos } from '../../../api/defaults/pod.js';

const run = promisify(execFile);

/** Mount points from /proc/self/mountinfo (field 5, octal escapes decoded). */
export function mountPoints(): string[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((line) => line.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8))));
}

export function isMountPoint(dir: string): boolean {
  return mountPoints().includes(dir);
}

export interface DirOptions {
  /** Back it with a tmpfs (when `tmpfs` is allowed). */
  memory: boolean;
  /** The tmpfs size in bytes (sizeLimit). */
  sizeBytes?: number;
  /** The agent may mount (root). */
  tmpfs: boolean;
  mode: number;
}

export async function ensureVolumeDir(dir: string, o: DirOptions): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (o.memory && o.tmpfs && !isMountPoint(dir)) {
    const options = [`mode=${o.mode.toString(8).padStart(4, '0')}`, ...(o.sizeBytes ? [`size=${o.sizeBytes}`] : [])];
    try {
      await run('mount', ['-t', 'tmpfs', '-o', options.join(','), 'tmpfs', dir]);
    } catch (err) {
      throw new Error(`mount of a tmpfs on ${dir} failed: ${((err as { stderr?: string }).stderr || (err as Error).message).trim()}`);
    }
    return;
  }
  // mkdir honours the umask; the volume's mode is set explicitly, as upstream does.
  chmodSync(dir, o.mode);
}

export interface EmptyDirSource {
  medium?: string;
  sizeLimit?: string | number;
}

export async function setUpEmptyDir(dir: string, source: EmptyDirSource, tmpfs: boolean): Promise<void> {
  const medium = source.medium ?? '';
  if (medium !== '' && medium !== 'Memory') throw new Error(`emptyDir medium ${JSON.stringify(medium)} is not supported by this node (only "" and "Memory")`);
  const limit = source.sizeLimit === undefined ? undefined : quantityNanos(String(source.sizeLimit));
  const sizeBytes = limit ? Number(limit / 1_000_000_000n) : undefined;
  await ensureVolumeDir(dir, { memory: medium === 'Memory', sizeBytes, tmpfs, mode: 0o777 });
}

/** Unmounts everything mounted at or under `dir`, deepest first (before the directory is removed). */
export async function unmountUnder(dir: string): Promise<void> {
  const under = mountPoints().filter((m) => m === dir || m.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);
  for (const m of under) {
    try {
      await run('umount', [m]);
    } catch {
      // Busy: detach it now, the kernel frees it once unused.
      await run('umount', ['-l', m]).catch(() => undefined);
    }
  }
}
