/**
 * `kubectl exec` at the kubelet end, over WebSocket (`v5.channel.k8s.io`, what kubectl
 * 1.30+ speaks; `v4.channel.k8s.io` for other clients): every binary message starts
 * with its channel — 0 stdin, 1 stdout, 2 stderr, 3 the final Status, 4 resize — and v5's
 * `[255, 0]` closes stdin. The command's exit ends the session with its Status on
 * channel 3 (NonZeroExitCode with the code as its cause, as kubectl expects) and a
 * normal close. SPDY (kubectl up to 1.29) is not spoken yet.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ExecSession } from '../runtime/types.js';

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export interface ExecTarget {
  /** Starts the command in the named container; throws LogLookupError-like errors with a status for the HTTP answer. */
  exec(namespace: string, pod: string, container: string, command: string[], options: { stdin: boolean; tty: boolean }): Promise<ExecSession>;
}

function status(code: number, command: string[]): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {}, status: 'Failure', reason: 'NonZeroExitCode',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function execWebSocketServer(): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
}

/** Runs one exec session on an accepted upgrade. */
export function serveExec(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, command: string[], start: () => Promise<ExecSession>): void {
  wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    const v5 = ws.protocol === 'v5.channel.k8s.io';
    const send = (channel: number, data: Buffer | string) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
    };
    start().then(async (session) => {
      ws.on('message', (data: Buffer) => {
        const channel = data[0];
        const payload = data.subarray(1);
        if (channel === 0) session.stdin?.write(payload);
        else if (channel === 255 && payload[0] === 0 && v5) session.stdin?.end();
      });
      ws.on('close', () => session.kill());
      session.stdin?.on('error', () => undefined);
      const drained = [session.stdout, session.stderr].filter((s) => s !== undefined).map((s, i) => new Promise<void>((resolve) => {
        s!.on('data', (d: Buffer) => send(i === 0 ? 1 : 2, d));
        s!.once('end', () => resolve());
        s!.once('error', () => resolve());
      }));
      const code = await session.exit;
      await Promise.all(drained);
      send(3, JSON.stringify(status(code, command)));
      ws.close(1000);
    }, (err: Error) => {
      send(3, JSON.stringify({ metadata: {}, status: 'Failure', reason: 'InternalError', message: `Internal error occurred: error executing command in container: ${err.message}` }));
      ws.close(1000);
    });
  });
}
