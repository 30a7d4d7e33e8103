/**
 * `skiff logs`: the stern workflow. Every container of every pod whose name matches a
 * regular expression is followed at once, each pod in its own colour; pods that appear
 * later, and containers that restart, are picked up as they start. Lines come through
 * the API server's `pods/log` like kubectl's, so it works against any cluster.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ContainerStatus, Pod } from '../api/objects/index.js';
import { UsageError } from './main.js';
import { parseDurationFlag } from './durations.js';

export const LOGS_USAGE = `Usage: skiff logs POD-REGEX [flags]

Follows every container of every pod whose name matches POD-REGEX, including pods that
appear later and containers that restart.

Flags:
  -c, --container REGEX    Only containers whose name matches (default: all)
  -n, --namespace NS       Namespace (default: the kubeconfig context's)
  -A, --all-namespaces     Pods of every namespace
      --since DURATION     Only lines newer than this, e.g. 30s, 5m, 1h (default 48h)
  -t, --timestamps         Print each line's timestamp
      --tail N             Start with the last N lines of each log (default: all within --since)
      --json               One JSON object per line: namespace, pod, container, timestamp, message
      --kubeconfig PATH    The cluster (default $KUBECONFIG, else ~/.skiff/kubeconfig.yaml)
      --context NAME       A context of the kubeconfig other than the current one
`;

const COLOURS = [32, 33, 34, 35, 36, 31, 92, 93, 94, 95, 96];

export interface LogLine {
  namespace: string;
  pod: string;
  container: string;
  timestamp: string;
  message: string;
}

/** How a line is printed: plain (`pod container message`, coloured on a terminal) or JSON. */
export function formatLine(line: LogLine, o: { json: boolean; timestamps: boolean; colour?: number; allNamespaces: boolean }): string {
  if (o.json) return JSON.stringify(line);
  const who = `${o.allNamespaces ? `${line.namespace} ` : ''}${line.pod} ${line.container}`;
  const prefix = o.colour === undefined ? who : `\u001b[${o.colour}m${who}\u001b[0m`;
  return `${prefix} ${o.timestamps ? `${line.timestamp} ` : ''}${line.message}`;
}

function compile(flag: string, text: string): RegExp {
  try {
    return new RegExp(text);
  } catch (err) {
    throw new UsageError(`invalid ${flag} "${text}": ${(err as Error).message}`);
  }
}

/** Instances worth following: running, or finished with logs still there. */
function followable(statuses: ContainerStatus[] | undefined): ContainerStatus[] {
  return (statuses ?? []).filter((s) => s.containerID && (s.state?.running || s.state?.terminated));
}

export async function runLogs(argv: string[]): Promise<number | undefined> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        container: { type: 'string', short: 'c' }, namespace: { type: 'string', short: 'n' }, 'all-namespaces': { type: 'boolean', short: 'A' },
        since: { type: 'string' }, timestamps: { type: 'boolean', short: 't' }, tail: { type: 'string' }, json: { type: 'boolean' },
        kubeconfig: { type: 'string' }, context: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see 'skiff logs --help')`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`give one pod name pattern (see 'skiff logs --help')`);
  const podPattern = compile('pod pattern', positionals[0]!);
  const containerPattern = compile('--container', values.container ?? '.*');
  const sinceSeconds = Math.max(1, Math.ceil(parseDurationFlag('since', values.since ?? '48h') / 1000));
  if (values.tail !== undefined && !/^\d+$/.test(values.tail)) throw new UsageError(`invalid --tail "${values.tail}": must be a whole number of lines`);
  const json = values.json === true;
  const allNamespaces = values['all-namespaces'] === true;
  const kubeconfig = resolve(values.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.skiff', 'kubeconfig.yaml'));

  const [{ loadKubeconfig }, { Client }, { HttpsTransport }, { Informer, objectKey }, { resources }] = await Promise.all([
    import('../client/kubeconfig.js'), import('../client/client.js'), import('../client/https.js'), import('../client/informer.js'), import('../client/resources.js'),
  ]);
  const loaded = await loadKubeconfig(kubeconfig, { context: values.context });
  const transport = new HttpsTransport({ ...loaded.transport, userAgent: 'skiff-logs' });
  const client = new Client(transport);
  const namespace = allNamespaces ? undefined : values.namespace ?? loaded.namespace;
  const colours = new Map<string, number>();
  const colourOf = (podKey: string) => {
    if (!process.stdout.isTTY || json) return undefined;
    if (!colours.has(podKey)) colours.set(podKey, COLOURS[colours.size % COLOURS.length]!);
    return colours.get(podKey);
  };
  /** Streams by `<pod uid>/<container>/<containerID>`: one per instance, never two. */
  const streams = new Map<string, { stop(): void }>();
  const follow = (pod: Pod, container: string, containerID: string) => {
    const key = `${pod.metadata.uid}/${container}/${containerID}`;
    if (streams.has(key)) return;
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    streams.set(key, { stop: () => undefined });
    const colour = colourOf(objectKey(pod));
    transport.streamLines({
      path: `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/log`,
      query: { container, follow: true, timestamps: true, sinceSeconds, tailLines: values.tail },
    }, {
      onLine: (text) => {
        const space = text.indexOf(' ');
        const line: LogLine = { namespace: ns, pod: name, container, timestamp: space > 0 ? text.slice(0, space) : '', message: space > 0 ? text.slice(space + 1) : text };
        process.stdout.write(`${formatLine(line, { json, timestamps: values.timestamps === true, colour, allNamespaces })}\n`);
      },
      // The instance ended: its key stays taken, so a restart (a new containerID) is followed anew.
      onEnd: () => undefined,
    }).then((handle) => streams.set(key, handle), (err: Error) => {
      // Not startable yet (e.g. the container is still being created): the next pod update retries.
      streams.delete(key);
      if (!/waiting to start/.test(err.message)) process.stderr.write(`skiff logs: ${ns}/${name} ${container}: ${err.message}\n`);
    });
  };
  const consider = (pod: Pod) => {
    if (!podPattern.test(pod.metadata.name ?? '')) return;
    for (const s of [...followable(pod.status?.initContainerStatuses), ...followable(pod.status?.containerStatuses)]) {
      if (containerPattern.test(s.name)) follow(pod, s.name, s.containerID!);
    }
  };
  const informer = new Informer<Pod>(client.resource<Pod>(resources.pods), { namespace });
  informer.addHandler({ add: consider, update: (_old, pod) => consider(pod) });
  informer.start();
  await informer.waitForSync();
  // Runs until interrupted (Ctrl-C ends the process, as with stern and kubectl logs -f).
  await new Promise<never>(() => undefined);
  return 0;
}
