/**
 * The `process` runtime: a container is its command run as a host process, in a process
 * group of its own (stopping it reaches everything it started), with exactly the
 * container's environment and working directory, its stdout and stderr written by the
 * runtime to the container's CRI log. The image is recorded, never pulled or run. Pods
 * share the host's network. With `namespaces` (root), a sandbox is a holder process whose
 * private mount, PID, IPC and UTS namespaces the pod's containers join, each with its
 * mounts bound at their containerPaths in a mount namespace of its own (namespaces.ts,
 * mount-plan.ts); without, sandboxes are bookkeeping plus their log directory and each
 * mount's host path is given to the container as `SKIFF_VOLUME_<NAME>`.
 *
 * What outlives the runtime (an agent restart): none of its state (sandboxes, containers
 * and statuses live in memory), and the log files. Containers' processes keep running
 * after `close()` without `killAll` or a crash, their output lost with the pipes this
 * process held; with a `stateDir`, the next runtime on it ends them (records.ts), since it
 * cannot re-adopt them and the agent starts its pods again.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { nowNanos } from '../cri-log.js';
import { RuntimeNotFound, type ContainerConfig, type ContainerEvent, type ContainerStats, type ContainerStatus, type ExecSession, type ExecSyncResult, type PodSandboxConfig, type PodSandboxStatus, type Runtime, type RuntimeCondition, type RuntimeConfig, type RuntimeVersion } from '../types.js';
import { PodAddresses } from '../pod-addresses.js';
import { hostsText, resolvConfText } from '../pod-etc.js';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { attachSession } from './attach.js';
import { enterCgroup, type Cgroups, type ContainerCgroup } from './cgroups.js';
import { ContainerProcess } from './container-process.js';
import { TerminalProcess } from './terminal-process.js';
import { execSession, execSync, type ExecContext } from './exec.js';
import { processGroupsUsage } from './proc-stats.js';
import { execFailure, lookPath, signalGroup } from './process-group.js';
import { ProcessRecords } from './records.js';
import { namespacedExec, namespacedLaunch, PodNamespaces, type Namespaces } from './namespaces.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ProcessRuntimeOptions {
  /** Where running containers' process groups are recorded; without it nothing is written. */
  stateDir?: string;
  /** Enforce containers' resources with cgroups under this subtree of our own cgroup, when the host allows (`openCgroups`); absent: none. */
  cgroups?: Cgroups | { unavailable: string };
  /** Give pods private namespaces and mount their volumes (`openNamespaces`, root only); absent: none. */
  namespaces?: Namespaces | { unavailable: string };
  /** Problems that fail no call: a container's log that cannot be written. */
  onError?(err: Error): void;
}

interface Container {
  status: ContainerStatus;
  config: ContainerConfig;
  process?: ContainerProcess | TerminalProcess;
  /** Resolves once its exit is recorded in the status. */
  done?: Promise<void>;
  starting?: boolean;
  /** Process groups of its execs still running. */
  execGroups: Set<number>;
  /** Its cgroup, while it runs with resource limits. */
  cgroup?: ContainerCgroup;
}

export class ProcessRuntime implements Runtime {
  readonly handler = 'process';
  private readonly sandboxes = new Map<string, PodSandboxStatus>();
  /** Each sandbox's namespace holder, with `namespaces`. */
  private readonly holders = new Map<string, PodNamespaces>();
  private readonly containers = new Map<string, Container>();
  private readonly listeners = new Set<(e: ContainerEvent) => void>();
  private readonly records: ProcessRecords | undefined;
  /** Each pod's own loopback address, from the node's pod subnet. */
  private readonly addresses = new PodAddresses();
  private closed = false;

  constructor(private readonly options: ProcessRuntimeOptions = {}) {
    if (options.stateDir) {
      this.records = new ProcessRecords(options.stateDir, (err) => options.onError?.(err));
      this.records.endLeftovers();
    }
  }

  async version(): Promise<RuntimeVersion> {
    return { runtimeName: 'skiff-process', runtimeVersion: '0.1.0' };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.checkOpen();
    mkdirSync(config.logDirectory, { recursive: true });
    const id = newId();
    const ip = this.addresses.allocate(id);
    const ns = this.namespaces();
    if (ns) {
      try {
        const holder = await PodNamespaces.start(ns, config.hostname, this.writePodFiles(ns, id, config, ip));
        this.holders.set(id, holder);
        this.records?.add(holderRecord(id), { pid: holder.pid, sandboxId: id, name: 'pod' });
      } catch (err) {
        this.addresses.release(id);
        rmSync(join(ns.podFilesDir, id), { recursive: true, force: true });
        throw err;
      }
    }
    this.sandboxes.set(id, { id, config, state: 'ready', createdAt: nowNanos(), ...(ip ? { network: { ip } } : {}) });
    return id;
  }

  /** Kills what still runs in the sandbox (the agent stopped it gracefully before). Idempotent, as CRI asks. */
  async stopPodSandbox(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (sandbox) sandbox.state = 'notready';
    await Promise.all(this.containersOf(id).map((c) => this.stopContainer(c.status.id, 0)));
    // Its namespaces end with their holder (and whatever still ran in them).
    const holder = this.holders.get(id);
    if (holder) {
      await holder.kill();
      this.holders.delete(id);
      this.records?.remove(holderRecord(id));
    }
  }

  /** Stops and forgets the sandbox and its containers (their logs stay). Idempotent, as CRI asks. */
  async removePodSandbox(id: string): Promise<void> {
    await this.stopPodSandbox(id);
    for (const c of this.containersOf(id)) await this.removeContainer(c.status.id);
    this.sandboxes.delete(id);
    this.addresses.release(id);
    const ns = this.namespaces();
    if (ns) rmSync(join(ns.podFilesDir, id), { recursive: true, force: true });
  }

  async listPodSandboxes(): Promise<PodSandboxStatus[]> {
    return [...this.sandboxes.values()].map((s) => ({ ...s }));
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const s = this.sandboxes.get(id);
    if (!s) throw new RuntimeNotFound(`pod sandbox ${id} not found`);
    return { ...s };
  }

  /**
   * The node's pod subnet: each new pod gets a loopback address of its own from it (any
   * 127.0.0.0/8 address is local to the host, so pods still share the host's network and
   * none of their addresses can route off the machine).
   */
  async updateRuntimeConfig(config: RuntimeConfig): Promise<void> {
    this.addresses.setRange(config.podCIDR);
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    this.checkOpen();
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) throw new RuntimeNotFound(`pod sandbox ${sandboxId} not found`);
    if (sandbox.state !== 'ready') throw new Error(`pod sandbox ${sandboxId} is not ready: no containers can be created in it`);
    if (!config.name) throw new Error('container config needs a name');
    if (!config.logPath) throw new Error(`container "${config.name}" has no log path`);
    if (!config.command.length && !config.args.length) {
      throw new Error(`the process runtime runs a container's command; container "${config.name}" has none (its image "${config.image}" is not pulled or run: give the container a command)`);
    }
    const id = newId();
    const logPath = join(sandbox.config.logDirectory, config.logPath);
    mkdirSync(dirname(logPath), { recursive: true });
    this.containers.set(id, {
      config,
      execGroups: new Set(),
      status: {
        id, sandboxId, name: config.name, attempt: config.attempt, image: config.image, state: 'created', createdAt: nowNanos(),
        startedAt: 0n, finishedAt: 0n, exitCode: 0, reason: '', message: '', logPath, labels: config.labels, annotations: config.annotations,
      },
    });
    this.emit(id, sandboxId, 'created');
    return id;
  }

  async startContainer(id: string): Promise<void> {
    this.checkOpen();
    const c = this.get(id);
    if (c.status.state !== 'created' || c.starting) throw new Error(`container ${id} is ${c.starting ? 'starting' : c.status.state}, not created`);
    const sandbox = this.sandboxes.get(c.status.sandboxId);
    if (sandbox?.state !== 'ready') throw new Error(`pod sandbox ${c.status.sandboxId} is not ready: container ${id} cannot start`);
    c.starting = true;
    let proc: ContainerProcess | TerminalProcess;
    try {
      // An image's entrypoint is not known: without a command, args[0] is the program.
      const command = c.config.command.length ? [...c.config.command, ...c.config.args] : c.config.args;
      const cwd = c.config.workingDir || '/';
      c.cgroup = this.cgroupFor(id, c.config);
      const ns = this.namespaces();
      const holder = this.holders.get(c.status.sandboxId);
      // In the pod's namespaces the set-up checks the program where the container sees it.
      const launch = ns && holder ? namespacedLaunch(holder, ns, c.config.mounts, cwd, command, c.config.tty) : undefined;
      // Through the cgroup's wrapper a missing program would only be sh's exit 127: said first, in runc's words.
      const missing = !launch && c.cgroup && lookPath(command[0] ?? '', this.environment(c));
      if (missing) throw new Error(execFailure(command[0] ?? '', missing));
      const inner = launch?.argv ?? command;
      const argv = c.cgroup ? enterCgroup(c.cgroup.procsFiles, inner) : inner;
      // A TTY container runs on a terminal of its own (kubectl run -it).
      proc = await (c.config.tty ? TerminalProcess : ContainerProcess).start({
        argv, program: command[0], env: { ...this.environment(c), ...launch?.env }, cwd, stdin: c.config.stdin, logPath: c.status.logPath,
        namespaced: launch?.mode,
        onLogError: (err) => this.options.onError?.(new Error(`container ${c.status.name} (${id}): writing its log ${c.status.logPath} failed: ${err.message}`)),
      });
    } catch (err) {
      // As containerd: a container that failed to start is exited with 128 and the reason StartError.
      const message = (err as Error).message;
      c.cgroup?.remove();
      c.cgroup = undefined;
      Object.assign(c.status, { state: 'exited', exitCode: 128, reason: 'StartError', message, finishedAt: nowNanos() });
      this.emit(id, c.status.sandboxId, 'stopped');
      throw new Error(message);
    } finally {
      c.starting = false;
    }
    c.process = proc;
    Object.assign(c.status, { state: 'running', startedAt: nowNanos() });
    this.records?.add(id, { pid: proc.pid, sandboxId: c.status.sandboxId, name: c.status.name });
    c.done = proc.exited.then((exitCode) => this.exited(c, exitCode));
    this.emit(id, c.status.sandboxId, 'started');
    // Stopped or removed while it was starting: it does not get to run.
    if (this.sandboxes.get(c.status.sandboxId)?.state !== 'ready' || this.closed) proc.kill();
  }

  /** SIGTERM to the container's group, SIGKILL after the timeout; resolves once exited (at once when it is not running). */
  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const c = this.containers.get(id);
    if (c?.status.state !== 'running' || !c.process) return;
    await c.process.stop(timeoutSeconds);
    await c.done;
  }

  /** Forgets a container that is not running (its log stays: the agent decides about logs). Idempotent, as CRI asks. */
  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    if (c.status.state === 'running' || c.starting) throw new Error(`cannot remove container ${id}: it is running (stop it first)`);
    this.containers.delete(id);
    this.emit(id, c.status.sandboxId, 'deleted');
  }

  async listContainers(filter: { sandboxId?: string } = {}): Promise<ContainerStatus[]> {
    return [...this.containers.values()].filter((c) => !filter.sandboxId || c.status.sandboxId === filter.sandboxId).map((c) => ({ ...c.status }));
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    return { ...this.get(id).status };
  }

  async containerStats(id: string): Promise<ContainerStats> {
    const c = this.get(id);
    const pid = c.status.state === 'running' ? c.process?.pid : undefined;
    if (!pid) return { cpuNanos: 0n, memoryBytes: 0, timestamp: nowNanos() };
    return { ...processGroupsUsage([pid]).get(pid)!, timestamp: nowNanos() };
  }

  async listContainerStats(): Promise<Map<string, ContainerStats>> {
    const running = [...this.containers.values()].filter((c) => c.status.state === 'running' && c.process);
    const usage = processGroupsUsage(running.map((c) => c.process!.pid));
    const at = nowNanos();
    return new Map(running.map((c) => [c.status.id, { ...usage.get(c.process!.pid)!, timestamp: at }]));
  }

  async execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    return execSync(cmd, this.execContext(id), timeoutSeconds);
  }

  async exec(id: string, cmd: string[], options: { stdin: boolean; tty: boolean }): Promise<ExecSession> {
    return execSession(cmd, this.execContext(id), options);
  }

  async attach(id: string, options: { stdin: boolean; tty: boolean }): Promise<ExecSession> {
    const c = this.get(id);
    if (c.status.state !== 'running' || !c.process) throw new Error(`container ${id} is not running (it is ${c.status.state})`);
    return attachSession(c.process, c.config, options);
  }

  /**
   * Pods share the host's network: the pod's port is the host's. As inside a pod's own
   * network namespace, `localhost` first; a server listening on the pod's address only
   * is reached there next.
   */
  async portForward(sandboxId: string, port: number): Promise<Duplex> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) throw new RuntimeNotFound(`sandbox ${sandboxId} not found`);
    try {
      return await connectTo('127.0.0.1', port);
    } catch (err) {
      const ip = sandbox.network?.ip;
      if (!ip || (err as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw err;
      return connectTo(ip, port);
    }
  }

  /** A container that has exited has closed its log: nothing to reopen. */
  async reopenContainerLog(id: string): Promise<void> {
    this.get(id).process?.reopenLog();
  }

  onEvent(listener: (event: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * With `killAll`, SIGKILLs every container's group (and its execs) and waits for their
   * exits. Without, they keep running unreported (see the header); this process may exit meanwhile.
   */
  async close(options: { killAll?: boolean } = {}): Promise<void> {
    this.closed = true;
    const running = [...this.containers.values()].filter((c) => c.process && c.status.state === 'running');
    if (options.killAll) {
      await Promise.all(running.map((c) => this.stopContainer(c.status.id, 0)));
      await Promise.all([...this.holders.values()].map((h) => h.kill()));
    } else {
      for (const c of running) c.process!.detach();
    }
    this.listeners.clear();
  }

  private exited(c: Container, exitCode: number): void {
    // Its execs end with it, as processes of a container's PID namespace do.
    for (const pgid of c.execGroups) signalGroup(pgid, 'SIGKILL');
    this.records?.remove(c.status.id);
    // As runc reports it: killed by the kernel's OOM killer inside the container's memory limit.
    const oomKilled = c.cgroup?.oomKilled() === true;
    c.cgroup?.remove();
    c.cgroup = undefined;
    Object.assign(c.status, { state: 'exited', exitCode, reason: oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error', finishedAt: nowNanos() });
    this.emit(c.status.id, c.status.sandboxId, 'stopped');
  }

  private execContext(id: string): ExecContext {
    const c = this.get(id);
    if (c.status.state !== 'running') throw new Error(`container ${id} is not running (it is ${c.status.state})`);
    const cwd = c.config.workingDir || '/';
    // In namespaces, an exec enters the container's (its mounts, root, PID namespace).
    const pid = this.holders.has(c.status.sandboxId) ? c.process?.containerPid() : undefined;
    const ns = this.namespaces();
    const enter = pid === undefined || !ns ? undefined : (cmd: string[], tty: boolean) => namespacedExec(ns, pid, cwd, cmd, tty);
    return { env: this.environment(c), cwd, groups: c.execGroups, procsFiles: c.cgroup?.procsFiles, enter };
  }

  /** What this runtime enforces, as node conditions (upstream has none: its runtimes always use cgroups and namespaces). */
  conditions(): RuntimeCondition[] {
    return [this.limitsCondition(), this.volumesCondition()];
  }

  private limitsCondition(): RuntimeCondition {
    const cgroups = this.options.cgroups;
    if (cgroups && !('unavailable' in cgroups)) {
      return { type: 'ResourceLimitsNotEnforced', status: 'False', reason: 'Cgroups', message: `memory and cpu limits are enforced with cgroup ${cgroups.version}` };
    }
    const why = cgroups && 'unavailable' in cgroups ? cgroups.unavailable : 'cgroups are not used';
    return { type: 'ResourceLimitsNotEnforced', status: 'True', reason: 'NoCgroups', message: `containers run as host processes without cgroups (${why}): requests and limits place pods but are not enforced` };
  }

  private volumesCondition(): RuntimeCondition {
    if (this.namespaces()) {
      return { type: 'VolumesNotMounted', status: 'False', reason: 'PodNamespaces', message: 'each pod has private mount, PID, IPC and UTS namespaces; volumes are mounted at their mountPath' };
    }
    const ns = this.options.namespaces;
    const why = ns && 'unavailable' in ns ? ns.unavailable : 'namespaces are not used';
    return {
      type: 'VolumesNotMounted', status: 'True', reason: 'NoPodNamespaces',
      message: `pods run without private namespaces (${why}): volumes are not mounted at their mountPath; a container finds each volume's host path in $SKIFF_VOLUME_<NAME> (the volume's name upper-cased, '-' as '_')`,
    };
  }

  /** The pod's resolv.conf (from its DNSConfig; none: the host's stays) and /etc/hosts (with an address of its own). */
  private writePodFiles(ns: Namespaces, id: string, config: PodSandboxConfig, ip: string | undefined): { resolvConf?: string; hosts?: string } {
    const dir = join(ns.podFilesDir, id);
    mkdirSync(dir, { recursive: true });
    const files: { resolvConf?: string; hosts?: string } = {};
    if (config.dnsConfig) writeFileSync((files.resolvConf = join(dir, 'resolv.conf')), resolvConfText(config.dnsConfig), { mode: 0o644 });
    if (ip) writeFileSync((files.hosts = join(dir, 'hosts')), hostsText(ip, config.hostname), { mode: 0o644 });
    return files;
  }

  private namespaces(): Namespaces | undefined {
    const ns = this.options.namespaces;
    return ns && !('unavailable' in ns) ? ns : undefined;
  }

  /** A cgroup for a container that sets resources, when cgroups are usable. */
  private cgroupFor(id: string, config: ContainerConfig): ContainerCgroup | undefined {
    const cgroups = this.options.cgroups;
    const r = config.resources;
    if (!cgroups || 'unavailable' in cgroups || !r || (!r.memoryLimitInBytes && !r.cpuQuota && r.cpuShares <= 2)) return undefined;
    try {
      return cgroups.create(id, {
        memoryLimitBytes: r.memoryLimitInBytes || undefined,
        cpuLimitMillis: r.cpuQuota > 0 ? Math.ceil((r.cpuQuota * 1000) / (r.cpuPeriod || 100_000)) : undefined,
        cpuRequestMillis: r.cpuShares ? Math.ceil((r.cpuShares * 1000) / 1024) : undefined,
      });
    } catch (err) {
      throw new Error(`failed to create the container's cgroup: ${(err as Error).message}`);
    }
  }

  /** Exactly the container's variables, plus what a container always has (PATH, HOSTNAME) unless it sets them. */
  private environment(c: Container): Record<string, string> {
    const env: Record<string, string> = {};
    for (const e of c.config.envs) env[e.key] = e.value;
    env.PATH ??= DEFAULT_PATH;
    env.HOSTNAME ??= this.sandboxes.get(c.status.sandboxId)?.config.hostname ?? '';
    // Nothing is mounted without namespaces: each volume's host path instead.
    if (!this.holders.has(c.status.sandboxId)) {
      for (const m of c.config.mounts) if (m.volumeName) env[volumeVariable(m.volumeName)] ??= m.hostPath;
    }
    return env;
  }

  private containersOf(sandboxId: string): Container[] {
    return [...this.containers.values()].filter((c) => c.status.sandboxId === sandboxId);
  }

  private get(id: string): Container {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeNotFound(`container ${id} not found`);
    return c;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the process runtime is closed');
  }

  private emit(containerId: string, sandboxId: string, type: ContainerEvent['type']): void {
    for (const l of this.listeners) l({ containerId, sandboxId, type });
  }
}

/** `SKIFF_VOLUME_<NAME>`: the volume's name upper-cased, `-` (and anything else not fit for a variable) as `_`. */
export function volumeVariable(volumeName: string): string {
  return `SKIFF_VOLUME_${volumeName.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

function holderRecord(sandboxId: string): string {
  return `pod-${sandboxId}`;
}

function newId(): string {
  return randomUUID().replace(/-/g, '');
}

function connectTo(host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const conn = connect({ host, port }, () => {
      conn.off('error', reject);
      resolve(conn);
    });
    conn.once('error', reject);
  });
}
