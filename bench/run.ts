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

const [name, ...rest] = process.argv.slice(2);
switch (name) {
  case 'api':
    try {
      await runApiBench(rest);
    } catch (err) {
      process.stderr.write(`bench api: ${(err as Error).stack ?? err}\n`);
      process.exitCode = 1;
    }
    break;
  case 'scheduler':
    try {
      await runSchedulerBench(rest);
    } catch (err) {
      process.stderr.write(`bench scheduler: ${(err as Error).stack ?? err}\n`);
      process.exitCode = 1;
    }
    break;
  case 'pods':
    try {
      await runPodsBench(rest);
    } catch (err) {
      process.stderr.write(`bench pods: ${(err as Error).stack ?? err}\n`);
      process.exitCode = 1;
    }
    break;
  case undefined:
  case 'help':
  case '--help':
  case '-h':
    process.stdout.write(USAGE);
    break;
  default:
    process.stderr.write(`unknown benchmark "${name}"\n\n${USAGE}`);
    process.exitCode = 2;
}
