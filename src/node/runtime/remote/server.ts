/**
 * Serves a Runtime on a unix socket (protocol.ts), so that its containers outlive the
 * agent using it: `skiff runtime` runs the process runtime this way, and an agent started
 * with `--keep-pods` talks to it through RemoteRuntime. Only the socket's owner can
 * connect (mode 0600 on the socket).
 */
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import { trackConnections } from '../../../util/connections.js';
import { remoteCommandOptions, serveRemoteCommand } from '../../server/remotecommand.js';
import { webSocketStreams } from '../../server/remote-websocket.js';
import type { Runtime } from '../types.js';
import { CALLS, decode, encode, STARTED, STATUS, STREAM_PROTOCOL, type Call } from './protocol.js';

export interface RuntimeServer {
  stop(): Promise<void>;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = encode(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function serveRuntime(runtime: Runtime, socketPath: string): Promise<RuntimeServer> {
  const eventStreams = new Set<ServerResponse>();
  const unsubscribe = runtime.onEvent((e) => {
    const line = `${encode(e)}\n`;
    for (const res of eventStreams) res.write(line);
  });
  const server = createServer((req, res) => {
    const name = (req.url ?? '').replace(/^\/v1\//, '').split('?')[0] as Call | 'events';
    if (name === 'events' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.flushHeaders();
      eventStreams.add(res);
      res.on('close', () => eventStreams.delete(res));
      return;
    }
    if (req.method !== 'POST' || !CALLS.includes(name as Call)) return answer(res, 404, { message: `no such call: ${req.method} ${req.url}` });
    readAll(req).then(async (body) => {
      const args = body ? decode<unknown[]>(body) : [];
      const method = (runtime as unknown as Record<string, ((...a: unknown[]) => unknown) | undefined>)[name];
      if (typeof method !== 'function') return answer(res, 200, null);
      answer(res, 200, { result: await method.apply(runtime, args) });
    }).catch((err: Error & { code?: string }) => answer(res, 500, { message: err.message, code: err.code }));
  });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has(STREAM_PROTOCOL) ? STREAM_PROTOCOL : false) });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://runtime');
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const q = url.searchParams;
      if (url.pathname === '/v1/portForward') {
        runtime.portForward(q.get('sandbox') ?? '', Number(q.get('port'))).then((conn) => {
          const pipe = createWebSocketStream(ws);
          pipe.on('error', () => conn.destroy());
          conn.on('error', () => pipe.destroy());
          pipe.pipe(conn).pipe(pipe);
        }, (err: Error) => ws.close(4000, err.message.slice(0, 120)));
        return;
      }
      if (url.pathname !== '/v1/exec' && url.pathname !== '/v1/attach') return ws.close(4004, 'no such stream');
      const options = remoteCommandOptions(q);
      const id = q.get('id') ?? '';
      const starting = url.pathname === '/v1/exec'
        ? runtime.exec(id, q.getAll('command'), { stdin: options.stdin, tty: options.tty })
        : runtime.attach(id, { stdin: options.stdin, tty: options.tty });
      starting.then((session) => {
        ws.send(Buffer.from([STARTED]));
        // The exit code travels on the status channel; the client reads it back.
        void serveRemoteCommand(webSocketStreams(ws, { ...options, stdout: true, stderr: !options.tty }), async () => session, (code) => ({ status: code === 0 ? 'Success' : 'Failure', code }));
      }, (err: Error & { code?: string }) => {
        ws.send(Buffer.concat([Buffer.from([STATUS]), Buffer.from(encode({ message: err.message, code: err.code }))]));
        ws.close(1000);
      });
    });
  });
  const connections = trackConnections(server);
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  return {
    stop: () => new Promise<void>((resolve) => {
      unsubscribe();
      for (const res of eventStreams) res.end();
      server.close(() => resolve());
      server.closeAllConnections();
      connections.destroyAll();
    }),
  };
}
