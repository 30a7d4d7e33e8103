/**
 * Skiff servers for end-to-end tests that need more control than `startTestCluster()`:
 * stopping a server and starting it again on the same port (so clients holding a
 * kubeconfig reconnect, as after a real restart) and several servers sharing one etcd.
 * Everything lives on loopback and in temp dirs that `destroy()` removes.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startCluster, type Cluster } from '../../src/cli/cluster.js';
import { kubectlBinary, type KubectlResult } from './cluster.js';

export interface ServerOptions {
  /** Default: a fresh temp dir (removed by destroy()). */
  dataDir?: string;
  /** Copy `tls/` (CA, serving and admin credentials, tokens) from this data dir first, so one kubeconfig trusts and is trusted by both servers. */
  credentialsFrom?: string;
  /** Default: a free port, kept across restarts. */
  port?: number;
  datastoreEndpoint?: string;
}

export interface TestServer {
  dataDir: string;
  port: number;
  url: string;
  kubeconfig: string;
  /** The running cluster; throws when stopped. */
  readonly cluster: Cluster;
  running(): boolean;
  /** Stops the server, keeping its data dir and port number. */
  stop(): Promise<void>;
  /** Starts it again on the same data dir and port. */
  start(): Promise<void>;
  /** Stops (if running) and removes the data dir when this helper created it. */
  destroy(): Promise<void>;
  kubectl(args: string[], options?: { version?: string; input?: string; timeoutMs?: number }): Promise<KubectlResult>;
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  if (options.credentialsFrom) cpSync(join(options.credentialsFrom, 'tls'), join(dataDir, 'tls'), { recursive: true });
  const logger = pino({ level: process.env.SKIFF_TEST_LOG ?? 'silent' });
  let current: Cluster | undefined;
  let port = options.port ?? 0;
  const launch = async (): Promise<void> => {
    current = await startCluster({ dataDir, port, bindAddress: '127.0.0.1', datastoreEndpoint: options.datastoreEndpoint, logger });
    port = current.api.port;
  };
  try {
    await launch();
  } catch (err) {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const self: TestServer = {
    dataDir,
    port,
    url: current!.api.url,
    kubeconfig: current!.kubeconfigPath,
    get cluster(): Cluster {
      if (!current) throw new Error('server is stopped');
      return current;
    },
    running: () => current !== undefined,
    async stop() {
      const c = current;
      current = undefined;
      await c?.stop();
    },
    async start() {
      if (current) return;
      await launch();
    },
    async destroy() {
      await self.stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
    kubectl: (args, o = {}) => runKubectl(self.kubeconfig, dataDir, args, o),
  };
  return self;
}

export function runKubectl(kubeconfig: string, home: string, args: string[], o: { version?: string; input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlBinary(o.version), args, {
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
    child.stdin.end(o.input ?? '');
  });
}

/**
 * Polls `check` until it returns a value other than undefined/false, or fails after
 * `timeoutMs` with `what` and the last error `check` threw.
 */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${lastError ? `: ${String((lastError as Error).message ?? lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
