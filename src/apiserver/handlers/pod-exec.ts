/**
 * `pods/exec` upgrades (kubectl exec over WebSocket): checked here as upstream's
 * ExecREST does — the pod exists and is not finished, the container is named or the
 * only one, the caller may `create pods/exec` — then the upgrade is handed to the node's
 * kubelet API as it came (upstream's UpgradeAwareHandler): a TLS connection with the API
 * server's kubelet client certificate, the request re-sent for `/exec/…`, and the two
 * sockets joined, 101 and all. Refusals are ordinary Status answers, so kubectl reports
 * them (and falls back to SPDY, which is not spoken yet).
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
import { kubeletOf, nodeOfPod, pickContainer } from './pod-log.js';

/** Headers of a WebSocket handshake that the kubelet must see. */
const FORWARDED = ['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions'];

export async function proxyExecUpgrade(api: ApiContext, req: IncomingMessage, socket: Duplex, head: Buffer, info: ResourceRequestInfo, url: URL, user: UserInfo): Promise<void> {
  if (info.resource !== 'pods' || info.group !== '' || info.subresource !== 'exec' || !info.name) throw new NotFound('pods', '', info.name);
  if (!/websocket/i.test(req.headers.upgrade ?? '')) {
    throw new BadRequest(`exec over ${req.headers.upgrade ?? 'this protocol'} is not supported yet: Skiff speaks the WebSocket protocol of kubectl 1.30 and newer`);
  }
  const decision = api.authorizer.authorize({ user, verb: 'create', apiGroup: '', resource: 'pods', subresource: 'exec', namespace: info.namespace, name: info.name, path: url.pathname, resourceRequest: true });
  if (!decision.allowed) throw new Forbidden(`pods "${info.name}" is forbidden: User "${user.username}" cannot create resource "pods/exec" in API group "" in the namespace "${info.namespace}"`);
  const podType = api.catalogue.byResource('', 'v1', 'pods')!;
  const pod = (await api.service.storage.get(podType, info.namespace, info.name)) as KObject as Pod;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new BadRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const container = pickContainer(pod, url.searchParams.get('container'));
  if (!url.searchParams.getAll('command').length) throw new BadRequest('you must specify at least 1 command');
  const node = await nodeOfPod(api, pod);
  const { address, port, credentials } = kubeletOf(api, node, 'its pods cannot be exec-ed into');
  const query = new URLSearchParams(url.searchParams);
  query.delete('container');
  const path = `/exec/${encodeURIComponent(info.namespace)}/${encodeURIComponent(info.name)}/${encodeURIComponent(container)}?${query}`;
  await new Promise<void>((resolve, reject) => {
    const upstream = connect({ host: address, port, ...credentials, servername: undefined }, () => {
      const lines = [`GET ${path} HTTP/1.1`, `Host: ${address}:${port}`];
      for (const name of FORWARDED) {
        const v = req.headers[name];
        if (v !== undefined) lines.push(`${name}: ${Array.isArray(v) ? v.join(', ') : v}`);
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
