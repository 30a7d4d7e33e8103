/**
 * The streaming subresources `pods/exec`, `pods/attach` and `pods/portforward`: each
 * upgrade is checked here as upstream's ExecREST, AttachREST and PortForwardREST do — the
 * pod exists, exec and attach only into an unfinished pod, the container is named or
 * defaulted, the caller may `create` the subresource — then handed to the node's kubelet
 * API as it came (upstream's UpgradeAwareHandler): a TLS connection with the API
 * server's kubelet client certificate, the request re-sent for the kubelet's path, and
 * the two sockets joined, 101 and all. Both upgrade protocols pass through untouched:
 * SPDY/3.1 (kubectl up to 1.29, and the fallback of newer ones) and WebSocket. Refusals
 * are ordinary Status answers, so kubectl reports them.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect } from 'node:tls';
import { BadRequest, Forbidden, NotFound, StatusError } from '../../api/errors.js';
import type { KObject } from '../../api/types.js';
import type { Pod } from '../../api/objects/index.js';
import type { ResourceRequestInfo } from '../request-info.js';
import type { ApiContext } from '../context.js';
import type { UserInfo } from '../auth/index.js';
import { kubeletOf, nodeOfPod, pickContainer } from './kubelet.js';

export const STREAMING_SUBRESOURCES = ['exec', 'attach', 'portforward'];

/** Headers of the upgrade that the kubelet must see (WebSocket handshake, SPDY protocol offers). */
const FORWARDED = ['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions', 'x-stream-protocol-version'];

/** Where the kubelet serves the subresource, and what the pod must allow first. */
async function kubeletPath(pod: Pod, sub: string, url: URL): Promise<string> {
  const { namespace, name } = pod.metadata as { namespace: string; name: string };
  const at = `${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  if (sub === 'portforward') return `/portForward/${at}?${url.searchParams}`;
  const phase = pod.status?.phase;
  const verb = sub === 'exec' ? 'exec into' : 'attach to';
  if (phase === 'Succeeded' || phase === 'Failed') throw new BadRequest(`cannot ${verb} a container in a completed pod; current phase is ${phase}`);
  const container = pickContainer(pod, url.searchParams.get('container'));
  if (sub === 'exec' && !url.searchParams.getAll('command').length) throw new BadRequest('you must specify at least 1 command');
  const query = new URLSearchParams(url.searchParams);
  query.delete('container');
  return `/${sub}/${at}/${encodeURIComponent(container)}?${query}`;
}

export async function proxyPodUpgrade(api: ApiContext, req: IncomingMessage, socket: Duplex, head: Buffer, info: ResourceRequestInfo, url: URL, user: UserInfo): Promise<void> {
  const sub = info.subresource;
  if (info.resource !== 'pods' || info.group !== '' || !STREAMING_SUBRESOURCES.includes(sub) || !info.name) throw new NotFound('pods', '', info.name);
  const decision = api.authorizer.authorize({ user, verb: 'create', apiGroup: '', resource: 'pods', subresource: sub, namespace: info.namespace, name: info.name, path: url.pathname, resourceRequest: true });
  if (!decision.allowed) throw new Forbidden(`pods "${info.name}" is forbidden: User "${user.username}" cannot create resource "pods/${sub}" in API group "" in the namespace "${info.namespace}"`);
  const podType = api.catalogue.byResource('', 'v1', 'pods')!;
  const pod = (await api.service.storage.get(podType, info.namespace, info.name)) as KObject as Pod;
  const path = await kubeletPath(pod, sub, url);
  const node = await nodeOfPod(api, pod);
  const { address, port, credentials } = kubeletOf(api, node, sub === 'portforward' ? 'its pods\' ports cannot be forwarded' : `its pods cannot be ${sub === 'exec' ? 'exec-ed into' : 'attached to'}`);
  await new Promise<void>((resolve, reject) => {
    const upstream = connect({ host: address, port, ...credentials, servername: undefined }, () => {
      const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${address}:${port}`];
      for (const name of FORWARDED) {
        for (const value of req.headersDistinct[name] ?? []) lines.push(`${name}: ${value}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
      resolve();
    });
    upstream.on('error', (err) => {
      if (upstream.readyState === 'opening' || !socket.writable) return reject(new StatusError(500, 'InternalError', `error dialing the kubelet of node ${node.metadata.name}: ${err.message}`));
      socket.destroy();
    });
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
  });
}
