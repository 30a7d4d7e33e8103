/**
 * Test harness: runs a private single-member etcd on random loopback ports.
 *
 * Tests never rely on a system etcd service; each file starts its own member with a
 * temporary data directory and kills it afterwards. Used by the etcd tests and the
 * etcd benchmark; never by production code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_ETCD_BINARY = '/usr/bin/etcd';

export interface StartEtcdOptions {
  /** Reuse this data directory (kept on stop). Default: a fresh temp dir, removed on stop. */
  dataDir?: string;
  /** Default: $SKIFF_ETCD_BINARY or /usr/bin/etcd. */
  binary?: string;
  /** How long to wait for the member to report healthy. */
  readyTimeoutMs?: number;
}

export interface EtcdProcess {
  /** `host:port` of the client URL (plain http). */
  endpoint: string;
  dataDir: string;
  /** SIGTERM, wait for exit, remove the temp data dir if we created it. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL without cleanup of the data dir (for crash tests); waits for exit. */
  kill9(): Promise<void>;
}

function etcdBinary(binary?: string): string {
  return binary ?? process.env.SKIFF_ETCD_BINARY ?? DEFAULT_ETCD_BINARY;
}

/** Whether the etcd binary is present and executable (tests skip loudly when not). */
export function etcdAvailable(binary?: string): boolean {
  try {
    accessSync(etcdBinary(binary), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function healthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`http://${endpoint}/health`, { timeout: 500 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"true"')));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts etcd and resolves once `/health` answers true. Ports are picked by binding
 * port 0 and releasing it, so a rare collision is possible; the start is retried once.
 */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdProcess> {
  try {
    return await startOnce(options);
  } catch (err) {
    if (!(err instanceof PortRaceError)) throw err;
    return startOnce(options);
  }
}

class PortRaceError extends Error {}

async function startOnce(options: StartEtcdOptions): Promise<EtcdProcess> {
  const binary = etcdBinary(options.binary);
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'skiff-etcd-')));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `127.0.0.1:${clientPort}`;
  const clientUrl = `http://${endpoint}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const name = 'skiff-test';
  const child = spawn(
    binary,
    [
      `--name=${name}`,
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=${name}=${peerUrl}`,
      // A restarted member keeps its stored peer URL; do not refuse to start over it.
      '--strict-reconfig-check=false',
      '--logger=zap',
      '--log-outputs=stderr',
      '--log-level=warn',
      // Single member: elect at once instead of waiting out the default timeouts.
      '--heartbeat-interval=20',
      '--election-timeout=200',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // Keep only the tail: enough to explain a failed start.
    log = (log + chunk).slice(-8000);
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  const cleanup = async (signal: NodeJS.Signals, removeDir: boolean) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await waitExit(child);
    if (removeDir) await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  for (;;) {
    if (spawnError) {
      await cleanup('SIGKILL', ownDataDir);
      throw new Error(`cannot run ${binary}: ${spawnError.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
      if (/address already in use/.test(log)) throw new PortRaceError(log);
      throw new Error(`etcd exited during start (code ${child.exitCode}, signal ${child.signalCode}):\n${log}`);
    }
    if (await healthy(endpoint)) break;
    if (Date.now() > deadline) {
      await cleanup('SIGKILL', ownDataDir);
      throw new Error(`etcd at ${endpoint} not healthy after ${options.readyTimeoutMs ?? 15_000}ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }

  // kill9 keeps the data dir (a restart reuses it); stop removes a dir we made, even after kill9.
  let killed: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    dataDir,
    stop: () => (stopped ??= (async () => {
      await (killed ?? cleanup('SIGTERM', false));
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    })()),
    kill9: () => (killed ??= cleanup('SIGKILL', false)),
  };
}
