/**
 * `skiff sim`: registers simulated nodes with any Kubernetes API server (a kubeconfig
 * names it) and keeps their leases renewed until stopped.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { UsageError } from './main.js';
import { stopOnSignals } from './signals.js';
import { parsePairs, parseTaints } from './node-specs.js';

export const SIM_USAGE = `Usage: skiff sim [flags]

Registers simulated nodes (nothing runs on them) and keeps them alive until stopped.

Flags:
  --kubeconfig PATH        The cluster to join (default $KUBECONFIG, else ~/.skiff/kubeconfig.yaml)
  --context NAME           A context of the kubeconfig other than the current one
  --nodes N                How many nodes (default 1)
  --name-prefix PREFIX     Node names are PREFIX0, PREFIX1, … (default sim-node-)
  --capacity LIST          Per node, e.g. cpu=8,memory=32Gi,pods=110 (default cpu=32,memory=256Gi,pods=110)
  --labels LIST            Extra node labels, e.g. topology.kubernetes.io/zone=a,disk=ssd
  --taints LIST            Node taints, e.g. dedicated=gpu:NoSchedule,maintenance:NoExecute
  --log-level LEVEL        debug, info (default), warn, error
`;

export async function runSim(argv: string[]): Promise<number | undefined> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        kubeconfig: { type: 'string' }, context: { type: 'string' }, nodes: { type: 'string' },
        'name-prefix': { type: 'string' }, 'log-level': { type: 'string' },
        capacity: { type: 'string' }, labels: { type: 'string' }, taints: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see 'skiff sim --help')`);
  }
  const nodesText = values.nodes ?? '1';
  if (!/^\d+$/.test(nodesText) || Number(nodesText) < 1 || Number(nodesText) > 100_000) throw new UsageError(`invalid --nodes "${nodesText}": must be a number from 1 to 100000`);
  const logLevel = values['log-level'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new UsageError(`invalid --log-level "${logLevel}": use debug, info, warn or error`);
  const capacity = values.capacity === undefined ? undefined : parsePairs('capacity', values.capacity);
  const labels = values.labels === undefined ? undefined : parsePairs('labels', values.labels);
  const taints = values.taints === undefined ? undefined : parseTaints(values.taints);
  const kubeconfig = resolve(values.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.skiff', 'kubeconfig.yaml'));

  const [{ loadKubeconfig }, { Client }, { HttpsTransport }, { startSimulatedNodes }] = await Promise.all([
    import('../client/kubeconfig.js'), import('../client/client.js'), import('../client/https.js'), import('../node/simulated/nodes.js'),
  ]);
  const logger = pino({ level: logLevel, base: { component: 'skiff-sim' } });
  const loaded = await loadKubeconfig(kubeconfig, { context: values.context });
  const client = new Client(new HttpsTransport({ ...loaded.transport, userAgent: 'skiff-sim' }));
  const nodes = await startSimulatedNodes({
    client, count: Number(nodesText), namePrefix: values['name-prefix'], capacity, labels, taints,
    onError: (err) => logger.warn({ err: String(err) }, 'lease renewal failed'),
  });
  logger.info({ server: loaded.transport.server, nodes: nodes.names.length }, `${nodes.names.length} simulated node(s) registered with ${loaded.transport.server}`);
  stopOnSignals(logger, async () => { await nodes.stop(); client.close(); });
  return undefined;
}
