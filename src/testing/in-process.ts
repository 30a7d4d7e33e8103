/**
 * Test helpers for components that are API clients: a real cluster in this process
 * with an admin client over HTTPS, and a clock that moves only when the test says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startCluster, type Cluster } from '../cli/cluster.js';
import { Client } from '../client/client.js';
import { HttpsTransport } from '../client/https.js';
import type { Clock } from '../client/clock.js';

export interface InProcessCluster {
  dir: string;
  cluster: Cluster;
  /** The admin, over HTTPS. */
  client: Client;
  stop(): Promise<void>;
}

export interface InProcessOptions {
  /** Controllers `skiff server` runs here (`--controllers` syntax); default all. Tests of one controller pass `[]` and start it themselves. */
  controllers?: string[];
  simulatedNodes?: number;
  /** Run the server's own scheduler (default true, as `skiff server`). */
  scheduler?: boolean;
}

export async function startInProcessCluster(name: string, options: InProcessOptions = {}): Promise<InProcessCluster> {
  const dir = mkdtempSync(join(tmpdir(), `skiff-${name}-`));
  const cluster = await startCluster({ dataDir: dir, port: 0, bindAddress: '127.0.0.1', logger: pino({ level: 'silent' }), ...options });
  const tls = (f: string) => readFileSync(join(dir, 'tls', f), 'utf8');
  const client = new Client(new HttpsTransport({ server: cluster.api.url, ca: tls('ca.crt'), cert: tls('admin.crt'), key: tls('admin.key') }));
  return {
    dir, cluster, client,
    async stop() {
      client.close();
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sleeps resolve when `advance` moves time past their end; `parked(n)` waits until n sleepers wait. */
export class FakeClock implements Clock {
  private t: number;
  private sleepers: Array<{ until: number; resolve(): void }> = [];
  private waiting: Array<() => void> = [];

  constructor(start = '2026-01-01T00:00:00.000Z') {
    this.t = Date.parse(start);
  }

  now(): Date {
    return new Date(this.t);
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const sleeper = { until: this.t + ms, resolve };
      this.sleepers.push(sleeper);
      signal.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      }, { once: true });
      for (const wake of this.waiting.splice(0)) wake();
    });
  }

  async parked(n: number): Promise<void> {
    while (this.sleepers.length < n) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  advance(ms: number): void {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.until <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.until > this.t);
    for (const s of due) s.resolve();
  }
}
