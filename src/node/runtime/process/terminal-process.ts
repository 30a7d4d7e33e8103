/**
 * A container with `tty: true` (what `kubectl run -it` makes): its command runs on a
 * pseudo-terminal of its own (node-pty), in a new session and so a process group of its
 * own. What the terminal shows goes to the container's log as stdout, as CRI runtimes log
 * a TTY container; `kubectl attach` reads it live, types into it, and resizes it. Same
 * surface as ContainerProcess, so the runtime and attach treat both alike.
 */
import { Writable } from 'node:stream';
import { CriLogWriter } from '../cri-log.js';
import { checkWorkingDir, execFailure, lookPath, signalGroup, StartError } from './process-group.js';
import type { ProcessSpec } from './container-process.js';
import { nodePty } from './terminal.js';
import { childOf, signalWrapped } from './namespaces.js';

type Pty = ReturnType<Awaited<ReturnType<typeof nodePty>>['spawn']>;

export class TerminalProcess {
  readonly exited: Promise<number>;
  private exitedAlready = false;
  /** In namespaces: the container's own process, leading a session of its own under nsenter. */
  private mainPid: number | undefined;
  private readonly outputWatchers = new Set<(stream: 'stdout' | 'stderr', chunk: Buffer) => void>();
  /** Input for the terminal, when the container keeps stdin open. */
  readonly stdin: Writable | undefined;

  private constructor(private readonly term: Pty, private readonly log: CriLogWriter, keepStdin: boolean, private readonly namespaced: boolean) {
    // With `encoding: null` the data are the terminal's bytes, whatever the typings say.
    term.onData((data: string | Buffer) => {
      if (this.namespaced && this.mainPid === undefined && !this.exitedAlready) this.mainPid = childOf(term.pid);
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      log.write('stdout', chunk);
      for (const watch of this.outputWatchers) watch('stdout', chunk);
    });
    this.exited = new Promise((resolve) => {
      term.onExit(({ exitCode, signal }) => {
        this.exitedAlready = true;
        // What the container started goes with it, as with a PID namespace's init.
        signalWrapped(term.pid, this.mainPid, 'SIGKILL');
        setImmediate(() => {
          log.flushPartial('stdout');
          log.close();
          resolve(signal ? 128 + signal : exitCode);
        });
      });
    });
    this.stdin = keepStdin ? new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        if (!this.exitedAlready) term.write(chunk);
        callback();
      },
      // A terminal has no end of input but Ctrl-D, which is what closing stdin means to a shell on it.
      final: (callback) => {
        if (!this.exitedAlready) term.write('\x04');
        callback();
      },
    }) : undefined;
  }

  get pid(): number {
    return this.term.pid;
  }

  containerPid(): number {
    if (this.namespaced) this.mainPid ??= childOf(this.pid);
    return this.mainPid ?? this.pid;
  }

  static async start(spec: ProcessSpec): Promise<TerminalProcess> {
    const log = new CriLogWriter(spec.logPath, { onError: spec.onLogError });
    try {
      // In namespaces the set-up script checks the directory and the program where the container sees them.
      if (spec.namespaced !== 'script') checkWorkingDir(spec.cwd);
      const pty = await nodePty().catch((err: Error) => { throw new StartError(err.message); });
      // The wrapper (cgroup entry) would hide a missing program; said first, in runc's words.
      const program = spec.program ?? spec.argv[0]!;
      const missing = spec.namespaced === 'script' ? undefined : lookPath(program, spec.env);
      if (missing) throw new StartError(execFailure(program, missing));
      const term = pty.spawn(spec.argv[0]!, spec.argv.slice(1), { name: 'xterm', cols: 80, rows: 24, cwd: spec.namespaced ? '/' : spec.cwd, env: spec.env, encoding: null });
      return new TerminalProcess(term, log, spec.stdin, spec.namespaced !== undefined);
    } catch (err) {
      log.close();
      throw err instanceof StartError ? err : new StartError((err as Error).message);
    }
  }

  async stop(timeoutSeconds: number): Promise<void> {
    if (this.exitedAlready) return void (await this.exited);
    if (timeoutSeconds <= 0) this.kill();
    else this.terminate();
    const timer = timeoutSeconds > 0 ? setTimeout(() => this.kill(), timeoutSeconds * 1000) : undefined;
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (!this.exitedAlready) signalWrapped(this.pid, this.namespaced ? this.containerPid() : undefined, 'SIGKILL');
  }

  /** SIGTERM to the container's own process, past the nsenter that reports its exit; to the group otherwise. */
  private terminate(): void {
    if (!this.namespaced) return signalGroup(this.pid, 'SIGTERM');
    try {
      process.kill(this.containerPid(), 'SIGTERM');
    } catch { /* already gone */ }
  }

  resize(width: number, height: number): void {
    if (!this.exitedAlready && width > 0 && height > 0) this.term.resize(width, height);
  }

  watchOutput(listener: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): () => void {
    this.outputWatchers.add(listener);
    return () => this.outputWatchers.delete(listener);
  }

  reopenLog(): void {
    this.log.reopen();
  }

  /** The terminal's master stays with this process: a TTY container cannot outlive it. */
  detach(): void {}
}
