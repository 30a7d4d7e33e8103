/**
 * Host processes as containers: each container (and each exec) runs in a process group of
 * its own, so a signal reaches everything it started, as a container's processes share a
 * PID namespace. Exit codes and start failures read as a CRI runtime (runc) reports them.
 */
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';

/** Signals a whole process group; a group already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid(pgid), signal);
  } catch { /* ESRCH: nothing left in the group */ }
}

/** Whether any process of the group is still alive (zombies included). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pid(pgid), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function pid(n: number): number {
  // Never signal group 0 (our own) or -1 (every process we may signal).
  if (!Number.isInteger(n) || n <= 1) throw new Error(`not a process group: ${n}`);
  return n;
}

/** The exit code as container runtimes report it: the status, or 128 + the signal that killed the process. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal ? (constants.signals as Record<string, number>)[signal] : undefined;
  return n ? 128 + n : 255;
}

/** Resolves once the child has started (undefined) or failed to (the spawn error: ENOENT, EACCES, …). */
export function spawned(child: ChildProcess): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (err) => resolve(err));
  });
}

/**
 * The child's exit code once its output is drained. Its pipes close when the last process
 * holding them ends; with `drainMs`, when something that outlived the child still holds
 * them, the wait ends that long after the exit and the pipes are closed on our side.
 * `onExit` runs at the exit itself. Call right after spawn, before any event can be missed.
 */
export function exitAfterDrain(child: ChildProcess, drainMs: number | undefined, onExit?: () => void): Promise<number> {
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  for (const s of [child.stdin, child.stdout, child.stderr]) s?.on('error', () => { /* EPIPE and the like once the process is gone */ });
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      onExit?.();
      const timer = drainMs === undefined ? undefined : setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, drainMs);
      void closed.then(() => {
        clearTimeout(timer);
        child.stdin?.destroy();
        resolve(exitCodeOf(code, signal));
      });
    });
  });
}

export class StartError extends Error {}

/** runc's wording for a command that could not be executed (`exec: "foo": executable file not found in $PATH`). */
export function execFailure(file: string, err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT') {
    if (!file.includes('/')) return `exec: "${file}": executable file not found in $PATH`;
    return exists(file) ? `exec: "${file}": no such file or directory` : `exec: "${file}": stat ${file}: no such file or directory`;
  }
  if (err.code === 'EACCES') return `exec: "${file}": permission denied`;
  return `exec: "${file}": ${err.message}`;
}

/**
 * What spawning `file` would fail with, found beforehand: for a command started through
 * a wrapper (entering a cgroup or a terminal), whose own spawn succeeds whatever `file` is.
 * Searches PATH for a bare name, as execvp does.
 */
export function lookPath(file: string, env: Record<string, string | undefined>): NodeJS.ErrnoException | undefined {
  const check = (path: string): NodeJS.ErrnoException | undefined => {
    try {
      accessSync(path, fsConstants.X_OK);
      return statSync(path).isDirectory() ? Object.assign(new Error('permission denied'), { code: 'EACCES' }) : undefined;
    } catch (err) {
      return err as NodeJS.ErrnoException;
    }
  };
  if (file.includes('/')) return check(file);
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir && !check(join(dir, file))) return undefined;
  }
  return Object.assign(new Error('not found'), { code: 'ENOENT' });
}

/** runc refuses to start a process whose working directory is missing; so does this runtime (it never creates one on the host). */
export function checkWorkingDir(cwd: string): void {
  let why: string | undefined;
  try {
    if (!statSync(cwd).isDirectory()) why = 'not a directory';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
  }
  if (why) throw new StartError(`chdir to cwd (${JSON.stringify(cwd)}) set in config.json failed: ${why}`);
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}
