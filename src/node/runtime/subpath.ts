/**
 * A volumeMount's subPath, resolved the way the kubelet does since CVE-2017-1002101
 * (kubelet_pods.go makeMounts, pkg/volume/util/subpath): the path is relative without
 * `..`; symlinks inside the volume are followed only while the result stays inside it;
 * then the resolved path is opened one component at a time without following any symlink
 * (O_PATH|O_NOFOLLOW from the volume root's descriptor), so a container swapping a
 * directory for a symlink meanwhile is caught. The runtime bind-mounts that descriptor
 * (`/proc/self/fd/N`), never the path, so nothing can change between check and mount.
 */
import { closeSync, fstatSync, mkdirSync, openSync, realpathSync, statSync } from 'node:fs';
import { constants } from 'node:fs';
import { posix } from 'node:path';

/** O_PATH (Linux, every architecture Node runs on): a descriptor that only names a file. */
export const O_PATH = 0o10000000;

export class SubPathError extends Error {}

/** What makeMounts refuses before touching the filesystem. */
export function checkSubPath(subPath: string): void {
  if (posix.isAbsolute(subPath)) throw new SubPathError(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split('/').includes('..')) throw new SubPathError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
}

function within(path: string, base: string): boolean {
  return path === base || path.startsWith(base.endsWith('/') ? base : `${base}/`);
}

export interface OpenedSubPath {
  /** An O_PATH descriptor of the subPath's file or directory (the caller closes it). */
  fd: number;
  /** The resolved host path (for messages and for runtimes that cannot mount descriptors). */
  path: string;
  isDirectory: boolean;
}

/**
 * Opens `<volumeRoot>/<subPath>` safely; creates the missing part as directories first
 * (upstream SafeMakeDir, with the volume root's permissions). Throws a SubPathError saying
 * why the path may not be used.
 */
export function openSubPath(volumeRoot: string, subPath: string): OpenedSubPath {
  checkSubPath(subPath);
  const base = realpathSync(volumeRoot);
  let resolved: string;
  try {
    resolved = realpathSync(posix.join(base, subPath));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SubPathError(`error resolving subpath ${subPath}: ${(err as Error).message}`);
    makeDirsSafely(base, subPath, statSync(base).mode & 0o7777);
    resolved = posix.join(base, posix.normalize(subPath));
  }
  if (!within(resolved, base)) throw new SubPathError(`subpath "${resolved}" not within volume path "${base}"`);
  const fd = walkNoFollow(base, posix.relative(base, resolved));
  return { fd, path: resolved, isDirectory: fstatSync(fd).isDirectory() };
}

/** Each component opened from its parent's descriptor, symlinks refused. */
function walkNoFollow(base: string, rel: string, onMissing?: (parentFd: number, name: string) => void): number {
  let fd = openSync(base, O_PATH | constants.O_NOFOLLOW | constants.O_DIRECTORY);
  let current = base;
  try {
    for (const segment of rel.split('/').filter((s) => s && s !== '.')) {
      current = posix.join(current, segment);
      let child: number;
      try {
        child = openSync(`/proc/self/fd/${fd}/${segment}`, O_PATH | constants.O_NOFOLLOW);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !onMissing) throw new SubPathError(`cannot open ${current}: ${(err as Error).message}`);
        onMissing(fd, segment);
        child = openSync(`/proc/self/fd/${fd}/${segment}`, O_PATH | constants.O_NOFOLLOW);
      }
      closeSync(fd);
      fd = child;
      if (fstatSync(fd).isSymbolicLink()) throw new SubPathError(`unexpected symlink found ${current}`);
    }
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

function makeDirsSafely(base: string, subPath: string, mode: number): void {
  closeSync(walkNoFollow(base, posix.normalize(subPath), (parentFd, name) => {
    try {
      mkdirSync(`/proc/self/fd/${parentFd}/${name}`, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new SubPathError(`cannot create directory ${name}: ${(err as Error).message}`);
    }
  }));
}
