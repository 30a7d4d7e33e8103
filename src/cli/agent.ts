/**
 * `skiff agent`: a node joining a cluster (k3s's `k3s agent --server URL --token T`).
 * It checks the server against the token's CA hash, receives its credentials, then
 * runs the node: kubelet API, process runtime, agent.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { UsageError } from './main.js';
import { checkDataDir, parseNodeName } from './server.js';
import { stopOnSignals } from './signals.js';
import { ipFamily } from '../pki/ip.js';

export const AGENT_USAGE = `Usage: skiff agent --server URL (--token TOKEN | --token-file PATH) [flags]

Joins this machine to a cluster as a node that runs pods (the process runtime).

Flags:
  --server URL          The server, e.g. https://10.0.0.1:6443
  --token TOKEN         The join token: what 'skiff server' wrote to <data-dir>/node-token
  --token-file PATH     Read the join token from this file
  --node-name NAME      Name of this node (default: this host's name)
  --node-ip IP          Address the node's kubelet API listens on and reports; pods share
                        this host's network (default 127.0.0.1)
  --kubelet-port PORT   Port of the kubelet API (default 10250; 0: any free port)
  --data-dir PATH       Where the node keeps pod logs and state
                        (default ~/.skiff/agents/<node-name>)
  --keep-pods           Pods keep running when this agent stops; the next start adopts
                        them (the process runtime runs as 'skiff runtime' beside it)
  --log-level LEVEL     debug, info (default), warn, error
`;

export interface AgentFlags {
  server: string;
  token: string;
  nodeName: string;
  nodeIp: string;
  kubeletPort: number;
  dataDir: string;
  logLevel: string;
  keepPods: boolean;
}

export function parseAgentFlags(argv: string[]): AgentFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        server: { type: 'string', short: 's' },
        token: { type: 'string', short: 't' },
        'token-file': { type: 'string' },
        'node-name': { type: 'string' },
        'node-ip': { type: 'string' },
        'kubelet-port': { type: 'string' },
        'data-dir': { type: 'string', short: 'd' },
        'log-level': { type: 'string' },
        'keep-pods': { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see 'skiff agent --help')`);
  }
  if (!values.server) throw new UsageError("--server is required (see 'skiff agent --help')");
  if (values.token !== undefined && values['token-file'] !== undefined) throw new UsageError('give --token or --token-file, not both');
  let token = values.token;
  if (values['token-file'] !== undefined) {
    try {
      token = readFileSync(values['token-file'], 'utf8').trim();
    } catch (err) {
      throw new UsageError(`cannot read --token-file ${values['token-file']}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (!token) throw new UsageError("--token or --token-file is required (see 'skiff agent --help')");
  const nodeIp = values['node-ip'] ?? '127.0.0.1';
  if (ipFamily(nodeIp) === 0) throw new UsageError(`invalid --node-ip "${nodeIp}": must be an IP address`);
  const portText = values['kubelet-port'] ?? '10250';
  const kubeletPort = Number(portText);
  if (!/^\d+$/.test(portText) || kubeletPort > 65535) throw new UsageError(`invalid --kubelet-port "${portText}": must be a port number from 0 to 65535`);
  const logLevel = values['log-level'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new UsageError(`invalid --log-level "${logLevel}": use debug, info, warn or error`);
  const nodeName = parseNodeName(values['node-name']);
  return {
    server: values.server, token, nodeName, nodeIp, kubeletPort, logLevel, keepPods: values['keep-pods'] === true,
    dataDir: resolve(values['data-dir'] ?? join(homedir(), '.skiff', 'agents', nodeName)),
  };
}

export async function runAgent(argv: string[]): Promise<number | undefined> {
  const flags = parseAgentFlags(argv);
  checkDataDir(flags.dataDir);
  const logger = pino({ level: flags.logLevel, base: { component: 'skiff-agent' } });
  const [{ joinCluster }, { Client }, { HttpsTransport }, { runNode }] = await Promise.all([
    import('../join/client.js'), import('../client/client.js'), import('../client/https.js'), import('../node/run.js'),
  ]);
  const credentials = await joinCluster({ server: flags.server, token: flags.token, nodeName: flags.nodeName, addresses: [flags.nodeIp] });
  logger.info({ server: flags.server, node: flags.nodeName }, `joined the cluster at ${flags.server} as node ${flags.nodeName}`);
  const client = new Client(new HttpsTransport({
    server: flags.server, ca: credentials.caCert, cert: credentials.clientCert, key: credentials.clientKey, userAgent: `skiff-agent/${flags.nodeName}`,
  }));
  const node = await runNode({
    client, nodeName: flags.nodeName, dataDir: flags.dataDir, address: flags.nodeIp, kubeletPort: flags.kubeletPort,
    tls: { cert: credentials.servingCert, key: credentials.servingKey, ca: credentials.caCert },
    logger, keepPods: flags.keepPods,
  });
  stopOnSignals(logger, async () => {
    await node.stop();
    client.close();
  });
  return undefined;
}
