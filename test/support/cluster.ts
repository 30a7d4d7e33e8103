/**
 * A real Skiff cluster for end-to-end tests: the same wiring `skiff server` uses, on a
 * loopback port of its own, with a throwaway data dir. `kubectl()` runs the real kubectl
 * (any installed version) against it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { pino } from 'pino';
import { startCluster, type Cluster } from '../../src/cli/cluster.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestCluster {
  dataDir: string;
  kubeconfig: string;
  url: string;
  cluster: Cluster;
  kubectl(args: string[], options?: { version?: string; input?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<KubectlResult>;
  /** Stops and starts the server on the same data dir (and store). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Path of a kubectl binary: 'latest' is the one on PATH, '1.27' its versioned sibling. */
export function kubectlBinary(version = 'latest'): string {
  if (version === 'latest') return 'kubectl';
  const onPath = execFileSync('sh', ['-c', 'readlink -f "$(command -v kubectl)"']).toString().trim();
  return join(dirname(onPath), `kubectl.${version}`);
}

export async function startTestCluster(options: { datastoreEndpoint?: string } = {}): Promise<TestCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-e2e-'));
  const logger = pino({ level: process.env.SKIFF_TEST_LOG ?? 'silent' });
  const start = () => startCluster({ dataDir, port: 0, bindAddress: '127.0.0.1', datastoreEndpoint: options.datastoreEndpoint, logger });
  let cluster = await start();
  const self: TestCluster = {
    dataDir,
    kubeconfig: cluster.kubeconfigPath,
    url: cluster.api.url,
    cluster,
    kubectl(args, o = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(kubectlBinary(o.version), args, {
          env: { ...process.env, KUBECONFIG: self.kubeconfig, HOME: dataDir, ...o.env },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => { stdout += d; });
        child.stderr.on('data', (d) => { stderr += d; });
        const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
        child.on('error', reject);
        child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
        child.stdin.end(o.input ?? '');
      });
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
