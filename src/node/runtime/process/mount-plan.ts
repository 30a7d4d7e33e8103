/**
 * The shell script that gives a container its own mount view, run inside a new mount
 * namespace copied from its pod's (so nothing reaches the host's):
 *
 * - every mount is bound at its containerPath (deepest last, as containerd orders them),
 *   read-only ones remounted so. A subPath (which the runtime resolved without following
 *   symlinks) is opened here, its descriptor's real path compared with what the runtime
 *   resolved, and the descriptor bound (`/proc/self/fd/4`): a symlink swapped in meanwhile
 *   is refused, and nothing can change between that check and the mount;
 * - a containerPath that does not exist on the host, anywhere the host's filesystems
 *   would have to change to make it, puts the container on a private root: an overlay of
 *   each filesystem on the way to the missing paths (its upper layer a tmpfs in this
 *   namespace only), every other mount bound recursively as it is, then pivot_root into it.
 *   The missing directories are made in the private layer, which dies with the container.
 *
 * Failures are reported on fd 3 (the runtime reads them as the start error); the script
 * ends by executing the container's command ("$@").
 */
import { statSync } from 'node:fs';
import { posix } from 'node:path';

export interface PlannedMount {
  containerPath: string;
  /** A host path. */
  source: string;
  /** `source` is a resolved subPath: bound through a descriptor whose real path must still be `source`. */
  subPath: boolean;
  readonly: boolean;
  /** The source is a directory (else a file: its mount point is made a file). */
  isDirectory: boolean;
  /** For messages: the volume mounted. */
  volumeName?: string;
}

export interface ScriptOptions {
  mounts: PlannedMount[];
  /** Mount points of the pod's mount namespace (/proc/<pid>/mountinfo, in order). */
  mountInfo: string[];
  /** An empty host directory the private layer's tmpfs goes on (in the container's namespace only). */
  scratchDir: string;
  workingDir: string;
  /** Failures and success are reported on fd 3; without (a terminal), failures go to stderr. */
  statusFd: boolean;
}

/** Where the set-up finds its tools, whatever PATH the container sets (its own is restored before its command). */
export const TOOLS_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Single-quoted for sh. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Mount points from a mountinfo text (field 5, octal escapes decoded). */
export function parseMountInfo(text: string): string[] {
  return text.split('\n').filter(Boolean).map((line) => line.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8))));
}

function under(path: string, dir: string): boolean {
  return dir === '/' ? path.startsWith('/') : path === dir || path.startsWith(`${dir}/`);
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The deepest of `points` holding `path`. */
function deepest(points: string[], path: string): string {
  let best = '/';
  for (const p of points) if (under(path, p) && p.length > best.length) best = p;
  return best;
}

/** Shell lines that check the program (`$1`) exists as exec would find it; `fail ENOENT|EACCES` reports. */
export const PROGRAM_CHECK = `p=$1
case "$p" in
  */*) if [ ! -e "$p" ]; then fail ENOENT; elif [ -d "$p" ] || [ ! -x "$p" ]; then fail EACCES; fi ;;
  *) command -v "$p" >/dev/null 2>&1 || fail ENOENT ;;
esac`;

/** `fail` on a terminal (no status pipe): the reason on stderr in runc's words, exit 127 as a shell's. */
export const TERMINAL_FAIL = `fail() {
  case "$1" in ENOENT) printf 'exec: "%s": executable file not found in $PATH\\n' "$p" >&2 ;; EACCES) printf 'exec: "%s": permission denied\\n' "$p" >&2 ;; *) printf '%s\\n' "$*" >&2 ;; esac
  exit 127
}`;

export function containerScript(o: ScriptOptions): string {
  const lines = [
    o.statusFd ? 'fail() { printf \'%s\\n\' "$*" >&3; exit 1; }' : TERMINAL_FAIL,
    'm() { out=$(mount "$@" 2>&1) || fail "$out"; }',
    `container_path=$PATH; PATH=${TOOLS_PATH}`,
  ];
  // Deepest last, so a mount inside another's path lands on top of it (containerd sorts the same way).
  const mounts = [...o.mounts].sort((a, b) => a.containerPath.split('/').length - b.containerPath.split('/').length);
  const points = [...new Set(o.mountInfo)];
  // Paths to make that are not inside an earlier mount of this container: the host's filesystems would change.
  const missing = mounts.filter((m, i) => !mounts.slice(0, i).some((e) => under(m.containerPath, e.containerPath)) && !exists(m.containerPath)).map((m) => m.containerPath);
  const root = missing.length ? posix.join(o.scratchDir, 'root') : '';
  if (missing.length) lines.push(...privateRoot(points, missing, o.scratchDir, root));
  for (const m of mounts) {
    const target = root + m.containerPath;
    const what = `mounting ${m.volumeName ? `volume "${m.volumeName}"` : m.source} at ${m.containerPath}`;
    if (m.isDirectory) lines.push(`[ -e ${shq(target)} ] || mkdir -p ${shq(target)} || fail ${shq(`${what}: cannot make the mount point`)}`);
    else lines.push(`[ -e ${shq(target)} ] || { mkdir -p ${shq(posix.dirname(target))} && : > ${shq(target)}; } || fail ${shq(`${what}: cannot make the mount point`)}`);
    if (m.subPath) {
      const escaped = shq(`${what}: the subPath does not resolve to ${m.source} any more`);
      lines.push(
        // A FIFO would block the open (and the start); a socket cannot be opened.
        `[ -p ${shq(m.source)} ] && fail ${escaped}`,
        `exec 4< ${shq(m.source)} || fail ${escaped}`,
        `[ "$(readlink /proc/self/fd/4)" = ${shq(m.source)} ] || fail ${escaped}`,
        `m -c --bind /proc/self/fd/4 ${shq(target)}`,
        'exec 4<&-',
      );
    } else {
      lines.push(`m -c --rbind ${shq(m.source)} ${shq(target)}`);
    }
    if (m.readonly) lines.push(`m -c -o remount,bind,ro ${shq(target)}`);
  }
  if (root) {
    lines.push(
      `cd ${shq(root)} && mkdir -p .skiff-oldroot || fail 'cannot prepare the private root'`,
      'out=$(pivot_root . .skiff-oldroot 2>&1) || fail "pivot_root: $out"',
      'cd / && umount -l /.skiff-oldroot && rmdir /.skiff-oldroot || fail \'cannot leave the old root\'',
    );
  }
  lines.push(
    'PATH=$container_path; unset container_path',
    `cd ${shq(o.workingDir)} 2>/dev/null || fail ${shq(`chdir to cwd (${JSON.stringify(o.workingDir)}) set in config.json failed: no such file or directory`)}`,
    PROGRAM_CHECK,
    ...(o.statusFd ? ["printf 'ok\\n' >&3; exec 3>&-"] : []),
    'exec "$@"',
  );
  return lines.join('\n');
}

/**
 * A new root at `root`: filesystems on the way to a missing path get an overlay (changes
 * go to the tmpfs on `scratch`), the others are bound recursively where they are.
 */
function privateRoot(points: string[], missing: string[], scratch: string, root: string): string[] {
  const layered = new Set<string>(['/']);
  for (const path of missing) {
    // Every mount from the root down to the one holding the missing path's deepest existing ancestor.
    for (let p = deepest(points, path); ; p = deepest(points.filter((q) => q !== p), p)) {
      layered.add(p);
      if (p === '/') break;
    }
  }
  const lines = [
    `m -t tmpfs -o mode=0755 skiff-layer ${shq(scratch)}`,
    `mkdir ${shq(root)} || fail 'cannot prepare the private root'`,
  ];
  let n = 0;
  const build = (point: string, dest: string): void => {
    if (!layered.has(point)) {
      lines.push(`m -c --rbind ${shq(point)} ${shq(dest)}`);
      return;
    }
    const upper = posix.join(scratch, `upper${n}`);
    const work = posix.join(scratch, `work${n++}`);
    lines.push(`mkdir ${shq(upper)} ${shq(work)} || fail 'cannot prepare the private root'`);
    lines.push(`m -t overlay -o ${shq(`lowerdir=${point},upperdir=${upper},workdir=${work}`)} skiff-layer ${shq(dest)}`);
    // Its direct children: the mounts whose deepest enclosing mount is this one.
    const children = points.filter((c) => c !== point && under(c, point) && !under(c, scratch) && deepest(points.filter((q) => q !== c), c) === point);
    for (const child of children) build(child, root + child);
  };
  build('/', root);
  // A recursive bind of a filesystem holding `scratch` copied the layer being built: not part of the new root.
  lines.push(`umount -l ${shq(root + scratch)} 2>/dev/null || :`);
  return lines;
}
