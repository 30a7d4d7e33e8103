/**
 * The agent's kubelet API, the part the API server calls: `GET /containerLogs/…` (what
 * `kubectl logs` reaches through `pods/log`), `/stats/summary` (what `kubectl top` reads
 * through metrics.k8s.io), Prometheus `/metrics` and `/metrics/resource`, the
 * streaming endpoints of `kubectl exec`, `attach` and `port-forward` (upgrade.ts) and
 * `/healthz`. HTTPS only, and only
 * for clients holding a certificate from the cluster CA in group `system:masters` — the
 * API server's kubelet client certificate (upstream's kubelet authenticates by x509 and
 * authorizes through the API server; a single-tenant cluster needs no more yet).
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { fail, serveContainerLogs, type LogSource } from './container-logs.js';
import { refusal, StreamingEndpoints, type StreamingTarget } from './upgrade.js';
import { trackConnections } from '../../util/connections.js';

export { LogLookupError, type LogSource } from './container-logs.js';
export type { StreamingTarget } from './upgrade.js';
export type { ForwardedPod } from './portforward.js';

export interface KubeletServerOptions {
  bindAddress: string;
  /** 0: any free port. */
  port: number;
  tls: { cert: string; key: string; ca: string };
  logs: LogSource;
  /** The Summary API (`/stats/summary`): node and container usage. */
  stats: { summary(): Promise<unknown> };
  /** exec, attach and port-forward. */
  streaming: StreamingTarget;
  /** Prometheus text for `/metrics` and `/metrics/resource`. */
  metrics?: { metrics(): Promise<string>; resource(): Promise<string> };
}

export interface KubeletServer {
  port: number;
  stop(): Promise<void>;
}

function authorized(req: IncomingMessage): boolean {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return false;
  const subject = socket.getPeerCertificate()?.subject as { O?: string | string[] } | undefined;
  const orgs = Array.isArray(subject?.O) ? subject.O : subject?.O ? [subject.O] : [];
  return orgs.includes('system:masters');
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const server: Server = createServer({ cert: o.tls.cert, key: o.tls.key, ca: o.tls.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (!authorized(req)) return fail(res, 401, 'Unauthorized');
    if (req.method !== 'GET') return fail(res, 405, 'method not allowed');
    if (url.pathname === '/stats/summary') {
      o.stats.summary().then((summary) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(summary));
      }, (err: Error) => fail(res, 500, err.message));
      return;
    }
    const metrics = url.pathname === '/metrics' ? o.metrics?.metrics : url.pathname === '/metrics/resource' ? o.metrics?.resource : undefined;
    if (metrics) {
      metrics().then((text) => {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(text);
      }, (err: Error) => fail(res, 500, err.message));
      return;
    }
    if (url.pathname.startsWith('/containerLogs/')) {
      serveContainerLogs(res, url, o.logs).catch((err: Error) => fail(res, 500, err.message));
      return;
    }
    fail(res, 404, 'not found');
  });
  const connections = trackConnections(server);
  const streaming = new StreamingEndpoints(o.streaming);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    if (!authorized(req)) return refusal(socket)(401, 'Unauthorized');
    if (!streaming.handle(req, socket, head)) refusal(socket)(404, 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.bindAddress, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      connections.destroyAll();
    }),
  };
}
