/**
 * Joining a node (`skiff agent --server URL --token T`), outside the Kubernetes API:
 * `GET /skiff/v1/cacerts` gives anyone the cluster CA (the agent checks it against the
 * hash in its token before trusting the server), and `POST /skiff/v1/join` with the
 * token's secret as bearer gives the node its credentials — a client certificate as
 * `system:node:<name>` in `system:nodes` and a serving certificate for its kubelet API.
 * k3s serves the same steps under `/cacerts` and `/v1-k3s/`.
 */
import { BadRequest, MethodNotAllowed, NotFound, StatusError } from '../../api/errors.js';
import { isDNS1123Subdomain } from '../../api/validation/names.js';
import { secretsEqual } from '../../join/token.js';
import { ipFamily } from '../../pki/ip.js';
import { bearerToken } from '../auth/index.js';
import { readBody, writeJson } from '../http.js';
import type { RequestScope } from '../context.js';

export const JOIN_PATH = /^\/skiff\/v1\//;

export interface NodeCredentials {
  caCert: string;
  clientCert: string;
  clientKey: string;
  servingCert: string;
  servingKey: string;
}

export interface JoinService {
  caCert: string;
  /** The secret part of the join token. */
  secret: string;
  issue(nodeName: string, addresses: string[]): NodeCredentials;
}

export interface JoinRequest {
  nodeName: string;
  /** IP addresses the node's kubelet API is reached at (its serving certificate names them). */
  addresses: string[];
}

function parseJoinRequest(raw: Buffer): JoinRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadRequest('the join request is not JSON');
  }
  const { nodeName, addresses } = (body ?? {}) as { nodeName?: unknown; addresses?: unknown };
  if (typeof nodeName !== 'string') throw new BadRequest('nodeName: Required value');
  const invalid = isDNS1123Subdomain(nodeName);
  if (invalid.length) throw new BadRequest(`nodeName: Invalid value: "${nodeName}": ${invalid.join('; ')}`);
  if (!Array.isArray(addresses) || !addresses.length || addresses.length > 16) throw new BadRequest('addresses: between 1 and 16 IP addresses are required');
  for (const a of addresses) {
    if (typeof a !== 'string' || ipFamily(a) === 0) throw new BadRequest(`addresses: Invalid value: ${JSON.stringify(a)}: must be an IP address`);
  }
  return { nodeName, addresses };
}

export async function handleJoin(scope: RequestScope, path: string, service: JoinService | undefined): Promise<void> {
  if (!service) throw new NotFound('', '', path);
  const method = scope.req.method ?? 'GET';
  if (path === '/skiff/v1/cacerts') {
    if (method !== 'GET') throw new MethodNotAllowed('the server does not allow this method on the requested resource');
    scope.res.writeHead(200, { 'Content-Type': 'application/x-pem-file' });
    scope.res.end(service.caCert);
    return;
  }
  if (path !== '/skiff/v1/join') throw new NotFound('', '', path);
  if (method !== 'POST') throw new MethodNotAllowed('the server does not allow this method on the requested resource');
  const secret = bearerToken(scope.req.headers.authorization);
  if (secret === undefined || !secretsEqual(secret, service.secret)) throw new StatusError(401, 'Unauthorized', 'the join token is not this cluster\'s');
  const request = parseJoinRequest(await readBody(scope.req, 64 * 1024));
  writeJson(scope.res, 200, service.issue(request.nodeName, request.addresses));
}
