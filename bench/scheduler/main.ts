/**
 * `npm run bench -- scheduler`: the control loops at scale. A built `skiff server` with
 * N simulated nodes (default 1,000); D Deployments of R replicas (default 100 × 100 =
 * 10,000 pods) created at once. Observed from outside through one pod watch:
 *
 * - pods bound per second: pods bound ÷ (last bind − first Deployment created);
 * - p50/p99 from a pod's creation to its binding (both as this watch sees them);
 * - time until every Deployment reports Available with all replicas available;
 * - the server's RSS and CPU afterwards.
 *
 * Baseline in the same run, on a fresh server with the same nodes: the same number of
 * pods created directly by this process with `spec.nodeName` already set (no
 * controllers, no scheduler in their path) — what the API server alone sustains for
 * this workload. Runs repeat (default 3) and report medians.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Deployment, Pod } from '../../src/api/objects/index.js';
import { Client } from '../../src/client/client.js';
import { HttpsTransport } from '../../src/client/https.js';
import { Informer } from '../../src/client/informer.js';
import { resources } from '../../src/client/resources.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpuMs, ensureBuilt, onCleanup, ROOT, rssBytes, startSkiff, targetFor, type Started } from '../api/processes.js';
import { fmtBytes, fmtInt, fmtMs, median, percentile } from '../api/stats.js';

export const SCHEDULER_BENCH_USAGE = `Usage: npm run bench -- scheduler [flags]

  --nodes N          simulated nodes (default 1000)
  --deployments D    Deployments (default 100)
  --replicas R       replicas each (default 100)
  --runs K           repetitions; medians are reported (default 3)
  --timeout S        give up on a run after S seconds (default 600)
  --profile DIR      write the server's CPU profiles (node --cpu-prof) to DIR
  --split            run the controllers and scheduler (skiff controller-manager --scheduler) and
                     the simulated nodes (skiff sim) as their own processes, as upstream deploys them
`;

const log = (s: string) => process.stderr.write(`${s}\n`);

interface RunResult {
  boundPerSec: number;
  p50: number;
  p99: number;
  availableMs: number;
  rss: number;
  cpuMs: number;
  baselinePerSec: number;
}

let profileDir: string | undefined;
let split = false;

async function withServer<T>(nodes: number, fn: (server: Started, client: Client) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-bench-sched-'));
  const unregister = onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const serverArgs = ['--disable-agent', ...(split ? ['--controllers', '', '--disable-scheduler', '--log-level', 'warn'] : ['--simulated-nodes', String(nodes), '--log-level', 'warn'])];
  const server = await startSkiff({ dataDir, nodeArgs, serverArgs });
  const target = targetFor(dataDir, server.port);
  const helpers: ChildProcess[] = [];
  if (split) {
    const kubeconfig = join(dataDir, 'kubeconfig.yaml');
    const cli = join(ROOT, 'bin/skiff.cjs');
    for (const args of [['controller-manager', '--scheduler'], ['sim', '--nodes', String(nodes)]]) {
      helpers.push(spawn(process.execPath, [cli, ...args, '--kubeconfig', kubeconfig, '--log-level', 'warn'], { stdio: 'ignore' }));
    }
  }
  const unregisterHelpers = onCleanup(() => { for (const h of helpers) h.kill('SIGKILL'); });
  const client = new Client(new HttpsTransport({ server: target.origin, ca: target.ca, cert: target.cert, key: target.key, userAgent: 'bench-scheduler' }));
  try {
    // Registration runs after /readyz: wait until every node is there.
    const nodesApi = client.resource(resources.nodes);
    const deadline = Date.now() + 120_000;
    while ((await nodesApi.list(undefined, { limit: 1 })).metadata.remainingItemCount !== nodes - 1) {
      if (Date.now() > deadline) throw new Error(`the server did not register ${nodes} simulated nodes within 120 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return await fn(server, client);
  } finally {
    client.close();
    for (const h of helpers) h.kill('SIGTERM');
    unregisterHelpers();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    unregister();
  }
}

/** Watches pods; resolves when `total` pods have been bound. */
function bindingObserver(client: Client, total: number, timeoutMs: number) {
  const seenAt = new Map<string, number>();
  const latencies: number[] = [];
  let firstBound = Infinity;
  let lastBound = 0;
  const informer = new Informer<Pod>(client.resource<Pod>(resources.pods), { namespace: 'bench' });
  let resolveDone!: () => void;
  let rejectDone!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => { resolveDone = resolve; rejectDone = reject; });
  const timer = setTimeout(() => rejectDone(new Error(`only ${latencies.length} of ${total} pods bound within ${timeoutMs / 1000} s`)), timeoutMs);
  const bound = new Set<string>();
  const see = (pod: Pod) => {
    const uid = pod.metadata.uid!;
    const now = performance.now();
    if (!seenAt.has(uid)) seenAt.set(uid, now);
    if (pod.spec.nodeName && !bound.has(uid)) {
      bound.add(uid);
      latencies.push(now - seenAt.get(uid)!);
      firstBound = Math.min(firstBound, now);
      lastBound = now;
      if (bound.size === total) { clearTimeout(timer); resolveDone(); }
    }
  };
  informer.addHandler({ add: see, update: (_o, p) => see(p) });
  informer.start();
  return { informer, done, latencies, get lastBound() { return lastBound; }, stop: () => { clearTimeout(timer); informer.stop(); } };
}

function deployment(i: number, replicas: number): Deployment {
  const labels = { app: `bench-${i}` };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `bench-${i}`, namespace: 'bench' },
    spec: {
      replicas, selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.local/app:1', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
    },
  };
}

async function createNamespace(client: Client): Promise<void> {
  await client.resource(resources.namespaces).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
}

async function measureScheduling(nodes: number, deployments: number, replicas: number, timeoutMs: number): Promise<Omit<RunResult, 'baselinePerSec'>> {
  return withServer(nodes, async (server, client) => {
    await createNamespace(client);
    const total = deployments * replicas;
    const observer = bindingObserver(client, total, timeoutMs);
    await observer.informer.waitForSync();
    const deploymentsApi = client.resource<Deployment>(resources.deployments);
    const cpuBefore = cpuMs(server.pid);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: deployments }, (_, i) => deploymentsApi.create(deployment(i, replicas))));
    try {
      await observer.done;
    } finally {
      observer.stop();
    }
    const boundPerSec = total / ((observer.lastBound - t0) / 1000);
    // Then every Deployment Available with all replicas available.
    const watch = new Informer<Deployment>(deploymentsApi, { namespace: 'bench' });
    const allAvailable = () => watch.list().length === deployments && watch.list().every((d) => d.status?.availableReplicas === replicas && d.status.conditions?.some((c) => c.type === 'Available' && c.status === 'True'));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Deployments did not all become Available in time')), timeoutMs);
      const check = () => { if (watch.hasSynced() && allAvailable()) { clearTimeout(timer); resolve(); } };
      watch.addHandler({ add: check, update: check });
      watch.start();
      void watch.waitForSync().then(check);
    });
    const availableMs = performance.now() - t0;
    watch.stop();
    return { boundPerSec, p50: percentile(observer.latencies, 50), p99: percentile(observer.latencies, 99), availableMs, rss: rssBytes(server.pid), cpuMs: cpuMs(server.pid) - cpuBefore };
  });
}

/** The same number of pods, created by this process already bound (no controllers, no scheduler). */
async function measureBaseline(nodes: number, total: number): Promise<number> {
  return withServer(nodes, async (_server, client) => {
    await createNamespace(client);
    const pods = client.resource<Pod>(resources.pods);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 32 }, async () => {
      for (let i = next++; i < total; i = next++) {
        await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `direct-${i}`, namespace: 'bench' }, spec: { nodeName: `sim-node-${i % nodes}`, containers: [{ name: 'app', image: 'registry.local/app:1' }] } });
      }
    }));
    return total / ((performance.now() - t0) / 1000);
  });
}

export async function runSchedulerBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { nodes: { type: 'string' }, deployments: { type: 'string' }, replicas: { type: 'string' }, runs: { type: 'string' }, timeout: { type: 'string' }, profile: { type: 'string' }, split: { type: 'boolean' } } });
  profileDir = values.profile;
  split = values.split === true;
  const nodes = Number(values.nodes ?? 1000);
  const deployments = Number(values.deployments ?? 100);
  const replicas = Number(values.replicas ?? 100);
  const runs = Number(values.runs ?? 3);
  const timeoutMs = Number(values.timeout ?? 600) * 1000;
  ensureBuilt(log);
  const results: RunResult[] = [];
  for (let run = 1; run <= runs; run++) {
    log(`run ${run}/${runs}: ${nodes} simulated nodes, ${deployments} Deployments × ${replicas} replicas`);
    const scheduled = await measureScheduling(nodes, deployments, replicas, timeoutMs);
    log(`  bound ${fmtInt(scheduled.boundPerSec)} pods/s, creation→bound p50 ${fmtMs(scheduled.p50)} p99 ${fmtMs(scheduled.p99)}, all Available after ${fmtMs(scheduled.availableMs)}, RSS ${fmtBytes(scheduled.rss)}, server CPU ${fmtInt(scheduled.cpuMs)} ms`);
    const baselinePerSec = await measureBaseline(nodes, deployments * replicas);
    log(`  baseline: ${fmtInt(baselinePerSec)} bound pods/s created directly`);
    results.push({ ...scheduled, baselinePerSec });
  }
  const m = (f: (r: RunResult) => number) => median(results.map(f));
  const lines = [
    `## Scheduler and controllers (${nodes} simulated nodes, ${deployments} Deployments × ${replicas} replicas, medians of ${runs})`,
    '',
    '| figure | value | goal |',
    '|---|---|---|',
    `| pods bound per second | ${fmtInt(m((r) => r.boundPerSec))}/s (${Math.round((m((r) => r.boundPerSec) / m((r) => r.baselinePerSec)) * 100)}% of the direct-create baseline ${fmtInt(m((r) => r.baselinePerSec))}/s) | ≥ 1,000/s |`,
    `| creation → bound p50 / p99 | ${fmtMs(m((r) => r.p50))} / ${fmtMs(m((r) => r.p99))} | |`,
    `| all Deployments Available | ${fmtMs(m((r) => r.availableMs))} | |`,
    `| server RSS after | ${fmtBytes(m((r) => r.rss))} | ≤ 1 GB |`,
    `| server CPU for the run | ${fmtInt(m((r) => r.cpuMs))} ms | |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
