/**
 * The slice of gRPC the etcd store needs — unary calls and one bidirectional stream
 * kind — spoken directly over node:http2 (gRPC's wire format: POST with
 * `content-type: application/grpc`, each message prefixed by a flag byte and a 4-byte
 * length, the status in trailers; https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md).
 *
 * Why not @grpc/grpc-js: measured here, a put through it costs ~0.45 ms of client CPU
 * against ~0.15 ms over plain http2 (interceptor chains, resolving/load-balancing call
 * layers, per-call timers), and etcd's CPU budget on a small machine is what limits the
 * API server's write rate. etcd needs none of what those layers add: no name resolution
 * beyond a host list, no credentials plug-ins, no compression, no retries policy.
 */
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';

/** gRPC status codes we name (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  OUT_OF_RANGE: 11,
  UNAVAILABLE: 14,
} as const;

export class GrpcError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`${code} ${codeName(code)}: ${details}`);
    this.name = 'GrpcError';
  }
}

function codeName(code: number): string {
  return Object.entries(GrpcStatus).find(([, c]) => c === code)?.[0] ?? 'STATUS';
}

/** Flow-control windows large enough that a multi-megabyte LIST does not stall on WINDOW_UPDATEs. */
const WINDOW = 16 * 1024 * 1024;

export interface GrpcChannelOptions {
  /** `host:port` of each server; a failed connection moves on to the next. */
  endpoints: string[];
  /** Deadline of a unary call unless the call names one. */
  defaultTimeoutMs?: number;
  /**
   * HTTP/2 PING interval. A connection whose peer vanished without a reset (power loss,
   * a partition) would otherwise leave watch streams waiting forever; a ping not
   * answered within `keepaliveTimeoutMs` drops the connection, which ends its calls.
   */
  keepaliveMs?: number;
  keepaliveTimeoutMs?: number;
}

/** Incoming messages of one stream, reassembled from DATA frames of any size. */
export class MessageReader {
  private pending: Buffer[] = [];
  private length = 0;
  /** Bytes the message at the head needs (prefix included), once its prefix is known. */
  private needed = 0;

  /** Returns the complete messages this chunk finished, in order. */
  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.length += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.needed === 0) {
        if (this.length < 5) break;
        const head = this.pending[0]!.length >= 5 ? this.pending[0]! : this.flatten();
        if (head[0] !== 0) throw new GrpcError(GrpcStatus.UNKNOWN, 'compressed gRPC messages are not supported');
        this.needed = 5 + head.readUInt32BE(1);
      }
      // A large message arrives in many chunks: joined once, when all of it is here.
      if (this.length < this.needed) break;
      const all = this.pending.length === 1 ? this.pending[0]! : this.flatten();
      out.push(all.subarray(5, this.needed));
      const rest = all.subarray(this.needed);
      this.pending = rest.length ? [rest] : [];
      this.length = rest.length;
      this.needed = 0;
    }
    return out;
  }

  get empty(): boolean {
    return this.length === 0;
  }

  private flatten(): Buffer {
    const all = Buffer.concat(this.pending, this.length);
    this.pending = [all];
    return all;
  }
}

function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

/** The status a response ended with: from trailers, or from headers of a trailers-only answer. */
function statusOf(headers: Record<string, unknown>): GrpcError | null | undefined {
  const raw = headers['grpc-status'];
  if (raw === undefined) return undefined;
  const code = Number(raw);
  if (code === GrpcStatus.OK) return null;
  const message = headers['grpc-message'];
  let details = typeof message === 'string' ? message : '';
  try {
    details = decodeURIComponent(details);
  } catch {
    // not percent-encoded after all: keep as sent
  }
  return new GrpcError(code, details);
}

export interface GrpcStream {
  write(message: Buffer): void;
  /** Ends the call from our side and releases it; no more callbacks after this. */
  cancel(): void;
}

export interface GrpcStreamHandlers {
  onMessage(message: Buffer): void;
  /** The call ended: with a non-OK status or a transport failure (a GrpcError), or OK (null). */
  onEnd(err: GrpcError | null): void;
}

export class GrpcChannel {
  private session: ClientHttp2Session | undefined;
  private next = 0;
  private closed = false;
  private readonly endpoints: string[];
  private readonly defaultTimeoutMs: number;
  private readonly keepaliveMs: number;
  private readonly keepaliveTimeoutMs: number;

  constructor(options: GrpcChannelOptions) {
    if (options.endpoints.length === 0) throw new Error('no gRPC endpoints given');
    this.endpoints = options.endpoints;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
    this.keepaliveMs = options.keepaliveMs ?? 15_000;
    this.keepaliveTimeoutMs = options.keepaliveTimeoutMs ?? 10_000;
  }

  /** One request message, one response message. */
  unary(path: string, request: Buffer, options: { timeoutMs?: number } = {}): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let response: Buffer | undefined;
      let settled = false;
      const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const stream = this.open(path, {
        onMessage: (message) => {
          response = message;
        },
        onEnd: (err) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (err) reject(err);
          else if (!response) reject(new GrpcError(GrpcStatus.UNKNOWN, `no response message from ${path}`));
          else resolve(response);
        },
      }, { end: frame(request), timeoutMs });
      if (!stream) return;
      timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        stream.cancel();
        reject(new GrpcError(GrpcStatus.DEADLINE_EXCEEDED, `${path}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  /** A streaming call (etcd's Watch): messages both ways until either side ends it. */
  stream(path: string, handlers: GrpcStreamHandlers): GrpcStream {
    const stream = this.open(path, handlers, {});
    return stream ?? { write() {}, cancel() {} };
  }

  close(): void {
    this.closed = true;
    this.session?.close();
    this.session = undefined;
  }

  private open(path: string, handlers: GrpcStreamHandlers, o: { end?: Buffer; timeoutMs?: number }): GrpcStream | undefined {
    let req: ClientHttp2Stream;
    try {
      const headers: Record<string, string> = {
        [constants.HTTP2_HEADER_METHOD]: 'POST',
        [constants.HTTP2_HEADER_PATH]: path,
        'content-type': 'application/grpc',
        te: 'trailers',
      };
      if (o.timeoutMs !== undefined) headers['grpc-timeout'] = `${Math.max(1, Math.ceil(o.timeoutMs))}m`;
      req = this.connection().request(headers, o.end ? { endStream: false } : {});
    } catch (err) {
      queueMicrotask(() => handlers.onEnd(new GrpcError(GrpcStatus.UNAVAILABLE, (err as Error).message)));
      return undefined;
    }
    const reader = new MessageReader();
    let done = false;
    const finish = (err: GrpcError | null) => {
      if (done) return;
      done = true;
      handlers.onEnd(err);
    };
    let status: GrpcError | null | undefined;
    req.on('response', (headers) => {
      const httpStatus = Number(headers[constants.HTTP2_HEADER_STATUS]);
      if (httpStatus !== 200) status = new GrpcError(GrpcStatus.UNKNOWN, `HTTP status ${httpStatus} from ${path}`);
      else status = statusOf(headers); // trailers-only answer (errors usually are)
    });
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      let messages: Buffer[];
      try {
        messages = reader.push(chunk);
      } catch (err) {
        req.close(constants.NGHTTP2_CANCEL);
        finish(err as GrpcError);
        return;
      }
      for (const m of messages) if (!done) handlers.onMessage(m);
    });
    req.on('trailers', (trailers) => {
      const final = statusOf(trailers);
      if (final !== undefined) status = final;
    });
    req.on('close', () => {
      if (status === undefined) {
        const code = req.rstCode === constants.NGHTTP2_CANCEL ? GrpcStatus.CANCELLED : GrpcStatus.UNAVAILABLE;
        finish(new GrpcError(code, `${path}: stream closed without a status (http2 code ${req.rstCode})`));
      } else if (status === null && !reader.empty) {
        finish(new GrpcError(GrpcStatus.UNKNOWN, `${path}: truncated message`));
      } else finish(status);
    });
    req.on('error', (err: Error) => {
      status ??= new GrpcError(GrpcStatus.UNAVAILABLE, `${path}: ${err.message}`);
    });
    if (o.end) req.end(o.end);
    return {
      write(message) {
        if (!done && !req.writableEnded) req.write(frame(message));
      },
      cancel() {
        if (done) return;
        done = true;
        req.close(constants.NGHTTP2_CANCEL);
      },
    };
  }

  /** The current session, or a new one to the next endpoint after the last one failed. */
  private connection(): ClientHttp2Session {
    if (this.closed) throw new Error('the etcd connection is closed');
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const endpoint = this.endpoints[this.next % this.endpoints.length]!;
    const session = connect(`http://${endpoint}`, { settings: { initialWindowSize: WINDOW }, maxSessionMemory: 64 });
    session.on('connect', () => session.setLocalWindowSize(WINDOW));
    const drop = () => {
      if (this.session !== session) return;
      this.session = undefined;
      this.next++; // the next call tries the next endpoint
    };
    session.on('error', drop);
    session.on('goaway', drop);
    session.on('close', drop);
    const keepalive = setInterval(() => {
      if (session.closed || session.destroyed) return;
      const timer = setTimeout(() => session.destroy(new Error(`no answer to a keepalive ping within ${this.keepaliveTimeoutMs} ms`)), this.keepaliveTimeoutMs);
      timer.unref();
      const sent = session.ping((err) => {
        clearTimeout(timer);
        if (err && !session.destroyed) session.destroy(err);
      });
      if (!sent) clearTimeout(timer); // not connected yet: the connect attempt itself fails or succeeds
    }, this.keepaliveMs);
    keepalive.unref();
    session.once('close', () => clearInterval(keepalive));
    this.session = session;
    return session;
  }
}
