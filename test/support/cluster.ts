/**
 * A real Skiff cluster for end-to-end tests: the same wiring `skiff server` uses, on a
 * loopback port of its own, with a throwaway data dir. `kubectl()` runs the real kubectl
 * (any installed version) against it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { pino } from 'pino';
import { after, before } from 'node:test';
import { startCluster, type Cluster } from '../../src/cli/cluster.js';
import { apiClient, type ApiClient } from './api-client.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  version?: string;
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** A kubectl left running (e.g. `get -w`): read what it printed so far, wait for a line, stop it. */
export interface BackgroundKubectl {
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /**
   * Resolves with stdout (or stderr) once it matches `pattern`; rejects after `timeoutMs`
   * (default 15 s) or if kubectl exits first. Waiting on stderr with `-v=6` shows when a
   * request (e.g. the watch) has been answered.
   */
  waitFor(pattern: RegExp, options?: { timeoutMs?: number; stream?: 'stdout' | 'stderr' }): Promise<string>;
  /** Kills kubectl (SIGTERM) if it still runs and resolves with what it printed. */
  stop(): Promise<KubectlResult>;
  /** Resolves when kubectl exits on its own. */
  exited: Promise<KubectlResult>;
}

export interface TestCluster {
  dataDir: string;
  kubeconfig: string;
  url: string;
  cluster: Cluster;
  kubectl(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  /** Starts kubectl without waiting for it (watches, `wait` racing a change). Always `stop()` it. */
  kubectlBackground(args: string[], options?: Omit<KubectlOptions, 'input'>): BackgroundKubectl;
  /** Stops and starts the server on the same data dir (and store). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Path of a kubectl binary: 'latest' is the one on PATH, '1.27' its versioned sibling.
 * When the one on PATH is the Cloud SDK's dispatcher (which execs the sibling matching the
 * server's minor version on every call), 'latest' is the newest sibling instead: the same
 * client, without a second process per call.
 */
export function kubectlBinary(version = 'latest'): string {
  kubectlDir ??= dirname(execFileSync('sh', ['-c', 'readlink -f "$(command -v kubectl)"']).toString().trim());
  if (version !== 'latest') return join(kubectlDir, `kubectl.${version}`);
  if (latestKubectl === undefined) {
    latestKubectl = 'kubectl';
    const client = execFileSync('kubectl', ['version', '--client', '-o', 'json']).toString();
    if (/"gitVersion":\s*"[^"]*dispatcher/.test(client)) {
      const minors = readdirSync(kubectlDir).map((f) => /^kubectl\.1\.(\d+)$/.exec(f)?.[1]).filter((m): m is string => m !== undefined).map(Number);
      if (minors.length) latestKubectl = join(kubectlDir, `kubectl.1.${Math.max(...minors)}`);
    }
  }
  return latestKubectl;
}
let kubectlDir: string | undefined;
let latestKubectl: string | undefined;

/**
 * Runs kubectl with its own KUBECONFIG, HOME and TMPDIR (so the discovery and OpenAPI
 * caches and scratch files live in the cluster's data dir). Killed after `timeoutMs` (default 60 s) whatever happens.
 */
function runKubectl(args: string[], o: KubectlOptions, kubeconfig: string, home: string): BackgroundKubectl {
  const child = spawn(kubectlBinary(o.version), args, {
    // TMPDIR too: diff, edit and friends leave their scratch files with the cluster's data.
    env: { ...process.env, KUBECONFIG: kubeconfig, HOME: home, TMPDIR: home, ...o.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let done = false;
  const listeners = new Set<() => void>();
  const changed = () => { for (const l of [...listeners]) l(); };
  child.stdout.on('data', (d) => { stdout += d; changed(); });
  child.stderr.on('data', (d) => { stderr += d; changed(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
  const exited = new Promise<KubectlResult>((resolve, reject) => {
    child.on('error', (err) => { clearTimeout(timer); done = true; changed(); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done = true;
      changed();
      resolve({ code: code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : -1), stdout, stderr });
    });
  });
  child.stdin.end(o.input ?? '');
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor(pattern, { timeoutMs = 15_000, stream = 'stdout' } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const text = stream === 'stdout' ? stdout : stderr;
          if (pattern.test(text)) { finish(); resolve(text); return; }
          if (done) { finish(); reject(new Error(`kubectl ${args.join(' ')} exited before printing ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`)); }
        };
        const t = setTimeout(() => { finish(); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} from kubectl ${args.join(' ')}\nstdout:\n${stdout}\nstderr:\n${stderr}`)); }, timeoutMs);
        const finish = () => { clearTimeout(t); listeners.delete(check); };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (!done) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface TestClusterOptions {
  datastoreEndpoint?: string;
  /** Simulated nodes the server registers (`--simulated-nodes`). */
  simulatedNodes?: number;
  /** Run the local node agent (process runtime) as `skiff server` does unless `--disable-agent`; its node is named `agent`. */
  agent?: boolean;
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  const logger = pino({ level: process.env.SKIFF_TEST_LOG ?? 'silent' });
  const start = () => startCluster({ dataDir, port: 0, bindAddress: '127.0.0.1', datastoreEndpoint: options.datastoreEndpoint, simulatedNodes: options.simulatedNodes, agent: options.agent ? { nodeName: 'agent' } : undefined, logger });
  let cluster = await start();
  const self: TestCluster = {
    dataDir,
    kubeconfig: cluster.kubeconfigPath,
    url: cluster.api.url,
    cluster,
    kubectl(args, o = {}) {
      const bg = runKubectl(args, o, self.kubeconfig, dataDir);
      return bg.exited;
    },
    kubectlBackground(args, o = {}) {
      return runKubectl(args, { ...o, timeoutMs: o.timeoutMs ?? 120_000 }, self.kubeconfig, dataDir);
    },
    async restart() {
      await cluster.stop();
      cluster = await start();
      self.cluster = cluster;
      self.url = cluster.api.url;
      self.kubeconfig = cluster.kubeconfigPath;
    },
    async stop() {
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}

/**
 * A test cluster and an admin API client for the suite this is called in: started in
 * `before`, stopped in `after`. Read the fields inside tests (they are set by then).
 */
export function useTestCluster(options: TestClusterOptions = {}): { cluster: TestCluster; client: ApiClient } {
  const env = {} as { cluster: TestCluster; client: ApiClient };
  before(async () => {
    env.cluster = await startTestCluster(options);
    env.client = apiClient(env.cluster.kubeconfig);
  });
  after(async () => {
    env.client?.close();
    await env.cluster?.stop();
  });
  return env;
}
