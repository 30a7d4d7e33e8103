/**
 * `npm run bench -- pods`: the classic node benchmark. A built `skiff server` (its own
 * node, process runtime) gets a batch of 105 pods — the default maximum of user pods per
 * node — created at once; each runs `sleep`. Observed from outside through one pod watch:
 *
 * - p50/p99 from a pod's creation to Running (both as this watch sees them);
 * - steady state with the 105 pods running: the server's CPU (API server, controllers,
 *   scheduler and agent share the process) over a quiet window, as % of one core, and RSS.
 *
 * Floor in the same run: spawning 105 `sleep` processes directly from this process, time
 * from the first spawn call until each process has started. Runs repeat (default 3).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Pod } from '../../src/api/objects/index.js';
import { Client } from '../../src/client/client.js';
import { HttpsTransport } from '../../src/client/https.js';
import { Informer } from '../../src/client/informer.js';
import { resources } from '../../src/client/resources.js';
import { cpuMs, ensureBuilt, onCleanup, rssBytes, sleep, startSkiff, targetFor } from '../api/processes.js';
import { fmtBytes, fmtMs, median, percentile } from '../api/stats.js';

export const PODS_BENCH_USAGE = `Usage: npm run bench -- pods [flags]

  --pods N        pods in the batch (default 105)
  --runs K        repetitions; medians are reported (default 3)
  --window S      seconds of steady state measured (default 10)
`;

const log = (s: string) => process.stderr.write(`${s}\n`);

interface RunResult {
  p50: number;
  p99: number;
  cpuPercent: number;
  rss: number;
  floorP50: number;
  floorP99: number;
}

async function measureServer(count: number, windowS: number): Promise<Omit<RunResult, 'floorP50' | 'floorP99'>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-bench-pods-'));
  const unregister = onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startSkiff({ dataDir, serverArgs: ['--log-level', 'warn', '--node-name', 'bench-node'] });
  const target = targetFor(dataDir, server.port);
  const client = new Client(new HttpsTransport({ server: target.origin, ca: target.ca, cert: target.cert, key: target.key, userAgent: 'bench-pods' }));
  try {
    const nodes = client.resource(resources.nodes);
    for (let i = 0; ; i++) {
      const node = await nodes.get('bench-node').catch(() => undefined);
      if ((node?.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) break;
      if (i > 300) throw new Error('the server registered no Ready node within 60 s');
      await sleep(200);
    }
    const created = new Map<string, number>();
    const latencies: number[] = [];
    const seen = new Set<string>();
    const pods = client.resource<Pod>(resources.pods);
    const informer = new Informer<Pod>(pods, { namespace: 'default' });
    let resolveAll!: () => void;
    const allRunning = new Promise<void>((r) => { resolveAll = r; });
    const see = (pod: Pod) => {
      const name = pod.metadata.name!;
      const now = performance.now();
      if (!created.has(name)) created.set(name, now);
      if (pod.status?.phase === 'Running' && !seen.has(name)) {
        seen.add(name);
        latencies.push(now - created.get(name)!);
        if (seen.size === count) resolveAll();
      }
    };
    informer.addHandler({ add: see, update: (_o, p) => see(p) });
    informer.start();
    await informer.waitForSync();
    await Promise.all(Array.from({ length: count }, (_, i) => pods.create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `bench-${i}`, namespace: 'default' },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }] },
    } as Pod)));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allRunning, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`only ${seen.size} of ${count} pods Running within 120 s`)), 120_000); })]);
    clearTimeout(timer);
    informer.stop();
    // Steady state: let the start-up writes settle, then measure a quiet window.
    await sleep(2000);
    const before = cpuMs(server.pid);
    await sleep(windowS * 1000);
    const cpuPercent = ((cpuMs(server.pid) - before) / (windowS * 1000)) * 100;
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuPercent, rss: rssBytes(server.pid) };
  } finally {
    client.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    unregister();
  }
}

/** The floor: the same number of processes spawned directly. */
async function measureFloor(count: number): Promise<{ p50: number; p99: number }> {
  const t0 = performance.now();
  const children = Array.from({ length: count }, () => spawn('sleep', ['3600'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
  const started = await Promise.all(children.map((c) => new Promise<number>((resolve, reject) => {
    c.once('spawn', () => resolve(performance.now() - t0));
    c.once('error', reject);
  })));
  for (const c of children) process.kill(-c.pid!, 'SIGKILL');
  return { p50: percentile(started, 50), p99: percentile(started, 99) };
}

export async function runPodsBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { pods: { type: 'string' }, runs: { type: 'string' }, window: { type: 'string' } } });
  const count = Number(values.pods ?? 105);
  const runs = Number(values.runs ?? 3);
  const windowS = Number(values.window ?? 10);
  ensureBuilt(log);
  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    log(`run ${run}/${runs}: ${count} pods on one node (process runtime)`);
    const server = await measureServer(count, windowS);
    const floor = await measureFloor(count);
    log(`  creation→Running p50 ${fmtMs(server.p50)} p99 ${fmtMs(server.p99)}; steady CPU ${server.cpuPercent.toFixed(2)}% of a core, RSS ${fmtBytes(server.rss)}; floor: spawned p50 ${fmtMs(floor.p50)} p99 ${fmtMs(floor.p99)}`);
    results.push({ ...server, floorP50: floor.p50, floorP99: floor.p99 });
  }
  const m = (f: (r: RunResult) => number) => median(results.map(f));
  const lines = [
    `## Pods on one node (${count} pods, process runtime, medians of ${runs})`,
    '',
    '| figure | value | goal |',
    '|---|---|---|',
    `| creation → Running p50 / p99 | ${fmtMs(m((r) => r.p50))} / ${fmtMs(m((r) => r.p99))} (floor: ${count} processes spawned directly, p50 / p99 ${fmtMs(m((r) => r.floorP50))} / ${fmtMs(m((r) => r.floorP99))}) | p99 ≤ 1 s |`,
    `| steady-state CPU, server + agent, ${count} pods running | ${m((r) => r.cpuPercent).toFixed(2)}% of a core | ≤ 2% |`,
    `| RSS, server + agent | ${fmtBytes(m((r) => r.rss))} | ≤ 150 MB |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
