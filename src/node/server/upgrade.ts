/**
 * The kubelet API's streaming endpoints, reached through the API server's upgrade proxy:
 * `/exec/{ns}/{pod}/{container}`, `/attach/{ns}/{pod}/{container}` and
 * `/portForward/{ns}/{pod}`, each over SPDY/3.1 (kubectl up to 1.29, and the fallback of
 * newer ones) or WebSocket (kubectl 1.30+ for exec/attach; 1.31+ tunnels port-forward's
 * SPDY through a WebSocket; `@kubernetes/client-node` forwards ports with channels).
 * Refusals before the upgrade are plain HTTP answers that the API server passes on.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import type { ExecSession } from '../runtime/types.js';
import { LogLookupError } from './container-logs.js';
import { PORT_FORWARD_PROTOCOL, servePortForward, type PortForwardTarget } from './portforward.js';
import { forwardedPorts, PORT_FORWARD_WEBSOCKET_PROTOCOLS, servePortForwardWebSocket } from './portforward-websocket.js';
import { exitStatus, remoteCommandOptions, serveRemoteCommand, type RemoteStreams } from './remotecommand.js';
import { REMOTE_COMMAND_SPDY_PROTOCOLS, spdyStreams } from './remote-spdy.js';
import { REMOTE_COMMAND_WEBSOCKET_PROTOCOLS, webSocketStreams } from './remote-websocket.js';
import { acceptSpdy, isSpdyUpgrade, negotiate, negotiationFailure, offeredProtocols, SpdySession } from './spdy/index.js';

/** What the streaming endpoints reach on this node. Lookups reject with LogLookupError (status + message) or any Error (500). */
export interface StreamingTarget extends PortForwardTarget {
  /** Starts `command` in the named running container. */
  exec(namespace: string, pod: string, container: string, command: string[], options: { stdin: boolean; tty: boolean }): Promise<ExecSession>;
  /** Joins the running container's own stdio; the session ends when it exits or the client leaves. */
  attach(namespace: string, pod: string, container: string, options: { stdin: boolean; tty: boolean }): Promise<ExecSession>;
}

/** kubectl 1.31+'s port-forward tunnel: SPDY bytes inside WebSocket messages. */
const TUNNEL_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;

type Refuse = (code: number, message: string) => void;

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

export function refusal(socket: Duplex): Refuse {
  return (code, message) => socket.end(`HTTP/1.1 ${code} ${REASONS[code] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}

export class StreamingEndpoints {
  private readonly wss: WebSocketServer;
  /** Upgrades whose subprotocol `ws` would refuse (it contains `/`), answered by hand. */
  private readonly tunnels = new WeakSet<IncomingMessage>();

  constructor(private readonly target: StreamingTarget) {
    this.wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (offered, req) => {
        const supported = req.url?.startsWith('/portForward/') ? PORT_FORWARD_WEBSOCKET_PROTOCOLS : REMOTE_COMMAND_WEBSOCKET_PROTOCOLS;
        return supported.find((p) => offered.has(p)) ?? false;
      },
    });
    this.wss.on('headers', (headers, req) => {
      if (this.tunnels.has(req)) headers.push(`Sec-WebSocket-Protocol: ${TUNNEL_PROTOCOL}`);
    });
  }

  /** Serves one upgrade request for a streaming path; false when the path is not one. */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
    const refuse = refusal(socket);
    if ((parts[0] === 'exec' || parts[0] === 'attach') && parts.length === 4) {
      const [kind, namespace, pod, container] = parts as ['exec' | 'attach', string, string, string];
      this.remoteCommand(kind, namespace, pod, container, url.searchParams, req, socket, head, refuse);
      return true;
    }
    if (parts[0] === 'portForward' && parts.length === 3) {
      this.portForward(parts[1]!, parts[2]!, url.searchParams, req, socket, head, refuse).catch((err: Error) => refuse(500, err.message));
      return true;
    }
    return false;
  }

  private remoteCommand(kind: 'exec' | 'attach', namespace: string, pod: string, container: string, query: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer, refuse: Refuse): void {
    const options = remoteCommandOptions(query);
    const command = query.getAll('command');
    if (kind === 'exec' && !command.length) return refuse(400, 'you must specify at least 1 command');
    if (!options.stdin && !options.stdout && !options.stderr) return refuse(400, 'you must specify at least 1 of stdin, stdout, stderr');
    const start = () => kind === 'exec'
      ? this.target.exec(namespace, pod, container, command, options)
      : this.target.attach(namespace, pod, container, options);
    const status = (code: number) => (kind === 'exec' ? exitStatus(code, command) : { metadata: {}, status: 'Success' });
    const run = (streams: RemoteStreams) => void serveRemoteCommand(streams, start, status);
    if (isSpdyUpgrade(req)) {
      const offered = offeredProtocols(req);
      const protocol = negotiate(offered, REMOTE_COMMAND_SPDY_PROTOCOLS);
      if (!protocol) return refuse(403, negotiationFailure(offered, REMOTE_COMMAND_SPDY_PROTOCOLS));
      spdyStreams(acceptSpdy(socket, head, protocol), options).then(run, () => undefined);
      return;
    }
    this.webSocket(req, socket, head, refuse, (ws) => run(webSocketStreams(ws, options)));
  }

  private async portForward(namespace: string, name: string, query: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer, refuse: Refuse): Promise<void> {
    const spdy = isSpdyUpgrade(req);
    const offered = spdy ? offeredProtocols(req) : [];
    if (spdy && !offered.includes(PORT_FORWARD_PROTOCOL)) return refuse(403, negotiationFailure(offered, [PORT_FORWARD_PROTOCOL]));
    const tunnel = !spdy && (req.headersDistinct['sec-websocket-protocol'] ?? []).flatMap((v) => v.split(',')).some((p) => p.trim() === TUNNEL_PROTOCOL);
    const ports = spdy || tunnel ? [] : forwardedPorts(query);
    if (typeof ports === 'string') return refuse(400, ports);
    let pod;
    try {
      pod = await this.target.pod(namespace, name);
    } catch (err) {
      return refuse(err instanceof LogLookupError ? err.status : 500, (err as Error).message);
    }
    if (spdy) return servePortForward(acceptSpdy(socket, head, PORT_FORWARD_PROTOCOL), pod);
    if (tunnel) {
      delete req.headers['sec-websocket-protocol'];
      this.tunnels.add(req);
      return this.webSocket(req, socket, head, refuse, (ws) => servePortForward(new SpdySession(createWebSocketStream(ws)), pod));
    }
    this.webSocket(req, socket, head, refuse, (ws) => servePortForwardWebSocket(ws, pod, ports));
  }

  private webSocket(req: IncomingMessage, socket: Duplex, head: Buffer, refuse: Refuse, serve: (ws: WebSocket) => void): void {
    if (!/websocket/i.test(req.headers.upgrade ?? '')) return refuse(400, `unsupported upgrade protocol "${req.headers.upgrade ?? ''}"`);
    this.wss.handleUpgrade(req, socket, head, serve);
  }
}
