/**
 * `nodes/proxy`: `/api/v1/nodes/<name>/proxy/<path>` passed to the node's kubelet API
 * with the API server's kubelet client certificate (what `kubectl get --raw
 * /api/v1/nodes/n/proxy/stats/summary` and metrics-server use), the kubelet's answer
 * streamed back as it comes: status, content type and body.
 */
import { request } from 'node:https';
import { StatusError } from '../../api/errors.js';
import type { KObject } from '../../api/types.js';
import type { Node } from '../../api/objects/index.js';
import type { ResourceRequestInfo } from '../request-info.js';
import type { ApiContext, RequestScope } from '../context.js';
import { kubeletOf } from './kubelet.js';

/** Headers of the kubelet's answer that mean something to the client; hop-by-hop ones stay behind. */
const PASSED = ['content-type', 'content-encoding', 'cache-control', 'date'];

export async function handleNodeProxy(api: ApiContext, scope: RequestScope, info: ResourceRequestInfo): Promise<void> {
  const nodeType = api.catalogue.byResource('', 'v1', 'nodes')!;
  const node = (await api.service.storage.get(nodeType, '', info.name)) as KObject as Node;
  const { address, port, credentials } = kubeletOf(api, node, 'there is nothing to proxy to');
  const path = `/${info.rest.map(encodeURIComponent).join('/')}${scope.url.search}`;
  await new Promise<void>((resolve, reject) => {
    const upstream = request({
      host: address, port, path, method: scope.req.method, ...credentials, servername: undefined,
      headers: { ...(scope.req.headers['content-type'] ? { 'content-type': scope.req.headers['content-type'] } : {}), accept: scope.req.headers.accept ?? '*/*' },
    }, (res) => {
      const headers: Record<string, string> = {};
      for (const name of PASSED) {
        const v = res.headers[name];
        if (typeof v === 'string') headers[name] = v;
      }
      scope.res.writeHead(res.statusCode ?? 502, headers);
      res.pipe(scope.res);
      res.on('end', resolve);
      res.on('error', () => { scope.res.destroy(); resolve(); });
    });
    upstream.on('error', (err) => {
      if (scope.res.headersSent) return void (scope.res.destroy(), resolve());
      reject(new StatusError(503, 'ServiceUnavailable', `error trying to reach service: ${err.message}`));
    });
    scope.res.on('close', () => upstream.destroy());
    scope.req.pipe(upstream);
  });
}
