/**
 * Commands run in a container's context (exec probes, hooks, `kubectl exec`): its
 * environment and working directory, in a process group of their own (not the
 * container's: stopping an exec must not stop the container), ended with the container.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ExecSession, ExecSyncResult } from '../types.js';
import { execFailure, exitAfterDrain, lookPath, signalGroup, spawned } from './process-group.js';
import { execOnTerminal } from './terminal.js';
import { enterCgroup } from './cgroups.js';
import { readStatus } from './namespaces.js';

/** How long a synchronous exec's output may drain after it exited (a background process it left may hold the pipes). */
const SYNC_DRAIN_LIMIT_MS = 1_000;
/** Output kept per stream of a synchronous exec; the rest is dropped (probes read far less). */
const MAX_SYNC_OUTPUT = 16 * 1024 * 1024;

export interface ExecContext {
  env: Record<string, string>;
  cwd: string;
  /** Process groups of the container's execs still running: the runtime kills them when the container stops. */
  groups: Set<number>;
  /** The container's cgroup (cgroup.procs files): its execs run inside it, as runc's do. */
  procsFiles?: string[];
  /**
   * In namespaces: the command line entering the container's (namespaces.ts), which checks
   * the program there and, without a terminal, reports on fd 3.
   */
  enter?(cmd: string[], tty: boolean): string[];
}

interface StartedExec {
  child: ChildProcess;
  exit: Promise<number>;
  /** SIGKILL to the exec's group while it runs; false when it had already exited. */
  kill(): boolean;
}

async function startExec(cmd: string[], ctx: ExecContext, stdio: StdioOptions, drainMs: number | undefined): Promise<StartedExec> {
  if (!cmd.length) throw new Error('failed to exec in container: no command given');
  const missing = ctx.procsFiles?.length && !ctx.enter ? lookPath(cmd[0]!, ctx.env) : undefined;
  if (missing) throw new Error(`failed to exec in container: ${execFailure(cmd[0]!, missing)}`);
  const argv = enterCgroup(ctx.procsFiles ?? [], ctx.enter ? ctx.enter(cmd, false) : cmd);
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ctx.enter ? '/' : ctx.cwd, env: ctx.env, detached: true, stdio: ctx.enter ? [...(stdio as unknown[]), 'pipe'] as StdioOptions : stdio });
  let exited = false;
  const exit = exitAfterDrain(child, drainMs, () => { exited = true; });
  const failed = await spawned(child);
  if (failed) throw new Error(`failed to exec in container: ${execFailure(cmd[0]!, failed)}`);
  if (ctx.enter) {
    const failure = await readStatus(child.stdio[3] as Readable, cmd[0]!);
    if (failure) {
      await exit;
      throw new Error(`failed to exec in container: ${failure}`);
    }
  }
  const pgid = child.pid!;
  ctx.groups.add(pgid);
  void exit.then(() => ctx.groups.delete(pgid));
  const kill = () => {
    if (!exited) signalGroup(pgid, 'SIGKILL');
    return !exited;
  };
  return { child, exit, kill };
}

/**
 * Runs `cmd` to its end and collects its output. After `timeoutSeconds` (0: none) its group
 * is killed and the result says so as the kubelet words a timed-out exec
 * (`command "…" timed out`, exit code of the kill), which the exec probe counts as a failure.
 */
export async function execSync(cmd: string[], ctx: ExecContext, timeoutSeconds: number): Promise<ExecSyncResult> {
  const { child, exit, kill } = await startExec(cmd, ctx, ['ignore', 'pipe', 'pipe'], SYNC_DRAIN_LIMIT_MS);
  const stdout = collect(child.stdout!);
  const stderr = collect(child.stderr!);
  let timedOut = false;
  // Only a command still running at the deadline timed out (not one whose output is draining).
  const timer = timeoutSeconds > 0 ? setTimeout(() => { timedOut = kill(); }, timeoutSeconds * 1000) : undefined;
  const exitCode = await exit;
  clearTimeout(timer);
  if (timedOut) return { stdout: Buffer.alloc(0), stderr: Buffer.from(`command ${JSON.stringify(cmd.join(' '))} timed out`), exitCode };
  return { stdout: stdout(), stderr: stderr(), exitCode };
}

/** Starts `cmd` with streamed stdio; with `tty`, on a pseudo-terminal (terminal.ts). */
export async function execSession(cmd: string[], ctx: ExecContext, options: { stdin: boolean; tty: boolean }): Promise<ExecSession> {
  if (options.tty) return execOnTerminal(cmd, ctx, options);
  // Its output is read at the client's pace: no drain limit (it ends when its pipes close).
  const { child, exit, kill } = await startExec(cmd, ctx, [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], undefined);
  return { stdin: child.stdin ?? undefined, stdout: child.stdout!, stderr: child.stderr!, exit, kill: () => void kill() };
}

function collect(stream: Readable): () => Buffer {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (b: Buffer) => {
    if (size >= MAX_SYNC_OUTPUT) return;
    chunks.push(b.subarray(0, MAX_SYNC_OUTPUT - size));
    size += b.length;
  });
  return () => Buffer.concat(chunks);
}
