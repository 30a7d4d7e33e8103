/**
 * The `simulated` runtime: the CRI shape with nothing behind it. A started container
 * runs until it is stopped or told to exit (`exit`), and stopping one "exits" it with
 * 143 (SIGTERM) at once. For RuntimeClass `simulated` on a real agent, and for testing
 * the agent's pod logic on a fake clock without processes.
 */
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { realClock, type Clock } from '../../../client/clock.js';
import { RuntimeNotFound, type ContainerConfig, type ContainerEvent, type ContainerStats, type ContainerStatus, type ExecSession, type ExecSyncResult, type PodSandboxConfig, type PodSandboxStatus, type Runtime, type RuntimeVersion } from '../types.js';

const nanos = (d: Date) => BigInt(d.getTime()) * 1_000_000n;

export class SimulatedRuntime implements Runtime {
  readonly handler = 'simulated';
  private readonly sandboxes = new Map<string, PodSandboxStatus>();
  private readonly containers = new Map<string, ContainerStatus>();
  private readonly listeners = new Set<(e: ContainerEvent) => void>();

  constructor(private readonly clock: Clock = realClock) {}

  async version(): Promise<RuntimeVersion> {
    return { runtimeName: 'skiff-simulated', runtimeVersion: '0.1.0' };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const id = randomUUID();
    this.sandboxes.set(id, { id, config, state: 'ready', createdAt: nanos(this.clock.now()) });
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    const s = this.sandboxes.get(id);
    if (s) s.state = 'notready';
    for (const c of this.containers.values()) if (c.sandboxId === id && c.state === 'running') this.exit(c.id, 137, 'Error');
  }

  async removePodSandbox(id: string): Promise<void> {
    this.sandboxes.delete(id);
    for (const c of [...this.containers.values()]) if (c.sandboxId === id) this.containers.delete(c.id);
  }

  async listPodSandboxes(): Promise<PodSandboxStatus[]> {
    return [...this.sandboxes.values()];
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const s = this.sandboxes.get(id);
    if (!s) throw new RuntimeNotFound(`pod sandbox ${id} not found`);
    return s;
  }

  /** Nothing runs, so nothing has an address: its pods report the node's. */
  async updateRuntimeConfig(): Promise<void> {}

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) throw new RuntimeNotFound(`pod sandbox ${sandboxId} not found`);
    const id = randomUUID().replace(/-/g, '');
    this.containers.set(id, {
      id, sandboxId, name: config.name, attempt: config.attempt, image: config.image, state: 'created', createdAt: nanos(this.clock.now()),
      startedAt: 0n, finishedAt: 0n, exitCode: 0, reason: '', message: '', logPath: `${sandbox.config.logDirectory}/${config.logPath}`, labels: config.labels, annotations: config.annotations,
    });
    this.emit({ containerId: id, sandboxId, type: 'created' });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.get(id);
    c.state = 'running';
    c.startedAt = nanos(this.clock.now());
    this.emit({ containerId: id, sandboxId: c.sandboxId, type: 'started' });
  }

  async stopContainer(id: string): Promise<void> {
    const c = this.get(id);
    if (c.state === 'running') this.exit(id, 143, 'Error');
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.get(id);
    if (c.state === 'running') throw new Error(`container ${id} is running`);
    this.containers.delete(id);
    this.emit({ containerId: id, sandboxId: c.sandboxId, type: 'deleted' });
  }

  async listContainers(filter: { sandboxId?: string } = {}): Promise<ContainerStatus[]> {
    return [...this.containers.values()].filter((c) => !filter.sandboxId || c.sandboxId === filter.sandboxId).map((c) => ({ ...c }));
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    return { ...this.get(id) };
  }

  /** Nothing runs: nothing is used. */
  async containerStats(id: string): Promise<ContainerStats> {
    this.get(id);
    return { cpuNanos: 0n, memoryBytes: 0, timestamp: nanos(this.clock.now()) };
  }

  async listContainerStats(): Promise<Map<string, ContainerStats>> {
    const at = nanos(this.clock.now());
    return new Map([...this.containers.values()].filter((c) => c.state === 'running').map((c) => [c.id, { cpuNanos: 0n, memoryBytes: 0, timestamp: at }]));
  }

  async execSync(id: string): Promise<ExecSyncResult> {
    if (this.get(id).state !== 'running') throw new Error(`container ${id} is not running`);
    return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 };
  }

  async exec(): Promise<ExecSession> {
    throw new Error('the simulated runtime runs nothing to exec into');
  }

  async attach(): Promise<ExecSession> {
    throw new Error('the simulated runtime runs nothing to attach to');
  }

  async portForward(): Promise<Duplex> {
    throw new Error('the simulated runtime runs nothing to forward to');
  }

  async reopenContainerLog(): Promise<void> {}

  onEvent(listener: (event: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(options: { killAll?: boolean } = {}): Promise<void> {
    if (options.killAll) for (const c of this.containers.values()) if (c.state === 'running') this.exit(c.id, 137, 'Error');
    this.listeners.clear();
  }

  /** Ends a running container as if its process exited with `code`. */
  exit(id: string, code: number, reason = code === 0 ? 'Completed' : 'Error'): void {
    const c = this.get(id);
    c.state = 'exited';
    c.exitCode = code;
    c.reason = reason;
    c.finishedAt = nanos(this.clock.now());
    this.emit({ containerId: id, sandboxId: c.sandboxId, type: 'stopped' });
  }

  private get(id: string): ContainerStatus {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeNotFound(`container ${id} not found`);
    return c;
  }

  private emit(e: ContainerEvent): void {
    for (const l of this.listeners) l(e);
  }
}
