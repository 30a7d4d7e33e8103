/**
 * `skiff runtime`: the process runtime in a process of its own, served on a unix socket,
 * so that pods keep running while the agent (`skiff server` or `skiff agent` with
 * `--keep-pods`) restarts; the agent starts it when none answers on the socket. It runs
 * until it gets SIGTERM or SIGINT, which stops every container it runs.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { UsageError } from './main.js';
import { stopOnSignals } from './signals.js';

export const RUNTIME_USAGE = `Usage: skiff runtime --socket PATH --state-dir PATH [--cgroup-subtree NAME]

Runs the process runtime alone, serving it on a unix socket (started by agents with --keep-pods).

Flags:
  --socket PATH          The unix socket to serve on (mode 600)
  --state-dir PATH       Where running containers' process groups are recorded
  --cgroup-subtree NAME  Containers' cgroups go under this subtree of ours (default skiff)
`;

export async function runRuntime(argv: string[]): Promise<number | undefined> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { socket: { type: 'string' }, 'state-dir': { type: 'string' }, 'cgroup-subtree': { type: 'string' } } }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see 'skiff runtime --help')`);
  }
  if (!values.socket || !values['state-dir']) throw new UsageError("--socket and --state-dir are required (see 'skiff runtime --help')");
  const logger = pino({ base: { component: 'skiff-runtime' } });
  const [{ createProcessRuntime, openCgroups }, { serveRuntime }] = await Promise.all([import('../node/runtime/process/index.js'), import('../node/runtime/remote/server.js')]);
  const runtime = createProcessRuntime({
    stateDir: values['state-dir'], cgroups: openCgroups(values['cgroup-subtree'] ?? 'skiff'),
    onError: (err) => logger.warn({ err: String(err) }, 'process runtime'),
  });
  const server = await serveRuntime(runtime, values.socket);
  logger.info({ socket: values.socket }, `process runtime serving on ${values.socket}`);
  stopOnSignals(logger, async () => {
    await runtime.close({ killAll: true });
    await server.stop();
  });
  return undefined;
}
