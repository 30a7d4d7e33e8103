/**
 * Several runtimes behind one `Runtime`, chosen per pod sandbox by its runtime handler
 * (CRI's RunPodSandboxRequest.runtime_handler, from the pod's RuntimeClass), as
 * containerd routes handlers to its configured runtimes. Containers go to the runtime of
 * their sandbox. An unknown handler fails the sandbox with the message kubelets show.
 * Every method is async: an unknown id is a rejection, never a synchronous throw that a
 * caller's `.catch` would miss.
 */
import type { Duplex } from 'node:stream';
import { RuntimeNotFound, type ContainerConfig, type ContainerEvent, type ContainerStats, type ContainerStatus, type ExecSession, type ExecSyncResult, type PodSandboxConfig, type PodSandboxStatus, type Runtime, type RuntimeCondition, type RuntimeConfig, type RuntimeVersion } from './types.js';

export class RuntimesByHandler implements Runtime {
  readonly handler: string;
  private readonly bySandbox = new Map<string, Runtime>();
  private readonly byContainer = new Map<string, { runtime: Runtime; sandboxId: string }>();

  /** The first runtime is the default (pods without a RuntimeClass). */
  constructor(private readonly runtimes: Runtime[]) {
    if (!runtimes.length) throw new Error('no runtime');
    this.handler = runtimes[0]!.handler;
  }

  handlers(): string[] {
    return this.runtimes.map((r) => r.handler);
  }

  /** The default runtime's: it runs the pods that ask for nothing else. */
  conditions(): RuntimeCondition[] {
    return this.runtimes[0]!.conditions?.() ?? [];
  }

  version(): Promise<RuntimeVersion> {
    return this.runtimes[0]!.version();
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const handler = config.runtimeHandler || this.handler;
    const runtime = this.runtimes.find((r) => r.handler === handler);
    if (!runtime) throw new Error(`failed to get sandbox runtime: no runtime for "${handler}" is configured`);
    const id = await runtime.runPodSandbox(config);
    this.bySandbox.set(id, runtime);
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    return this.sandbox(id).stopPodSandbox(id);
  }

  async removePodSandbox(id: string): Promise<void> {
    const runtime = this.sandbox(id);
    await runtime.removePodSandbox(id);
    this.bySandbox.delete(id);
    for (const [cid, c] of this.byContainer) if (c.sandboxId === id) this.byContainer.delete(cid);
  }

  /** Also learns whose sandboxes these are: a runtime outliving the agent has some made before it. */
  async listPodSandboxes(): Promise<PodSandboxStatus[]> {
    const lists = await Promise.all(this.runtimes.map(async (r) => (await r.listPodSandboxes()).map((s) => ({ s, r }))));
    for (const { s, r } of lists.flat()) this.bySandbox.set(s.id, r);
    return lists.flat().map(({ s }) => s);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    return this.sandbox(id).podSandboxStatus(id);
  }

  async updateRuntimeConfig(config: RuntimeConfig): Promise<void> {
    await Promise.all(this.runtimes.map((r) => r.updateRuntimeConfig(config)));
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const runtime = this.sandbox(sandboxId);
    const id = await runtime.createContainer(sandboxId, config);
    this.byContainer.set(id, { runtime, sandboxId });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    return this.container(id).startContainer(id);
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    return this.container(id).stopContainer(id, timeoutSeconds);
  }

  async removeContainer(id: string): Promise<void> {
    await this.container(id).removeContainer(id);
    this.byContainer.delete(id);
  }

  /** Also learns whose containers these are (see listPodSandboxes). */
  async listContainers(filter: { sandboxId?: string } = {}): Promise<ContainerStatus[]> {
    const runtimes = filter.sandboxId ? [this.sandbox(filter.sandboxId)] : this.runtimes;
    const lists = await Promise.all(runtimes.map(async (r) => (await r.listContainers(filter)).map((c) => ({ c, r }))));
    for (const { c, r } of lists.flat()) if (!this.byContainer.has(c.id)) this.byContainer.set(c.id, { runtime: r, sandboxId: c.sandboxId });
    return lists.flat().map(({ c }) => c);
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    return this.container(id).containerStatus(id);
  }

  async containerStats(id: string): Promise<ContainerStats> {
    return this.container(id).containerStats(id);
  }

  async listContainerStats(): Promise<Map<string, ContainerStats>> {
    const all = await Promise.all(this.runtimes.map((r) => r.listContainerStats()));
    return new Map(all.flatMap((m) => [...m]));
  }

  async execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    return this.container(id).execSync(id, cmd, timeoutSeconds);
  }

  async exec(id: string, cmd: string[], options: { stdin: boolean; tty: boolean }): Promise<ExecSession> {
    return this.container(id).exec(id, cmd, options);
  }

  async attach(id: string, options: { stdin: boolean; tty: boolean }): Promise<ExecSession> {
    return this.container(id).attach(id, options);
  }

  async portForward(sandboxId: string, port: number): Promise<Duplex> {
    return this.sandbox(sandboxId).portForward(sandboxId, port);
  }

  async reopenContainerLog(id: string): Promise<void> {
    return this.container(id).reopenContainerLog(id);
  }

  onEvent(listener: (event: ContainerEvent) => void): () => void {
    const offs = this.runtimes.map((r) => r.onEvent(listener));
    return () => { for (const off of offs) off(); };
  }

  async close(options?: { killAll?: boolean }): Promise<void> {
    await Promise.all(this.runtimes.map((r) => r.close(options)));
  }

  private sandbox(id: string): Runtime {
    const r = this.bySandbox.get(id);
    if (!r) throw new RuntimeNotFound(`pod sandbox ${id} not found`);
    return r;
  }

  private container(id: string): Runtime {
    const c = this.byContainer.get(id);
    if (!c) throw new RuntimeNotFound(`container ${id} not found`);
    return c.runtime;
  }
}
