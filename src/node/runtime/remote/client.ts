/**
 * A Runtime in another process, reached over its unix socket (server.ts): what an agent
 * started with `--keep-pods` uses, so that the containers live in `skiff runtime` and
 * outlive the agent. Calls are HTTP requests; container events arrive on one long-lived
 * stream, reopened when it breaks; exec and attach are WebSocket sessions.
 */
import { request } from 'node:http';
import { PassThrough, Writable, type Duplex } from 'node:stream';
import { createWebSocketStream, WebSocket } from 'ws';
import { RuntimeNotFound, type ContainerConfig, type ContainerEvent, type ContainerStats, type ContainerStatus, type ExecSession, type ExecSyncResult, type PodSandboxConfig, type PodSandboxStatus, type Runtime, type RuntimeCondition, type RuntimeConfig, type RuntimeVersion } from '../types.js';
import { decode, encode, STARTED, STATUS, STREAM_PROTOCOL, type Call, type CallError } from './protocol.js';

const STDIN = 0, STDOUT = 1, STDERR = 2, RESIZE = 4, CLOSE = 255;

export class RemoteRuntime implements Runtime {
  private readonly listeners = new Set<(e: ContainerEvent) => void>();
  private events: { destroy(): void } | undefined;
  private closed = false;
  private cachedConditions: RuntimeCondition[] = [];
  private cachedHandlers: string[];

  private constructor(private readonly socketPath: string, readonly handler: string, handlers: string[]) {
    this.cachedHandlers = handlers;
    this.followEvents();
  }

  /** Connects to the runtime at `socketPath`; rejects when nothing answers there. */
  static async connect(socketPath: string): Promise<RemoteRuntime> {
    const probe = new RemoteRuntime(socketPath, '', []);
    try {
      const handlers = ((await probe.call('handlers')) as string[] | null) ?? ['process'];
      const runtime = new RemoteRuntime(socketPath, handlers[0] ?? 'process', handlers);
      await runtime.refreshConditions();
      return runtime;
    } finally {
      await probe.close();
    }
  }

  handlers(): string[] {
    return this.cachedHandlers;
  }

  conditions(): RuntimeCondition[] {
    return this.cachedConditions;
  }

  version(): Promise<RuntimeVersion> { return this.call('version') as Promise<RuntimeVersion>; }
  runPodSandbox(config: PodSandboxConfig): Promise<string> { return this.call('runPodSandbox', config) as Promise<string>; }
  async stopPodSandbox(id: string): Promise<void> { await this.call('stopPodSandbox', id); }
  async removePodSandbox(id: string): Promise<void> { await this.call('removePodSandbox', id); }
  listPodSandboxes(): Promise<PodSandboxStatus[]> { return this.call('listPodSandboxes') as Promise<PodSandboxStatus[]>; }
  podSandboxStatus(id: string): Promise<PodSandboxStatus> { return this.call('podSandboxStatus', id) as Promise<PodSandboxStatus>; }
  async updateRuntimeConfig(config: RuntimeConfig): Promise<void> { await this.call('updateRuntimeConfig', config); }
  createContainer(sandboxId: string, config: ContainerConfig): Promise<string> { return this.call('createContainer', sandboxId, config) as Promise<string>; }
  async startContainer(id: string): Promise<void> { await this.call('startContainer', id); }
  async stopContainer(id: string, timeoutSeconds: number): Promise<void> { await this.call('stopContainer', id, timeoutSeconds); }
  async removeContainer(id: string): Promise<void> { await this.call('removeContainer', id); }
  listContainers(filter?: { sandboxId?: string }): Promise<ContainerStatus[]> { return this.call('listContainers', filter ?? {}) as Promise<ContainerStatus[]>; }
  containerStatus(id: string): Promise<ContainerStatus> { return this.call('containerStatus', id) as Promise<ContainerStatus>; }
  containerStats(id: string): Promise<ContainerStats> { return this.call('containerStats', id) as Promise<ContainerStats>; }
  listContainerStats(): Promise<Map<string, ContainerStats>> { return this.call('listContainerStats') as Promise<Map<string, ContainerStats>>; }
  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> { return this.call('execSync', id, cmd, timeoutSeconds) as Promise<ExecSyncResult>; }
  async reopenContainerLog(id: string): Promise<void> { await this.call('reopenContainerLog', id); }

  exec(id: string, cmd: string[], options: { stdin: boolean; tty: boolean }): Promise<ExecSession> {
    const q = new URLSearchParams({ id, stdin: String(options.stdin), tty: String(options.tty) });
    for (const c of cmd) q.append('command', c);
    return this.session(`/v1/exec?${q}`, options);
  }

  attach(id: string, options: { stdin: boolean; tty: boolean }): Promise<ExecSession> {
    return this.session(`/v1/attach?${new URLSearchParams({ id, stdin: String(options.stdin), tty: String(options.tty) })}`, options);
  }

  portForward(sandboxId: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const ws = this.webSocket(`/v1/portForward?${new URLSearchParams({ sandbox: sandboxId, port: String(port) })}`);
      ws.once('open', () => resolve(createWebSocketStream(ws)));
      ws.once('error', reject);
      ws.once('close', (code, reason) => { if (code !== 1000) reject(new Error(reason.toString() || `port-forward refused (${code})`)); });
    });
  }

  onEvent(listener: (event: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Disconnects. The runtime process and its containers go on: stopping them is `killAll`'s job. */
  async close(options: { killAll?: boolean } = {}): Promise<void> {
    if (options.killAll) {
      const running = (await this.listContainers()).filter((c) => c.state === 'running');
      await Promise.all(running.map((c) => this.stopContainer(c.id, 0)));
    }
    this.closed = true;
    this.events?.destroy();
    this.listeners.clear();
  }

  private async refreshConditions(): Promise<void> {
    this.cachedConditions = ((await this.call('conditions')) as RuntimeCondition[] | null) ?? [];
  }

  private call(name: Call, ...args: unknown[]): Promise<unknown> {
    const body = encode(args);
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, path: `/v1/${name}`, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { text += c; });
        res.on('end', () => {
          try {
            const answer = decode<{ result?: unknown } & CallError>(text);
            if (res.statusCode === 200) return resolve(answer?.result);
            reject(answer.code === 'NotFound' ? new RuntimeNotFound(answer.message) : Object.assign(new Error(answer.message), { code: answer.code }));
          } catch (err) {
            reject(err);
          }
        });
      });
      req.on('error', (err) => reject(new Error(`the runtime at ${this.socketPath} is not answering: ${err.message}`)));
      req.end(body);
    });
  }

  private webSocket(path: string): WebSocket {
    return new WebSocket(`ws+unix://${this.socketPath}:${path}`, [STREAM_PROTOCOL]);
  }

  private session(path: string, options: { stdin: boolean; tty: boolean }): Promise<ExecSession> {
    return new Promise((resolve, reject) => {
      const ws = this.webSocket(path);
      const stdout = new PassThrough();
      const stderr = options.tty ? undefined : new PassThrough();
      let settle!: (code: number) => void;
      const exit = new Promise<number>((r) => { settle = r; });
      let started = false;
      const send = (channel: number, data: Buffer) => { if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data])); };
      ws.on('message', (data: Buffer) => {
        const channel = data[0];
        const payload = data.subarray(1);
        if (channel === STARTED) {
          started = true;
          resolve({
            stdin: options.stdin ? new Writable({
              write: (chunk: Buffer, _e, cb) => { send(STDIN, chunk); cb(); },
              final: (cb) => { send(CLOSE, Buffer.from([STDIN])); cb(); },
            }) : undefined,
            stdout, stderr, exit,
            kill: () => ws.close(1000),
            resize: (width, height) => send(RESIZE, Buffer.from(JSON.stringify({ Width: width, Height: height }))),
          });
        } else if (channel === STDOUT) stdout.write(payload);
        else if (channel === STDERR) stderr?.write(payload);
        else if (channel === STATUS) {
          const status = decode<{ code?: number; message?: string; status?: string }>(payload.toString('utf8'));
          if (!started) return reject(Object.assign(new Error(status.message ?? 'the runtime refused'), { code: (status as CallError).code }));
          settle(typeof status.code === 'number' ? status.code : status.status === 'Success' ? 0 : 1);
        }
      });
      ws.once('error', (err) => { if (!started) reject(err); });
      ws.once('close', () => {
        stdout.end();
        stderr?.end();
        // Left without a status: the session was cut (a kill), as a killed process reports.
        settle(137);
        if (!started) reject(new Error('the runtime closed the session before it started'));
      });
    });
  }

  private followEvents(): void {
    if (this.closed) return;
    let buffered = '';
    const req = request({ socketPath: this.socketPath, path: '/v1/events', method: 'GET' }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const event = decode<ContainerEvent>(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
          for (const l of this.listeners) l(event);
        }
      });
      res.on('end', () => this.retryEvents());
      res.on('error', () => this.retryEvents());
    });
    req.on('error', () => this.retryEvents());
    req.end();
    this.events = { destroy: () => req.destroy() };
  }

  private retryEvents(): void {
    if (this.closed) return;
    const timer = setTimeout(() => this.followEvents(), 1_000);
    timer.unref();
  }
}
