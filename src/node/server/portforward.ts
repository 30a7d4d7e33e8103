/**
 * `kubectl port-forward` at the kubelet end. Over SPDY (and over kubectl 1.31+'s
 * WebSocket tunnel, which carries the same SPDY bytes) every local connection is a pair
 * of client-opened streams sharing a `requestid`: `streamtype: error` and
 * `streamtype: data`, both with the pod `port`. Once both exist the port is dialled and
 * the data stream joined to it; a dial failure is written as text on the error stream,
 * which kubectl prints. Both streams end with the forwarded connection.
 */
import type { Duplex } from 'node:stream';
import type { SpdySession, SpdyStream } from './spdy/index.js';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

export interface PortForwardTarget {
  /** The pod, when it runs on this node; rejects with a LogLookupError (404) otherwise. */
  pod(namespace: string, name: string): Promise<ForwardedPod>;
}

export interface ForwardedPod {
  namespace: string;
  name: string;
  /** A connection to `port` of the pod, as seen from inside its network namespace. */
  dial(port: number): Promise<Duplex>;
}

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
}

function parsePort(text: string | undefined): number | undefined {
  const port = Number(text);
  return Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined;
}

/** Joins `stream` and `conn` both ways; resolves when both directions are done. */
export function join(stream: Duplex, conn: Duplex): Promise<void> {
  return new Promise((resolve) => {
    let open = 2;
    const done = () => {
      if (--open === 0) resolve();
    };
    conn.on('error', () => {
      stream.destroy();
      resolve();
    });
    stream.on('error', () => {
      conn.destroy();
      resolve();
    });
    stream.pipe(conn).once('finish', done);
    conn.pipe(stream).once('finish', done);
    stream.once('close', () => conn.destroy());
    conn.once('close', () => resolve());
  });
}

export function servePortForward(session: SpdySession, pod: ForwardedPod): void {
  const pairs = new Map<string, Pair>();
  session.on('stream', (stream) => {
    stream.on('error', () => undefined);
    const type = stream.headers.streamtype;
    const id = stream.headers.requestid ?? '';
    if (type !== 'error' && type !== 'data') return void stream.destroy();
    const pair = pairs.get(id) ?? {};
    if (pair[type]) return void stream.destroy();
    pair[type] = stream;
    pairs.set(id, pair);
    if (type === 'error') stream.resume();
    if (pair.error && pair.data) {
      pairs.delete(id);
      forward(pod, pair.error, pair.data).catch(() => undefined);
    }
  });
}

async function forward(pod: ForwardedPod, error: SpdyStream, data: SpdyStream): Promise<void> {
  const port = parsePort(data.headers.port);
  if (port === undefined) {
    error.end(`invalid port: "${data.headers.port ?? ''}"`);
    data.end();
    return;
  }
  let conn: Duplex;
  try {
    conn = await pod.dial(port);
  } catch (err) {
    error.end(`error forwarding port ${port} to pod ${pod.name}_${pod.namespace}: ${(err as Error).message}`);
    data.end();
    return;
  }
  await join(data, conn);
  if (!error.destroyed) error.end();
}
