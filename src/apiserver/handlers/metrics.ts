/**
 * metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics, what `kubectl top` reads — served
 * by the API server itself where clusters usually run metrics-server behind an
 * aggregated API. Each request asks the kubelet API of the nodes concerned for its
 * Summary (`/stats/summary`) and answers in metrics-server's shapes: CPU in nanocores
 * over the agent's sampling window, memory as the working set. Nodes without a kubelet
 * API (simulated ones) or not answering have no metrics, as with metrics-server.
 */
import { request } from 'node:https';
import { NotFound } from '../../api/errors.js';
import type { KObject, ResourceType } from '../../api/types.js';
import type { Node, Pod } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import type { ResourceRequestInfo } from '../request-info.js';
import type { ApiContext, RequestScope } from '../context.js';
import { parseLabelSelector } from '../selectors/labels.js';
import { send } from './respond.js';
import { kubeletEndpoint } from './kubelet.js';

interface Usage { cpu: { time: string; usageNanoCores: number }; memory: { workingSetBytes: number } }
interface Summary {
  node: Usage;
  pods: Array<{ podRef: { name: string; namespace: string }; containers: Array<{ name: string } & Usage> }>;
}

/** The agent samples every 5 s; metrics-server reports its scrape window the same way. */
const WINDOW = '5s';
const TIMEOUT_MS = 5_000;

const usage = (u: Usage) => ({ cpu: `${Math.round(u.cpu.usageNanoCores)}n`, memory: `${Math.round(u.memory.workingSetBytes / 1024)}Ki` });

function fetchSummary(api: ApiContext, node: Node): Promise<Summary | undefined> {
  const endpoint = kubeletEndpoint(api, node);
  if (!endpoint) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const req = request({ host: endpoint.address, port: endpoint.port, path: '/stats/summary', method: 'GET', ...endpoint.credentials, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Summary) : undefined);
        } catch {
          resolve(undefined);
        }
      });
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

export async function handleMetrics(api: ApiContext, scope: RequestScope, rt: ResourceType, info: ResourceRequestInfo): Promise<void> {
  if (info.verb !== 'get' && info.verb !== 'list') throw new NotFound(rt.plural, rt.group, info.name);
  const labelSelector = parseLabelSelector(scope.url.searchParams.get('labelSelector') ?? undefined);
  const nodeType = api.catalogue.byResource('', 'v1', 'nodes')!;
  const apiVersion = `${rt.group}/${rt.version}`;
  const now = metaTime(api.clock());
  let items: KObject[];
  if (rt.kind === 'NodeMetrics') {
    const nodes = (info.name ? [await api.service.storage.get(nodeType, '', info.name)] : (await api.service.storage.list(nodeType, '', { labelSelector })).items) as Node[];
    const summaries = await Promise.all(nodes.map((n) => fetchSummary(api, n)));
    items = nodes.flatMap((n, i) => {
      const s = summaries[i];
      return s ? [{ kind: 'NodeMetrics', apiVersion, metadata: { name: n.metadata.name, creationTimestamp: now, labels: n.metadata.labels }, timestamp: s.node.cpu.time, window: WINDOW, usage: usage(s.node) }] : [];
    });
  } else {
    const podType = api.catalogue.byResource('', 'v1', 'pods')!;
    const pods = (info.name ? [await api.service.storage.get(podType, info.namespace, info.name)] : (await api.service.storage.list(podType, info.namespace, { labelSelector })).items) as Pod[];
    const nodeNames = [...new Set(pods.map((p) => p.spec.nodeName).filter((n): n is string => !!n))];
    const nodes = (await Promise.all(nodeNames.map((n) => api.service.storage.get(nodeType, '', n).catch(() => undefined)))).filter(Boolean) as Node[];
    const summaries = (await Promise.all(nodes.map((n) => fetchSummary(api, n)))).filter((s): s is Summary => !!s);
    const byPod = new Map(summaries.flatMap((s) => s.pods.map((p) => [`${p.podRef.namespace}/${p.podRef.name}`, p] as const)));
    items = pods.flatMap((p) => {
      const stats = byPod.get(`${p.metadata.namespace}/${p.metadata.name}`);
      if (!stats) return [];
      return [{
        kind: 'PodMetrics', apiVersion,
        metadata: { name: p.metadata.name, namespace: p.metadata.namespace, creationTimestamp: now, labels: p.metadata.labels },
        timestamp: stats.containers[0]?.cpu.time ?? now, window: WINDOW,
        containers: stats.containers.map((c) => ({ name: c.name, usage: usage(c) })),
      }];
    });
  }
  if (info.name) {
    if (!items.length) throw new NotFound(rt.plural, rt.group, info.name);
    return send(scope, 200, items[0]);
  }
  send(scope, 200, { kind: `${rt.kind}List`, apiVersion, metadata: {}, items });
}
