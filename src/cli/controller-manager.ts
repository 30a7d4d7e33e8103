/**
 * `skiff controller-manager`: the controllers alone, against any cluster a kubeconfig
 * names, behind leader election on the Lease `kube-system/kube-controller-manager` (the
 * same Lease `skiff server` competes for, so running both is safe: one leads).
 */
import { parseClusterCidr } from './network-flags.js';
import { createHash } from 'node:crypto';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { UsageError } from './main.js';
import { stopOnSignals } from './signals.js';
import { parseDurationFlag } from './durations.js';

export const CONTROLLER_MANAGER_USAGE = `Usage: skiff controller-manager [flags]

Runs Skiff's controllers against a cluster; with leader election (the default) only one
of several copies is active at a time.

Flags:
  --kubeconfig PATH        The cluster (default $KUBECONFIG, else ~/.skiff/kubeconfig.yaml)
  --context NAME           A context of the kubeconfig other than the current one
  --controllers LIST       Comma-separated: '*' for all (default), a name to add, '-name' to leave one out
  --scheduler              Also run the scheduler (in the same leadership term)
  --leader-elect BOOL      Take part in leader election (default true)
  --node-monitor-grace-period D
                           How long a node may stay silent before it is NotReady (default 40s)
  --cluster-cidr CIDR      Where nodes' pod subnets (/24 each) come from (default 127.64.0.0/10)
  --log-level LEVEL        debug, info (default), warn, error
`;

export const LEADER_LEASE = 'kube-controller-manager';

export async function runControllerManager(argv: string[]): Promise<number | undefined> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        kubeconfig: { type: 'string' }, context: { type: 'string' }, controllers: { type: 'string' }, scheduler: { type: 'boolean' },
        'leader-elect': { type: 'string' }, 'log-level': { type: 'string' }, 'node-monitor-grace-period': { type: 'string' },
        'cluster-cidr': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see 'skiff controller-manager --help')`);
  }
  const logLevel = values['log-level'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new UsageError(`invalid --log-level "${logLevel}": use debug, info, warn or error`);
  const leaderElect = values['leader-elect'] ?? 'true';
  if (leaderElect !== 'true' && leaderElect !== 'false') throw new UsageError(`invalid --leader-elect "${leaderElect}": use true or false`);
  const nodeMonitorGracePeriodMs = parseDurationFlag('node-monitor-grace-period', values['node-monitor-grace-period'] ?? '40s');
  const clusterCIDR = parseClusterCidr(values['cluster-cidr']);
  const kubeconfig = resolve(values.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.skiff', 'kubeconfig.yaml'));

  const [{ loadKubeconfig }, { Client }, { HttpsTransport }, manager, { runElected }] = await Promise.all([
    import('../client/kubeconfig.js'), import('../client/client.js'), import('../client/https.js'),
    import('../controllers/manager.js'), import('../controllers/elected.js'),
  ]);
  let names: string[];
  try {
    names = manager.selectControllers(values.controllers?.split(',').map((s) => s.trim()).filter(Boolean));
  } catch (err) {
    throw new UsageError(`invalid --controllers: ${(err as Error).message}`);
  }
  const logger = pino({ level: logLevel, base: { component: 'skiff-controller-manager' } });
  const loaded = await loadKubeconfig(kubeconfig, { context: values.context });
  const client = new Client(new HttpsTransport({ ...loaded.transport, userAgent: 'skiff-controller-manager' }));
  const start = async () => {
    const ctx = manager.createControllerContext({ client, host: hostname(), settings: { nodeMonitorGracePeriodMs, clusterCIDR }, onError: (component, err) => logger.warn({ err: String(err) }, component) });
    const running = await manager.startControllers(ctx, names);
    const scheduler = values.scheduler ? (await import('../scheduler/index.js')).startScheduler(ctx) : undefined;
    logger.info({ controllers: names, scheduler: Boolean(scheduler) }, `running ${names.length} controller(s)${scheduler ? ' and the scheduler' : ''} against ${loaded.transport.server}`);
    return { async stop() { await scheduler?.stop(); await running.stop(); } };
  };
  let stopper: { stop(): Promise<void> };
  if (leaderElect === 'true') {
    // Stable across restarts of this copy (same host, same kubeconfig), distinct between copies elsewhere.
    const identity = `${hostname()}_${createHash('sha256').update(kubeconfig).digest('hex').slice(0, 8)}`;
    stopper = runElected({
      client, leaseName: LEADER_LEASE, identity, start,
      onLeading: (leading) => logger.info({ identity }, leading ? 'became leader' : 'lost leadership'),
      onError: (err) => logger.warn({ err: String(err) }, 'leader election'),
    });
  } else {
    stopper = await start();
  }
  stopOnSignals(logger, async () => { await stopper.stop(); client.close(); });
  return undefined;
}
