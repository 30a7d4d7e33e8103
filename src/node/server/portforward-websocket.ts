/**
 * Port forwarding over WebSocket as `@kubernetes/client-node` speaks it (upstream's
 * kubelet `portforward/websocket.go`, protocol `v4.channel.k8s.io`): the ports come in
 * the query (`ports=80&ports=8080` or `ports=80,8080`); for the i-th port, channel 2i
 * carries data both ways and channel 2i+1 errors to the client. Each channel first
 * carries the port number as two little-endian bytes. One connection per port; the
 * socket closes when they are all done.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ForwardedPod } from './portforward.js';

export const PORT_FORWARD_WEBSOCKET_PROTOCOLS = ['v4.channel.k8s.io'];

export function forwardedPorts(query: URLSearchParams): number[] | string {
  const values = query.getAll('ports').flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (!values.length) return 'query parameter "port" is required';
  const ports: number[] = [];
  for (const v of values) {
    const port = Number(v);
    if (!/^\d+$/.test(v) || port < 1 || port > 65535) return `unable to parse "${v}" as a port: ${port > 65535 ? 'value out of range' : 'invalid syntax'}`;
    ports.push(port);
  }
  return ports;
}

export function servePortForwardWebSocket(ws: WebSocket, pod: ForwardedPod, ports: number[]): void {
  const send = (channel: number, data: Buffer | string) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]), { binary: true });
  };
  const conns: (Duplex | undefined)[] = [];
  /** What the client sent before the port was dialled. */
  const early: Buffer[][] = ports.map(() => []);
  let open = ports.length;
  const finished = () => {
    if (--open === 0 && ws.readyState === ws.OPEN) ws.close(1000);
  };
  ports.forEach((port, i) => {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    send(2 * i, prefix);
    send(2 * i + 1, prefix);
    pod.dial(port).then((conn) => {
      conns[i] = conn;
      for (const chunk of early[i]!.splice(0)) conn.write(chunk);
      conn.on('data', (chunk: Buffer) => send(2 * i, chunk));
      conn.on('error', (err) => send(2 * i + 1, `error forwarding port ${port} to pod ${pod.name}_${pod.namespace}: ${err.message}`));
      conn.once('close', finished);
    }, (err: Error) => {
      send(2 * i + 1, `error forwarding port ${port} to pod ${pod.name}_${pod.namespace}: ${err.message}`);
      finished();
    });
  });
  ws.on('message', (data: Buffer) => {
    const channel = data[0]!;
    if (channel % 2 !== 0 || channel / 2 >= ports.length) return;
    const conn = conns[channel / 2];
    if (conn) conn.write(data.subarray(1));
    else early[channel / 2]!.push(data.subarray(1));
  });
  ws.on('close', () => conns.forEach((c) => c?.destroy()));
}
