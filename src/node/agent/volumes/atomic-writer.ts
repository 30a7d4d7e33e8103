/**
 * Writes a volume's files the way the kubelet's AtomicWriter does (pkg/volume/util/
 * atomic_writer.go), so a reader never sees half an update:
 *
 *   <dir>/..2026_11_22_10_00_00.123456   the payload, written in full first
 *   <dir>/..data -> ..2026_11_22_10_00_00.123456   swapped by rename(2) of `..data_tmp`
 *   <dir>/<key> -> ..data/<key>           what users read (top-level names only)
 *
 * An unchanged payload writes nothing. Keys gone from the payload lose their symlink after
 * the swap; the old timestamped directory is removed last.
 */
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

export interface FileProjection {
  data: Buffer;
  /** Permission bits (e.g. 0o644). */
  mode: number;
}

/** Relative path inside the volume → contents. */
export type Payload = Map<string, FileProjection>;

const DATA_DIR = '..data';
const DATA_DIR_TMP = '..data_tmp';

/** Upstream validatePath: relative, no `..` element, not starting with `..`, at most 4096 bytes. */
export function validatePayloadPath(path: string): string | undefined {
  if (!path) return 'invalid path: must not be empty';
  if (path.length > 4096) return `invalid path: must be less than or equal to 4096 characters`;
  if (path.startsWith('/')) return `invalid path: must be relative path: ${path}`;
  if (path.split('/').includes('..')) return `invalid path: must not contain '..': ${path}`;
  if (path.startsWith('..')) return `invalid path: must not start with '..': ${path}`;
  return undefined;
}

/**
 * Makes `dir` hold exactly `payload`. Returns whether anything was written. Throws when a
 * path is invalid or the filesystem refuses; `dir` then still shows the previous payload.
 */
export function writeAtomically(dir: string, payload: Payload, now: Date = new Date()): boolean {
  const clean = new Map<string, FileProjection>();
  for (const [path, file] of payload) {
    const invalid = validatePayloadPath(path);
    if (invalid) throw new Error(invalid);
    clean.set(posix.normalize(path), file);
  }
  mkdirSync(dir, { recursive: true });
  const oldTsName = currentTsDir(dir);
  const oldFiles = oldTsName ? readTree(join(dir, oldTsName)) : new Map<string, FileProjection>();
  const toRemove = [...topLevel(oldFiles.keys())].filter((name) => !topLevel(clean.keys()).has(name));
  if (oldTsName && samePayload(oldFiles, clean) && toRemove.length === 0) {
    // The visible names may have been removed by hand; they are cheap to restore.
    createVisible(dir, clean);
    return false;
  }

  const tsDir = mkdtempSync(join(dir, tsPrefix(now)));
  chmodSync(tsDir, 0o755);
  try {
    for (const [path, file] of clean) {
      const full = join(tsDir, path);
      mkdirSync(dirname(full), { recursive: true, mode: 0o755 });
      writeFileSync(full, file.data);
      chmodSync(full, file.mode);
    }
    // The swap: a new `..data` points at the complete new payload in one rename.
    const tmpLink = join(dir, DATA_DIR_TMP);
    rmSync(tmpLink, { force: true });
    symlinkSync(tsDir.slice(dir.length + 1), tmpLink);
    renameSync(tmpLink, join(dir, DATA_DIR));
  } catch (err) {
    rmSync(tsDir, { recursive: true, force: true });
    throw err;
  }
  for (const name of toRemove) rmSync(join(dir, name), { force: true, recursive: false });
  createVisible(dir, clean);
  if (oldTsName) rmSync(join(dir, oldTsName), { recursive: true, force: true });
  return true;
}

/** `..2006_01_02_15_04_05.` in UTC, as upstream names its timestamped directories. */
function tsPrefix(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

function currentTsDir(dir: string): string | undefined {
  try {
    const target = readlinkSync(join(dir, DATA_DIR));
    return statSync(join(dir, target)).isDirectory() ? target : undefined;
  } catch {
    return undefined;
  }
}

function topLevel(paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) out.add(p.split('/')[0]!);
  return out;
}

/** Every file under `root` (relative path → contents and mode). */
function readTree(root: string, prefix = '', out = new Map<string, FileProjection>()): Map<string, FileProjection> {
  for (const entry of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) readTree(root, rel, out);
    else if (entry.isFile()) {
      const full = join(root, rel);
      out.set(rel, { data: readFileSync(full), mode: statSync(full).mode & 0o7777 });
    }
  }
  return out;
}

function samePayload(a: Map<string, FileProjection>, b: Map<string, FileProjection>): boolean {
  if (a.size !== b.size) return false;
  for (const [path, file] of b) {
    const old = a.get(path);
    if (!old || old.mode !== file.mode || !old.data.equals(file.data)) return false;
  }
  return true;
}

/** `<name> -> ..data/<name>` for each top-level name not yet visible. */
function createVisible(dir: string, payload: Payload): void {
  for (const name of topLevel(payload.keys())) {
    const link = join(dir, name);
    try {
      lstatSync(link);
      continue;
    } catch { /* missing: create it */ }
    try {
      symlinkSync(posix.join(DATA_DIR, name), link);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

