/**
 * The `process` runtime: a container is its command run as a host process, in a process
 * group of its own (so stopping it reaches everything it started), with exactly the
 * container's environment and working directory, its stdout and stderr written to the
 * CRI log file by the runtime. The image is recorded, never pulled or run. Sandboxes are
 * bookkeeping; pods share the host's network. State is kept in memory: an agent that
 * restarts starts its pods again (re-adopting running processes comes later), and mounts
 * are accepted but not yet acted on (private mount namespaces come with volumes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import { CriLogWriter, nowNanos } from '../cri-log.js';
import { processGroupsUsage } from './proc-stats.js';
import { RuntimeNotFound, type ContainerConfig, type ContainerEvent, type ContainerStats, type ContainerStatus, type ExecSession, type ExecSyncResult, type PodSandboxConfig, type PodSandboxStatus, type Runtime, type RuntimeVersion } from '../types.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface Container {
  status: ContainerStatus;
  config: ContainerConfig;
  child?: ChildProcess;
  log?: CriLogWriter;
  exited?: Promise<void>;
}

function signalNumber(signal: NodeJS.Signals): number {
  return (constants.signals as Record<string, number>)[signal] ?? 0;
}

/** Kills a process group; a group already gone is fine. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch { /* ESRCH: nothing left in the group */ }
}

export class ProcessRuntime implements Runtime {
  readonly handler = 'process';
  private readonly sandboxes = new Map<string, PodSandboxStatus>();
  private readonly containers = new Map<string, Container>();
  private readonly listeners = new Set<(e: ContainerEvent) => void>();

  async version(): Promise<RuntimeVersion> {
    return { runtimeName: 'skiff-process', runtimeVersion: '0.1.0' };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    mkdirSync(config.logDirectory, { recursive: true });
    const id = randomUUID().replace(/-/g, '');
    this.sandboxes.set(id, { id, config, state: 'ready', createdAt: nowNanos() });
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (sandbox) sandbox.state = 'notready';
    await Promise.all([...this.containers.values()].filter((c) => c.status.sandboxId === id).map((c) => this.stopContainer(c.status.id, 0)));
  }

  async removePodSandbox(id: string): Promise<void> {
    await this.stopPodSandbox(id);
    this.sandboxes.delete(id);
    for (const [cid, c] of this.containers) if (c.status.sandboxId === id) this.containers.delete(cid);
  }

  async listPodSandboxes(): Promise<PodSandboxStatus[]> {
    return [...this.sandboxes.values()];
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) throw new RuntimeNotFound(`pod sandbox ${sandboxId} not found`);
    if (!config.command.length && !config.args.length) {
      throw new Error(`the process runtime runs a container's command; container "${config.name}" has none (its image "${config.image}" is not pulled or run: give the container a command)`);
    }
    const id = randomUUID().replace(/-/g, '');
    const logPath = join(sandbox.config.logDirectory, config.logPath);
    this.containers.set(id, {
      config,
      status: {
        id, sandboxId, name: config.name, attempt: config.attempt, image: config.image, state: 'created', createdAt: nowNanos(),
        startedAt: 0n, finishedAt: 0n, exitCode: 0, reason: '', message: '', logPath, labels: config.labels, annotations: config.annotations,
      },
    });
    this.emit(id, 'created');
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.get(id);
    if (c.status.state !== 'created') throw new Error(`container ${id} is ${c.status.state}, not created`);
    const argv = c.config.command.length ? [...c.config.command, ...c.config.args] : c.config.args;
    const cwd = c.config.workingDir || '/';
    const fail = (message: string) => {
      Object.assign(c.status, { state: 'exited', exitCode: 128, reason: 'StartError', message, startedAt: 0n, finishedAt: nowNanos() });
      this.emit(id, 'stopped');
      throw new Error(message);
    };
    if (!existsSync(cwd) || !statSync(cwd).isDirectory()) fail(`failed to start container: chdir to cwd ("${cwd}") set in config failed: no such file or directory`);
    const env = this.environment(c);
    const log = new CriLogWriter(c.status.logPath);
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, detached: true, stdio: [c.config.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const spawnError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (err) => resolve(err));
    });
    if (spawnError) {
      log.close();
      const what = spawnError.code === 'ENOENT' ? `exec: "${argv[0]}": executable file not found in $PATH` : spawnError.code === 'EACCES' ? `exec: "${argv[0]}": permission denied` : spawnError.message;
      fail(`failed to start container process: ${what}`);
    }
    c.child = child;
    c.log = log;
    Object.assign(c.status, { state: 'running', startedAt: nowNanos() });
    child.stdout!.on('data', (b: Buffer) => log.write('stdout', b));
    child.stderr!.on('data', (b: Buffer) => log.write('stderr', b));
    // 'close' comes after the exit and after both pipes drained: everything is in the log by then.
    c.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        log.close();
        c.log = undefined;
        const exitCode = code ?? (signal ? 128 + signalNumber(signal) : 255);
        Object.assign(c.status, { state: 'exited', exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: nowNanos() });
        c.child = undefined;
        // Whatever the container started and left behind goes with it.
        if (child.pid) killGroup(child.pid, 'SIGKILL');
        this.emit(id, 'stopped');
        resolve();
      });
    });
    this.emit(id, 'started');
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    if (!c?.child?.pid || c.status.state !== 'running') return;
    const pid = c.child.pid;
    if (timeoutSeconds <= 0) {
      killGroup(pid, 'SIGKILL');
    } else {
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), timeoutSeconds * 1000);
      void c.exited!.then(() => clearTimeout(timer));
    }
    await c.exited;
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.get(id);
    if (c.status.state === 'running') throw new Error(`cannot remove container ${id}: it is running`);
    this.containers.delete(id);
    this.emit(id, 'deleted', c.status.sandboxId);
  }

  async listContainers(filter: { sandboxId?: string } = {}): Promise<ContainerStatus[]> {
    return [...this.containers.values()].filter((c) => !filter.sandboxId || c.status.sandboxId === filter.sandboxId).map((c) => ({ ...c.status }));
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    return { ...this.get(id).status };
  }

  async containerStats(id: string): Promise<ContainerStats> {
    const c = this.get(id);
    const pid = c.child?.pid;
    if (!pid || c.status.state !== 'running') return { cpuNanos: 0n, memoryBytes: 0, timestamp: nowNanos() };
    return { ...processGroupsUsage([pid]).get(pid)!, timestamp: nowNanos() };
  }

  async listContainerStats(): Promise<Map<string, ContainerStats>> {
    const running = [...this.containers.values()].filter((c) => c.status.state === 'running' && c.child?.pid);
    const usage = processGroupsUsage(running.map((c) => c.child!.pid!));
    const at = nowNanos();
    return new Map(running.map((c) => [c.status.id, { ...usage.get(c.child!.pid!)!, timestamp: at }]));
  }

  async execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    const c = this.get(id);
    if (c.status.state !== 'running') throw new Error(`container ${id} is not running`);
    if (!cmd.length) throw new Error('exec needs a command');
    const env = this.environment(c);
    return new Promise((resolve) => {
      const child = spawn(cmd[0]!, cmd.slice(1), { cwd: c.config.workingDir || '/', env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      child.stdout!.on('data', (b: Buffer) => out.push(b));
      child.stderr!.on('data', (b: Buffer) => err.push(b));
      const timer = setTimeout(() => {
        timedOut = true;
        if (child.pid) killGroup(child.pid, 'SIGKILL');
      }, timeoutSeconds * 1000);
      child.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({ stdout: Buffer.alloc(0), stderr: Buffer.from(e.code === 'ENOENT' ? `exec: "${cmd[0]}": executable file not found in $PATH` : e.message), exitCode: 126 });
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) err.push(Buffer.from(`command timed out after ${timeoutSeconds}s`));
        resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode: code ?? (signal ? 128 + signalNumber(signal) : 255) });
      });
    });
  }

  /**
   * A command beside the container's processes, with its environment and working
   * directory. There is no pseudo-terminal here: with `tty`, stderr joins stdout (as on
   * a terminal) but programs see pipes, not a TTY.
   */
  async exec(id: string, cmd: string[], options: { stdin: boolean; tty: boolean }): Promise<ExecSession> {
    const c = this.get(id);
    if (c.status.state !== 'running') throw new Error(`container ${id} is not running`);
    if (!cmd.length) throw new Error('exec needs a command');
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd: c.config.workingDir || '/', env: this.environment(c), detached: true, stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const started = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (err) => resolve(err));
    });
    if (started) throw new Error(started.code === 'ENOENT' ? `exec: "${cmd[0]}": executable file not found in $PATH` : started.message);
    let stdout: Readable = child.stdout!;
    if (options.tty) {
      const merged = new PassThrough();
      let open = 2;
      for (const r of [child.stdout!, child.stderr!]) {
        r.pipe(merged, { end: false });
        r.once('end', () => { if (--open === 0) merged.end(); });
      }
      stdout = merged;
    }
    const exit = new Promise<number>((resolve) => child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : 255))));
    return {
      stdin: child.stdin ?? undefined, stdout, stderr: options.tty ? undefined : child.stderr!, exit,
      kill: () => { if (child.pid) killGroup(child.pid, 'SIGKILL'); },
    };
  }

  async reopenContainerLog(id: string): Promise<void> {
    this.get(id).log?.reopen();
  }

  onEvent(listener: (event: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(options: { killAll?: boolean } = {}): Promise<void> {
    if (options.killAll) await Promise.all([...this.containers.keys()].map((id) => this.stopContainer(id, 0)));
    this.listeners.clear();
  }

  /** Exactly the container's variables, plus what a container always has (PATH, HOSTNAME) unless it sets them. */
  private environment(c: Container): Record<string, string> {
    const env: Record<string, string> = {};
    for (const e of c.config.envs) env[e.key] = e.value;
    env.PATH ??= DEFAULT_PATH;
    env.HOSTNAME ??= this.sandboxes.get(c.status.sandboxId)?.config.hostname ?? '';
    return env;
  }

  private get(id: string): Container {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeNotFound(`container ${id} not found`);
    return c;
  }

  private emit(id: string, type: ContainerEvent['type'], sandboxId = this.containers.get(id)?.status.sandboxId ?? ''): void {
    for (const l of this.listeners) l({ containerId: id, sandboxId, type });
  }
}

export function createProcessRuntime(): ProcessRuntime {
  return new ProcessRuntime();
}
