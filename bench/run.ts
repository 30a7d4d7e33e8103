/**
 * Benchmark entry: `npm run bench -- <name> [flags]`.
 *
 *   api        the API server over HTTPS on SQLite and etcd, beside same-run floors (bench/api/)
 *   scheduler  scheduler and controllers with simulated nodes (bench/scheduler/)
 *   pods       105 pods on one node with the process runtime (bench/pods/)
 *
 * The store-level benchmarks run on their own: `node --import tsx bench/store-sqlite.ts`
 * and `node --import tsx bench/store-etcd.ts`.
 */
import { API_BENCH_USAGE, runApiBench } from './api/main.js';
import { runSchedulerBench, SCHEDULER_BENCH_USAGE } from './scheduler/main.js';
import { PODS_BENCH_USAGE, runPodsBench } from './pods/main.js';

const USAGE = `Usage: npm run bench -- <benchmark> [flags]

Benchmarks:
  api        the API server: creates/s, LIST, watch fan-out, start-up, RSS (see docs/benchmarks.md)
  scheduler  pods bound/s, creation→bound latency, Deployments Available, with simulated nodes
  pods       105 pods on one node: creation→Running, steady-state CPU and RSS

${API_BENCH_USAGE}
${SCHEDULER_BENCH_USAGE}
${PODS_BENCH_USAGE}`;

const BENCHES: Record<string, (argv: string[]) => Promise<void>> = { api: runApiBench, scheduler: runSchedulerBench, pods: runPodsBench };

const [name, ...rest] = process.argv.slice(2);
const run = name === undefined ? undefined : BENCHES[name];
if (run) {
  try {
    await run(rest);
  } catch (err) {
    process.stderr.write(`bench ${name}: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  }
} else if (name === undefined || ['help', '--help', '-h'].includes(name)) {
  process.stdout.write(USAGE);
} else {
  process.stderr.write(`unknown benchmark "${name}"\n\n${USAGE}`);
  process.exitCode = 2;
}
