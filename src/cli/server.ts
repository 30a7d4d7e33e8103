/**
 * `skiff server`: flags named like k3s's, then credentials, store and API server.
 */
import { mkdirSync, accessSync, constants } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startCluster } from './cluster.js';
import { UsageError } from './main.js';
import { stopOnSignals } from './signals.js';
import { selectControllers } from '../controllers/manager.js';
import { parseDurationFlag, parseSecondsFlag } from './durations.js';
import { parseClusterCidr } from './network-flags.js';

export const SERVER_USAGE = `Usage: skiff server [flags]

Flags:
  --data-dir PATH              Where state, credentials and the kubeconfig live (default ~/.skiff)
  --https-listen-port PORT     API server port (default 6443)
  --bind-address ADDRESS       Address to listen on (default 127.0.0.1)
  --datastore-endpoint URL     etcd://host:port[,host:port] for etcd; default: SQLite in the data dir
  --write-kubeconfig PATH      Also write the admin kubeconfig here
  --simulated-nodes N          Register N simulated nodes (nothing runs on them; default 0)
  --disable-scheduler          Do not run the scheduler (pods stay Pending unless bound otherwise)
  --controllers LIST           Controllers to run: '*' all (default), a name to add, '-name' to leave
                               one out, '' none (then run them with 'skiff controller-manager')
  --node-monitor-grace-period D
                               How long a node may stay silent before it is NotReady (default 40s)
  --default-not-ready-toleration-seconds N
  --default-unreachable-toleration-seconds N
                               How long pods stay on a not-ready / unreachable node before
                               eviction, unless they say otherwise (default 300)
  --disable-agent              Run no local node agent: a control plane whose only nodes are
                               simulated or join later (k3s's flag)
  --node-name NAME             Name of the local node (default: this host's name)
  --cluster-cidr CIDR          Pod addresses: each node gets a /24 of it (default 127.64.0.0/10,
                               a loopback range: pods of the process runtime share the host's
                               network, and no address of theirs can route off the machine)
  --keep-pods                  The local node's pods keep running when the server stops; the
                               next start adopts them ('skiff runtime' runs beside it)
  --log-level LEVEL            debug, info (default), warn, error
`;

export interface ServerFlags {
  dataDir: string;
  port: number;
  bindAddress: string;
  datastoreEndpoint?: string;
  writeKubeconfig?: string;
  logLevel: string;
  simulatedNodes: number;
  scheduler: boolean;
  controllers: string[];
  disableAgent: boolean;
  nodeName: string;
  keepPods: boolean;
  nodeMonitorGracePeriodMs: number;
  clusterCIDR: string;
  defaultTolerationSeconds: { notReadySeconds: number; unreachableSeconds: number };
}

export function parseServerFlags(argv: string[]): ServerFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string', short: 'd' },
        'https-listen-port': { type: 'string' },
        'bind-address': { type: 'string' },
        'datastore-endpoint': { type: 'string' },
        'write-kubeconfig': { type: 'string', short: 'o' },
        'log-level': { type: 'string' },
        'simulated-nodes': { type: 'string' },
        'disable-scheduler': { type: 'boolean' },
        controllers: { type: 'string' },
        'disable-agent': { type: 'boolean' },
        'node-name': { type: 'string' },
        'keep-pods': { type: 'boolean' },
        'node-monitor-grace-period': { type: 'string' },
        'cluster-cidr': { type: 'string' },
        'default-not-ready-toleration-seconds': { type: 'string' },
        'default-unreachable-toleration-seconds': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see 'skiff server --help')`);
  }
  const portText = values['https-listen-port'] ?? '6443';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new UsageError(`invalid --https-listen-port "${portText}": must be a port number between 1 and 65535`);
  const logLevel = values['log-level'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new UsageError(`invalid --log-level "${logLevel}": use debug, info, warn or error`);
  const bindAddress = values['bind-address'] ?? '127.0.0.1';
  const simText = values['simulated-nodes'] ?? '0';
  if (!/^\d+$/.test(simText) || Number(simText) > 100_000) throw new UsageError(`invalid --simulated-nodes "${simText}": must be a number from 0 to 100000`);
  const controllers = (values.controllers ?? '*').split(',').map((c) => c.trim()).filter(Boolean);
  try {
    selectControllers(controllers);
  } catch (err) {
    throw new UsageError(`invalid --controllers: ${(err as Error).message}`);
  }
  return {
    dataDir: resolve(values['data-dir'] ?? join(homedir(), '.skiff')),
    port,
    bindAddress,
    datastoreEndpoint: values['datastore-endpoint'],
    writeKubeconfig: values['write-kubeconfig'] ? resolve(values['write-kubeconfig']) : undefined,
    logLevel,
    simulatedNodes: Number(simText),
    scheduler: !values['disable-scheduler'],
    controllers,
    disableAgent: values['disable-agent'] === true,
    nodeName: parseNodeName(values['node-name']),
    keepPods: values['keep-pods'] === true,
    nodeMonitorGracePeriodMs: parseDurationFlag('node-monitor-grace-period', values['node-monitor-grace-period'] ?? '40s'),
    clusterCIDR: parseClusterCidr(values['cluster-cidr']),
    defaultTolerationSeconds: {
      notReadySeconds: parseSecondsFlag('default-not-ready-toleration-seconds', values['default-not-ready-toleration-seconds'] ?? '300'),
      unreachableSeconds: parseSecondsFlag('default-unreachable-toleration-seconds', values['default-unreachable-toleration-seconds'] ?? '300'),
    },
  };
}

/** A node is named by a DNS subdomain; the host's name is made into one (k3s does the same). */
export function parseNodeName(flag: string | undefined): string {
  if (flag !== undefined) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(flag) || flag.length > 253) {
      throw new UsageError(`invalid --node-name "${flag}": must be a lowercase DNS subdomain (letters, digits, '-' and '.')`);
    }
    return flag;
  }
  const name = hostname().toLowerCase().replace(/[^-a-z0-9.]/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 253);
  return name || 'skiff-node';
}

export function checkDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const reason = ({ EEXIST: 'it exists and is not a directory', ENOTDIR: 'a parent path is not a directory', EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system' } as Record<string, string>)[code] ?? (err as Error).message;
    throw new Error(`data dir ${dir} is not usable: ${reason}`);
  }
}

export async function runServer(argv: string[]): Promise<number | undefined> {
  const flags = parseServerFlags(argv);
  checkDataDir(flags.dataDir);
  const logger = pino({ level: flags.logLevel, base: { component: 'skiff' } });
  const cluster = await startCluster({ ...flags, logger, agent: flags.disableAgent ? undefined : { nodeName: flags.nodeName, keepPods: flags.keepPods } });
  // bin/skiff.cjs saves its V8 code cache after this: the run has compiled what start-up needs.
  process.emit('skiff:started' as never);
  stopOnSignals(logger, () => cluster.stop());
  return undefined;
}
