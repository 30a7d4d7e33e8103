/**
 * Pods in namespaces of their own, when the runtime runs as root (util-linux's `unshare`,
 * `nsenter`, `mount`, `pivot_root`; no helper process of our own):
 *
 * - the sandbox is a holder process, like the CRI's pause container: `unshare` makes
 *   private mount (slave of the host's, so nothing propagates back), PID, IPC and UTS
 *   namespaces, mounts /proc for the new PID namespace and sets the hostname; its child,
 *   PID 1 there, has orphans reaped and holds the namespaces while the pod lives;
 * - each container joins them with `nsenter` and, when it has mounts, takes a mount
 *   namespace of its own (`unshare --mount`) where mount-plan.ts's script binds its
 *   volumes, then executes the command. `nsenter` stays as the parent that reports the
 *   exit; the container's own process is its child;
 * - an exec joins the container's namespaces, root and working directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, lstatSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { openSubPath } from '../subpath.js';
import type { Mount } from '../types.js';
import { containerScript, parseMountInfo, PROGRAM_CHECK, TERMINAL_FAIL, TOOLS_PATH, type PlannedMount } from './mount-plan.js';
import { execFailure, signalGroup, spawned } from './process-group.js';

export interface Namespaces {
  /** An empty directory of the runtime's, where a container's private layer is mounted inside its own namespace. */
  readonly scratchDir: string;
  /** A FIFO nobody writes, which the pods' PID 1 reads for ever (a blocked builtin: no process of its own). */
  readonly holdFifo: string;
  /** Absolute paths of the tools started directly (a container's PATH must not decide which). */
  readonly tools: { unshare: string; nsenter: string; setsid: string; mount: string };
  /** Where each pod's /etc/resolv.conf and /etc/hosts are kept (`<dir>/<sandbox id>/`). */
  readonly podFilesDir: string;
}

/** Whether pods can have namespaces here (root, util-linux present), or why not, as a sentence for the node's status. */
export function openNamespaces(stateDir: string): Namespaces | { unavailable: string } {
  if (process.getuid?.() !== 0) return { unavailable: 'the agent does not run as root' };
  const found: Record<string, string> = {};
  for (const tool of ['unshare', 'nsenter', 'setsid', 'mount', 'umount', 'pivot_root', 'readlink', 'mkfifo']) {
    const path = lookTool(tool);
    if (!path) return { unavailable: `${tool} (util-linux, coreutils) is not installed` };
    found[tool] = path;
  }
  const tools = { unshare: found.unshare!, nsenter: found.nsenter!, setsid: found.setsid!, mount: found.mount! };
  const probe = spawnSync(tools.unshare, ['--mount', '--propagation', 'slave', '--pid', '--fork', '--ipc', '--uts', 'true'], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (probe.status !== 0) return { unavailable: `namespaces cannot be made here (${String(probe.stderr ?? probe.error?.message ?? '').trim() || `unshare exited ${probe.status}`})` };
  const scratchDir = join(stateDir, 'scratch');
  mkdirSync(scratchDir, { recursive: true });
  const holdFifo = join(stateDir, 'hold');
  if (!isFifo(holdFifo)) {
    rmSync(holdFifo, { force: true });
    const made = spawnSync(found.mkfifo!, ['-m', '0600', holdFifo], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (made.status !== 0) return { unavailable: `cannot make ${holdFifo}: ${String(made.stderr ?? '').trim()}` };
  }
  const podFilesDir = join(stateDir, 'pod-files');
  mkdirSync(podFilesDir, { recursive: true });
  return { scratchDir, holdFifo, tools, podFilesDir };
}

function isFifo(path: string): boolean {
  try {
    return lstatSync(path).isFIFO();
  } catch {
    return false;
  }
}

function lookTool(tool: string): string | undefined {
  for (const dir of TOOLS_PATH.split(':')) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return join(dir, tool);
    } catch { /* next */ }
  }
  return undefined;
}

/** The kernel's limit for a hostname (upstream truncates pod hostnames to it as well). */
const HOSTNAME_MAX = 63;

/**
 * PID 1 of the pod: sets the hostname and binds the pod's own /etc/resolv.conf and
 * /etc/hosts over the host's (in the pod's mount namespace only: every container sees
 * them, as the CRI runtimes mount them into each), then waits for ever with SIGCHLD
 * ignored, which has the kernel reap the orphans it inherits (what the pause container does
 * by hand). It waits in `read` on a FIFO it holds open both ways, so no other process is needed.
 */
const HOLDER_SCRIPT = `printf '%s' "$1" > /proc/sys/kernel/hostname || exit 1
if [ -n "$3" ] && [ -e /etc/resolv.conf ]; then "$5" --bind "$3" /etc/resolv.conf || exit 1; fi
if [ -n "$4" ] && [ -e /etc/hosts ]; then "$5" --bind "$4" /etc/hosts || exit 1; fi
trap '' CHLD
echo ready
exec >/dev/null 2>&1
while :; do read -r line; done <> "$2"`;

/** The sandbox's holder: its namespaces are the pod's. */
export class PodNamespaces {
  private constructor(private readonly child: ChildProcess, private readonly exited: Promise<void>) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts the holder; resolves once its namespaces exist, the hostname is set and the pod's files are bound. */
  static async start(ns: Namespaces, hostname: string, files: { resolvConf?: string; hosts?: string } = {}): Promise<PodNamespaces> {
    const args = [hostname.slice(0, HOSTNAME_MAX), ns.holdFifo, files.resolvConf ?? '', files.hosts ?? '', ns.tools.mount];
    const child = spawn(ns.tools.unshare, ['--mount', '--propagation', 'slave', '--pid', '--fork', '--kill-child', '--mount-proc', '--ipc', '--uts', '--', '/bin/sh', '-c', HOLDER_SCRIPT, 'skiff-pod', ...args], {
      detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const failed = await spawned(child);
    if (failed) throw new Error(`cannot start the pod's namespaces: ${failed.message}`);
    const stderr: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => stderr.push(b));
    const ready = await new Promise<boolean>((resolve) => {
      child.stdout!.on('data', (b: Buffer) => { if (b.includes('ready')) resolve(true); });
      child.once('exit', () => resolve(false));
    });
    child.stdout!.destroy();
    child.stderr!.destroy();
    if (!ready) throw new Error(`cannot start the pod's namespaces: ${Buffer.concat(stderr).toString().trim() || 'unshare exited'}`);
    // It must not keep the agent's process alive; a runtime that ends without killing it leaves a record (records.ts).
    child.unref();
    return new PodNamespaces(child, exited);
  }

  /** nsenter's options joining the pod's namespaces (the PID one its children live in). */
  nsenterArgs(): string[] {
    const ns = `/proc/${this.pid}/ns`;
    return [`--mount=${ns}/mnt`, `--pid=${ns}/pid_for_children`, `--ipc=${ns}/ipc`, `--uts=${ns}/uts`];
  }

  mountInfo(): string[] {
    return parseMountInfo(readFileSync(`/proc/${this.pid}/mountinfo`, 'utf8'));
  }

  /** Ends the pod's PID namespace, and with it everything still in it. */
  async kill(): Promise<void> {
    // Held until its exit is seen, which an unreferenced child would not wait for.
    this.child.ref();
    signalGroup(this.pid, 'SIGKILL');
    await this.exited;
  }
}

export interface NamespacedLaunch {
  argv: string[];
  /** Added to the container's environment for the set-up only (it unsets them before the command runs). */
  env: Record<string, string>;
  /**
   * `script`: a set-up script runs first and checks the working directory and program where
   * the container sees them (reporting on fd 3 without a terminal). `direct`: no mounts and
   * the root as working directory, so the pod sees the host's files: the command is
   * executed at once, checked on the host beforehand.
   */
  mode: 'script' | 'direct';
}

/**
 * On a terminal, the process in the pod's PID namespace becomes the leader of a session
 * of its own that owns the terminal: a shell's job control would otherwise meet a
 * process group it cannot see (nsenter's) and fail on exit.
 */
const ownTerminal = (ns: Namespaces) => [ns.tools.setsid, '--ctty'];

/**
 * How a container starts in its pod's namespaces (nsenter), with its mounts in a mount
 * namespace of its own (unshare) set up by mount-plan.ts's script, which then executes
 * `command`. The script and the command travel in the environment, so the wrappers' own
 * command lines do not pass for the container's in `ps` or `pgrep -f`. SubPaths are
 * resolved here, component by component without following symlinks (a SubPathError says
 * why one may not be used). Without a terminal, the set-up reports on fd 3.
 */
export function namespacedLaunch(pod: PodNamespaces, ns: Namespaces, mounts: Mount[], workingDir: string, command: string[], tty: boolean): NamespacedLaunch {
  // The common case (no volumes) is on every pod's path to Running: only the command's own exec follows.
  if (!mounts.length && workingDir === '/') return { argv: [ns.tools.nsenter, ...pod.nsenterArgs(), '--', ...(tty ? ownTerminal(ns) : []), ...INIT], env: initEnv(command, 'exec "$@"'), mode: 'direct' };
  const planned: PlannedMount[] = mounts.map((m) => {
    if (!m.subPath) return { containerPath: m.containerPath, source: m.hostPath, subPath: false, readonly: m.readonly, isDirectory: isDirectory(m.hostPath), volumeName: m.volumeName };
    const opened = openSubPath(m.hostPath, m.subPath);
    closeSync(opened.fd);
    return { containerPath: m.containerPath, source: opened.path, subPath: true, readonly: m.readonly, isDirectory: opened.isDirectory, volumeName: m.volumeName };
  });
  const script = containerScript({ mounts: planned, mountInfo: mounts.length ? pod.mountInfo() : [], scratchDir: ns.scratchDir, workingDir, statusFd: !tty });
  const ownMounts = mounts.length ? [ns.tools.unshare, '--mount', '--propagation', 'slave'] : [];
  return { argv: [ns.tools.nsenter, ...pod.nsenterArgs(), '--', ...ownMounts, ...(tty ? ownTerminal(ns) : []), ...INIT], env: initEnv(command, script), mode: 'script' };
}

/** The shell that runs the set-up from the environment (initEnv), then the command. */
const INIT = ['/bin/sh', '-c', 'eval "$SKIFF_INIT"', 'skiff-init'];

/** The command (as "$@") and the script that ends by executing it, as variables the script unsets first. */
function initEnv(command: string[], script: string): Record<string, string> {
  const args = command.map((_a, i) => `SKIFF_ARG_${i}`);
  const env: Record<string, string> = { SKIFF_INIT: `set -- ${args.map((a) => `"$${a}"`).join(' ')}\nunset SKIFF_INIT ${args.join(' ')}\n${script}` };
  command.forEach((a, i) => { env[`SKIFF_ARG_${i}`] = a; });
  return env;
}

/** Following symlinks, as mount does with its source; a missing source fails at mount, in mount's words. */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return true;
  }
}

/**
 * How an exec enters a running container: its namespaces, root and working directory, then
 * the program check (reported on fd 3 without a terminal) and the command.
 */
export function namespacedExec(ns: Namespaces, mainPid: number, workingDir: string, cmd: string[], tty: boolean): string[] {
  const script = [
    tty ? TERMINAL_FAIL : 'fail() { printf \'%s\\n\' "$*" >&3; exit 1; }',
    'cd "$0" 2>/dev/null || cd /',
    PROGRAM_CHECK,
    ...(tty ? [] : ["printf 'ok\\n' >&3; exec 3>&-"]),
    'exec "$@"',
  ].join('\n');
  return [ns.tools.nsenter, '-t', String(mainPid), '-m', '-p', '-i', '-u', '-r', '-w', '--', ...(tty ? ownTerminal(ns) : []), '/bin/sh', '-c', script, workingDir, ...cmd];
}

/** A signal to a wrapped process group and to the group of the wrapper's child (its own session, on a terminal). */
export function signalWrapped(pid: number, child: number | undefined, signal: NodeJS.Signals): void {
  signalGroup(pid, signal);
  if (child !== undefined) signalGroup(child, signal);
}

/** How long a container's set-up may take (a subPath swapped for a FIFO must not hold the start forever). */
const SETUP_TIMEOUT_MS = 60_000;

/**
 * The set-up's verdict from the status pipe: undefined once it said `ok`, else what failed
 * (`exec` failures in runc's words for `program`). A failure is complete when the pipe
 * ends (nsenter, which holds it too, exits with the script).
 */
export function readStatus(pipe: Readable, program: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = (verdict: string | undefined) => {
      clearTimeout(timer);
      pipe.removeAllListeners('data');
      pipe.destroy();
      resolve(verdict);
    };
    const timer = setTimeout(() => done(`the container's set-up did not finish within ${SETUP_TIMEOUT_MS / 1000}s`), SETUP_TIMEOUT_MS);
    pipe.on('data', (b: Buffer) => {
      chunks.push(b);
      if (Buffer.concat(chunks).toString() === 'ok\n') done(undefined);
    });
    pipe.once('error', () => undefined);
    pipe.once('end', () => {
      const text = Buffer.concat(chunks).toString().trim();
      if (text === 'ok') return done(undefined);
      if (text === 'ENOENT' || text === 'EACCES') return done(execFailure(program, Object.assign(new Error(text), { code: text })));
      done(text || 'the container exited during its set-up');
    });
  });
}

/** How long nsenter may take to fork the container's own process. */
const FORK_WAIT_MS = 2_000;

/** Resolves with the wrapper's child once it exists (undefined when the wrapper ended first or took too long). */
export async function childAppears(pid: number, alive: () => boolean): Promise<number | undefined> {
  const deadline = Date.now() + FORK_WAIT_MS;
  for (;;) {
    const child = childOf(pid);
    if (child !== undefined || !alive() || Date.now() > deadline) return child;
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** The container's own process: the only child of its nsenter (read from /proc). */
export function childOf(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}
