/**
 * The agent's kubelet API, the part the API server calls: `GET /containerLogs/…` (what
 * `kubectl logs` reaches through `pods/log`), `/stats/summary` (what `kubectl top` reads
 * through metrics.k8s.io) and `/healthz`. HTTPS only, and only
 * for clients holding a certificate from the cluster CA in group `system:masters` — the
 * API server's kubelet client certificate (upstream's kubelet authenticates by x509 and
 * authorizes through the API server; a single-tenant cluster needs no more yet).
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { execWebSocketServer, serveExec, type ExecTarget } from './exec.js';
import { fail, serveContainerLogs, type LogSource } from './container-logs.js';

export { LogLookupError, type LogSource } from './container-logs.js';

export interface KubeletServerOptions {
  bindAddress: string;
  /** 0: any free port. */
  port: number;
  tls: { cert: string; key: string; ca: string };
  logs: LogSource;
  /** The Summary API (`/stats/summary`): node and container usage. */
  stats: { summary(): Promise<unknown> };
  exec: ExecTarget;
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
    if (url.pathname.startsWith('/containerLogs/')) {
      serveContainerLogs(res, url, o.logs).catch((err: Error) => fail(res, 500, err.message));
      return;
    }
    fail(res, 404, 'not found');
  });
  const wss = execWebSocketServer();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (code: number, message: string) => socket.end(`HTTP/1.1 ${code} ${code === 401 ? 'Unauthorized' : code === 404 ? 'Not Found' : 'Bad Request'}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${message}`);
    if (!authorized(req)) return refuse(401, 'Unauthorized');
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const m = /^\/exec\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m) return refuse(404, 'not found');
    const [namespace, pod, container] = m.slice(1).map(decodeURIComponent) as [string, string, string];
    const command = url.searchParams.getAll('command');
    if (!command.length) return refuse(400, 'you must specify at least 1 command');
    const flag = (name: string) => url.searchParams.get(name) === 'true' || url.searchParams.get(name) === '1';
    serveExec(wss, req, socket, head, command, () => o.exec.exec(namespace, pod, container, command, { stdin: flag('stdin'), tty: flag('tty') }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.bindAddress, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
