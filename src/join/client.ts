/**
 * The joining side: fetch the server's CA without trusting anything, accept it only if
 * its hash is the one in the token (so a server in the middle cannot pose as the
 * cluster), then send the token's secret over a connection verified against that CA
 * and receive the node's credentials.
 */
import { request } from 'node:https';
import type { NodeCredentials } from '../apiserver/handlers/join.js';
import { caFingerprint, JoinTokenError, parseJoinToken } from './token.js';

export interface JoinOptions {
  /** The server's URL, e.g. `https://10.0.0.1:6443`. */
  server: string;
  token: string;
  nodeName: string;
  addresses: string[];
}

function call(url: URL, options: { method: string; ca?: string; secret?: string; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: options.method,
      // Only the first call, which sends nothing secret, accepts any certificate.
      ...(options.ca ? { ca: options.ca } : { rejectUnauthorized: false }),
      headers: {
        ...(options.secret ? { Authorization: `Bearer ${options.secret}` } : {}),
        ...(options.body ? { 'Content-Type': 'application/json' } : {}),
      },
      timeout: 30_000,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (err) => reject(new Error(`cannot reach the server at ${url.origin}: ${err.message}`)));
    req.end(options.body);
  });
}

function statusMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}

export async function joinCluster(o: JoinOptions): Promise<NodeCredentials> {
  const token = parseJoinToken(o.token);
  const base = new URL(o.server);
  if (base.protocol !== 'https:') throw new JoinTokenError(`--server must be an https:// URL, not ${o.server}`);
  const cacerts = await call(new URL('/skiff/v1/cacerts', base), { method: 'GET' });
  if (cacerts.status !== 200) throw new Error(`the server at ${base.origin} did not give its CA (HTTP ${cacerts.status}): is it a Skiff server that lets nodes join?`);
  let hash: string;
  try {
    hash = caFingerprint(cacerts.body);
  } catch {
    throw new Error(`the server at ${base.origin} answered with something that is not a CA certificate`);
  }
  if (hash !== token.caHash) throw new JoinTokenError(`the server at ${base.origin} has CA sha256:${hash}, not the CA the token names (sha256:${token.caHash}): refusing to join`);
  const joined = await call(new URL('/skiff/v1/join', base), {
    method: 'POST', ca: cacerts.body, secret: token.secret, body: JSON.stringify({ nodeName: o.nodeName, addresses: o.addresses }),
  });
  if (joined.status !== 200) throw new Error(`the server refused to let node ${o.nodeName} join (HTTP ${joined.status}): ${statusMessage(joined.body)}`);
  return JSON.parse(joined.body) as NodeCredentials;
}
