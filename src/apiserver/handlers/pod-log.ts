/**
 * GET `pods/{name}/log`: upstream's LogREST. The query is a PodLogOptions (validated as
 * ValidatePodLogOptions does), the container is named or the pod's only one, the pod must
 * be on a node; then the node's kubelet API (`status.addresses` InternalIP and
 * `status.daemonEndpoints.kubeletEndpoint.Port`) is asked over HTTPS with the API server's
 * kubelet client certificate, and its answer streamed back as it arrives — `kubectl logs
 * -f` follows through it. A kubelet refusal (container waiting, no previous instance)
 * reaches the client as a Status with the kubelet's code and message.
 */
import { request } from 'node:https';
import { BadRequest, Invalid, NotFound, StatusError } from '../../api/errors.js';
import type { FieldError, KObject, ResourceType } from '../../api/types.js';
import type { Node, Pod } from '../../api/objects/index.js';
import type { ResourceRequestInfo } from '../request-info.js';
import type { ApiContext, RequestScope } from '../context.js';

const INT_FIELDS = ['sinceSeconds', 'tailLines', 'limitBytes'] as const;
const BOOL_FIELDS = ['follow', 'previous', 'timestamps', 'insecureSkipTLSVerifyBackend'] as const;

/** Upstream ValidatePodLogOptions, on the query as sent. */
function validateOptions(q: URLSearchParams, name: string): URLSearchParams {
  const errs: FieldError[] = [];
  const out = new URLSearchParams();
  for (const f of INT_FIELDS) {
    const raw = q.get(f);
    if (raw === null) continue;
    if (!/^-?\d+$/.test(raw)) throw new BadRequest(`invalid value for ${f}: ${JSON.stringify(raw)}: must be an integer`);
    const v = Number(raw);
    if (f === 'tailLines' && v < 0) errs.push({ reason: 'FieldValueInvalid', field: 'tailLines', message: `Invalid value: ${v}: must be greater than or equal to 0` });
    else if (f !== 'tailLines' && v < 1) errs.push({ reason: 'FieldValueInvalid', field: f, message: `Invalid value: ${v}: must be greater than 0` });
    out.set(f, String(v));
  }
  const sinceTime = q.get('sinceTime');
  if (sinceTime !== null) {
    if (Number.isNaN(Date.parse(sinceTime))) throw new BadRequest(`invalid value for sinceTime: ${JSON.stringify(sinceTime)}: must be an RFC3339 time`);
    out.set('sinceTime', sinceTime);
  }
  if (sinceTime !== null && q.has('sinceSeconds')) errs.push({ reason: 'FieldValueForbidden', field: '', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' });
  for (const f of BOOL_FIELDS) if (q.get(f) === 'true' || q.get(f) === '1') out.set(f, 'true');
  if (errs.length) throw new Invalid('PodLogOptions', '', name, errs);
  return out;
}

/** Upstream validateContainer: the named container, or the only one. */
export function pickContainer(pod: Pod, container: string | null): string {
  const names = [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...((pod.spec.ephemeralContainers as Array<{ name: string }> | undefined) ?? [])].map((c) => c.name);
  if (!container) {
    if (pod.spec.containers.length === 1) return pod.spec.containers[0]!.name;
    if (pod.spec.containers.length === 0) throw new BadRequest(`a container name must be specified for pod ${pod.metadata.name}`);
    throw new BadRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`);
  }
  if (!names.includes(container)) throw new BadRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  return container;
}

/** Where a node's kubelet API listens, and the credentials to call it. */
export function kubeletOf(api: ApiContext, node: Node, refusal: string): { address: string; port: number; credentials: { cert: string; key: string; ca: string } } {
  const address = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? node.status?.addresses?.[0]?.address;
  const port = (node.status?.daemonEndpoints as { kubeletEndpoint?: { Port?: number } } | undefined)?.kubeletEndpoint?.Port;
  const credentials = api.kubeletClient?.();
  if (!address || !port || !credentials) throw new BadRequest(`node ${node.metadata.name} serves no kubelet API: ${refusal}`);
  return { address, port, credentials };
}

/** The node a pod runs on (BadRequest when it has none or it is gone). */
export async function nodeOfPod(api: ApiContext, pod: Pod): Promise<Node> {
  const nodeName = pod.spec.nodeName;
  if (!nodeName) throw new BadRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const nodeType = api.catalogue.byResource('', 'v1', 'nodes')!;
  try {
    return (await api.service.storage.get(nodeType, '', nodeName)) as KObject as Node;
  } catch (err) {
    if (err instanceof NotFound) throw new BadRequest(`node ${nodeName} of pod ${pod.metadata.name} does not exist`);
    throw err;
  }
}

function kubeletError(status: number, body: string, name: string): StatusError {
  const message = body.trim() || `the kubelet answered ${status}`;
  if (status === 404) return new StatusError(404, 'NotFound', message, { name, kind: 'pods/log' });
  if (status >= 400 && status < 500) return new BadRequest(message);
  return new StatusError(status >= 500 ? status : 500, 'InternalError', `error reading logs from the kubelet: ${message}`);
}

export async function handlePodLog(api: ApiContext, scope: RequestScope, podType: ResourceType, info: ResourceRequestInfo): Promise<void> {
  const q = scope.url.searchParams;
  const options = validateOptions(q, info.name);
  const pod = (await api.service.storage.get(podType, info.namespace, info.name)) as KObject as Pod;
  const container = pickContainer(pod, q.get('container'));
  const node = await nodeOfPod(api, pod);
  const nodeName = node.metadata.name;
  const { address, port, credentials } = kubeletOf(api, node, 'logs of its pods cannot be read');
  const path = `/containerLogs/${encodeURIComponent(info.namespace)}/${encodeURIComponent(info.name)}/${encodeURIComponent(container)}?${options}`;
  await new Promise<void>((resolve, reject) => {
    const upstream = request({ host: address, port, path, method: 'GET', ...credentials, rejectUnauthorized: options.get('insecureSkipTLSVerifyBackend') !== 'true' }, (res) => {
      const status = res.statusCode ?? 502;
      if (status !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(kubeletError(status, Buffer.concat(chunks).toString('utf8').slice(0, 4096), info.name)));
        res.on('error', reject);
        return;
      }
      scope.res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
      scope.res.flushHeaders();
      res.on('data', (c: Buffer) => scope.res.write(c));
      res.on('end', () => { scope.res.end(); resolve(); });
      res.on('error', () => { scope.res.destroy(); resolve(); });
    });
    // The client went away (kubectl logs -f interrupted): stop asking the kubelet.
    scope.res.on('close', () => upstream.destroy());
    upstream.on('error', (err) => {
      if (scope.res.headersSent) { scope.res.destroy(); resolve(); return; }
      reject(new StatusError(500, 'InternalError', `error reaching the kubelet of node ${nodeName}: ${err.message}`));
    });
    upstream.end();
  });
}
