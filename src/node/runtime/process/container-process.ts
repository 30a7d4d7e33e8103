/**
 * A container's main process: spawned in a process group of its own, its stdout and
 * stderr written to the container's CRI log. When it exits, the rest of its group is
 * killed, as the processes of a PID namespace die with its init; the exit is reported
 * only once the output is in the log, so `kubectl logs` right after the exit sees it all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { CriLogWriter } from '../cri-log.js';
import { checkWorkingDir, execFailure, exitAfterDrain, lookPath, signalGroup, spawned, StartError } from './process-group.js';
import { childAppears, readStatus } from './namespaces.js';

/** How long output may still drain after the exit (a process that left the group may hold the pipes). */
const DRAIN_LIMIT_MS = 2_000;

export interface ProcessSpec {
  argv: string[];
  /** The container's own program, when `argv` starts with a wrapper (entering its cgroup). */
  program?: string;
  env: Record<string, string>;
  cwd: string;
  /** Keep a stdin pipe open (a container with `stdin: true` blocks reading it, as with no one attached). */
  stdin: boolean;
  logPath: string;
  onLogError?(err: Error): void;
  /**
   * Started in its pod's namespaces (namespaces.ts): the container's own process is the
   * wrapper's child (what SIGTERM goes to). With `script`, the set-up checks `cwd` and the
   * program inside them and reports on fd 3; with `direct`, they are checked here.
   */
  namespaced?: 'script' | 'direct';
}

export class ContainerProcess {
  /** Resolves with the exit code (128 + signal when killed) once the output is in the log. */
  readonly exited: Promise<number>;
  private leaderExited = false;
  /** The container's own process, when the group leader is a wrapper that reports its exit (nsenter). */
  private mainPid: number | undefined;
  private readonly outputWatchers = new Set<(stream: 'stdout' | 'stderr', chunk: Buffer) => void>();

  private constructor(private readonly child: ChildProcess, private readonly log: CriLogWriter) {
    // Listening from the spawn on: no exit can be missed.
    this.exited = exitAfterDrain(child, DRAIN_LIMIT_MS, () => this.groupLeaderExited()).then((code) => {
      this.log.close();
      return code;
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The container's own process (past a wrapper that reports its exit), for entering its namespaces. */
  containerPid(): number {
    return this.mainPid ?? this.pid;
  }

  /** Rejects with a StartError (runc's wording) when the process cannot be started. */
  static async start(spec: ProcessSpec): Promise<ContainerProcess> {
    // The log exists even for a container that failed to start (as with containerd): `kubectl logs` finds it empty.
    const log = new CriLogWriter(spec.logPath, { onError: spec.onLogError });
    try {
      const script = spec.namespaced === 'script';
      if (!script) checkWorkingDir(spec.cwd);
      // Through nsenter a missing program would only be its exit 127: said first, in runc's words.
      const program = spec.program ?? spec.argv[0]!;
      const missing = spec.namespaced === 'direct' ? lookPath(program, spec.env) : undefined;
      if (missing) throw new StartError(execFailure(program, missing));
      const child = spawn(spec.argv[0]!, spec.argv.slice(1), {
        cwd: spec.namespaced ? '/' : spec.cwd, env: spec.env, detached: true,
        stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', ...(script ? ['pipe' as const] : [])],
      });
      const proc = new ContainerProcess(child, log);
      const failed = await spawned(child);
      if (failed) throw new StartError(execFailure(spec.argv[0]!, failed));
      for (const stream of ['stdout', 'stderr'] as const) {
        child[stream]!.on('data', (b: Buffer) => {
          log.write(stream, b);
          for (const watch of proc.outputWatchers) watch(stream, b);
        });
        child[stream]!.once('end', () => log.flushPartial(stream));
      }
      if (script) {
        const failure = await readStatus(child.stdio[3] as Readable, program);
        if (failure) {
          proc.kill();
          await proc.exited;
          throw new StartError(failure);
        }
      }
      if (spec.namespaced) proc.mainPid = await childAppears(child.pid!, () => !proc.leaderExited);
      return proc;
    } catch (err) {
      log.close();
      throw err instanceof StartError ? err : new StartError((err as Error).message);
    }
  }

  /** SIGTERM to the whole group, SIGKILL after `timeoutSeconds` (0: at once); resolves once exited. */
  async stop(timeoutSeconds: number): Promise<void> {
    if (this.leaderExited) return void (await this.exited);
    if (timeoutSeconds <= 0) {
      signalGroup(this.pid, 'SIGKILL');
      return void (await this.exited);
    }
    this.terminate();
    const timer = setTimeout(() => this.kill(), timeoutSeconds * 1000);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * SIGTERM to the container's own process when a wrapper leads its group (as runtimes
   * signal a container's init; the wrapper must live to report the exit), else to the group.
   */
  private terminate(): void {
    if (this.mainPid === undefined) return signalGroup(this.pid, 'SIGTERM');
    try {
      process.kill(this.mainPid, 'SIGTERM');
    } catch { /* already gone */ }
  }

  /** SIGKILL to the whole group. */
  kill(): void {
    if (!this.leaderExited) signalGroup(this.pid, 'SIGKILL');
  }

  /** The process's stdin pipe, when the container keeps one (`stdin: true`). */
  get stdin(): Writable | undefined {
    return this.child.stdin ?? undefined;
  }

  /** Output from now on, as it is logged (kubectl attach); returns the way to stop watching. */
  watchOutput(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): () => void {
    this.outputWatchers.add(listener);
    return () => this.outputWatchers.delete(listener);
  }

  reopenLog(): void {
    this.log.reopen();
  }

  /** Lets this process (the agent) exit while the container keeps running; its output is lost from then on. */
  detach(): void {
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as Socket | null)?.unref?.();
  }

  private groupLeaderExited(): void {
    // What the container started goes with it. Its group id cannot be reused while any member lives.
    signalGroup(this.pid, 'SIGKILL');
    this.leaderExited = true;
  }
}
