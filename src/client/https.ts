/**
 * The client's HTTP transport: keep-alive connections to one API server, JSON bodies,
 * watch streams read line by line. Authenticates with a client certificate or a
 * bearer token and checks the server against the cluster CA — or, for components in
 * the API server's own process, plain HTTP over in-memory connections (loopback).
 */
import { Agent, request as httpsRequest } from 'node:https';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError } from './errors.js';
import { queryString, type Transport, type TransportRequest, type TransportResponse, type WatchEventLine, type WatchHandle, type WatchHandlers } from './transport.js';

export interface HttpsTransportOptions {
  /** e.g. `https://127.0.0.1:6443` */
  server: string;
  /** PEM of the cluster CA the server's certificate must chain to. */
  ca: string;
  cert?: string;
  key?: string;
  token?: string;
  userAgent?: string;
  /** Connections per server for ordinary requests (watches use their own). */
  maxSockets?: number;
  /** Per request, except watches; default 60 s. */
  timeoutMs?: number;
}

/** Reaching an API server in this process: plain HTTP over in-memory connections (see util/socket-pair.ts). */
export interface LoopbackTransportOptions {
  /** A new connection to the server (`ApiServer.connectLoopback`); the server authenticates it as its own. */
  connect(): Duplex;
  userAgent?: string;
  maxSockets?: number;
  timeoutMs?: number;
}

export class HttpsTransport implements Transport {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly watchAgent: HttpAgent;
  private readonly headers: Record<string, string>;
  private readonly send: typeof httpsRequest;

  constructor(private readonly options: HttpsTransportOptions | LoopbackTransportOptions) {
    if ('connect' in options) {
      this.url = new URL('http://loopback');
      this.send = httpRequest as typeof httpsRequest;
      const connect = options.connect;
      const loopbackAgent = (settings: ConstructorParameters<typeof HttpAgent>[0]) => {
        const agent = new HttpAgent(settings);
        (agent as unknown as { createConnection(): Duplex }).createConnection = () => connect();
        return agent;
      };
      this.agent = loopbackAgent({ keepAlive: true, maxSockets: options.maxSockets ?? 16 });
      this.watchAgent = loopbackAgent({ keepAlive: false, maxSockets: Infinity });
    } else {
      this.url = new URL(options.server);
      this.send = httpsRequest;
      const tls = { ca: options.ca, cert: options.cert, key: options.key };
      this.agent = new Agent({ ...tls, keepAlive: true, maxSockets: options.maxSockets ?? 16 });
      // Watches hold their connection for minutes; they must not starve ordinary requests.
      this.watchAgent = new Agent({ ...tls, keepAlive: false, maxSockets: Infinity });
    }
    this.headers = { Accept: 'application/json', 'User-Agent': options.userAgent ?? 'skiff-client' };
    if ('token' in options && options.token) this.headers.Authorization = `Bearer ${options.token}`;
  }

  request(req: TransportRequest): Promise<TransportResponse> {
    return new Promise((resolve, reject) => {
      const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
      const headers: Record<string, string | number> = { ...this.headers };
      if (body) {
        headers['Content-Type'] = req.contentType ?? 'application/json';
        headers['Content-Length'] = body.length;
      }
      const r = this.send({
        host: this.url.hostname, port: this.url.port || 443, method: req.method,
        path: req.path + queryString(req.query), headers, agent: this.agent,
        timeout: this.options.timeoutMs ?? 60_000,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON (a proxy's error page): keep the text for the error message
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, warnings: warningsOf(res) });
        });
        res.on('error', reject);
      });
      r.on('timeout', () => r.destroy(new Error(`${req.method} ${req.path}: no answer within ${this.options.timeoutMs ?? 60_000} ms`)));
      r.on('error', reject);
      r.end(body);
    });
  }

  watch(req: Omit<TransportRequest, 'method' | 'body' | 'contentType'>, handlers: WatchHandlers): Promise<WatchHandle> {
    let handle: WatchHandle | undefined;
    let failed = false;
    return this.streamLines({ ...req, query: { ...req.query, watch: 1 } }, {
      onLine: (line) => {
        if (failed || !line.trim()) return;
        let event: WatchEventLine;
        try {
          event = JSON.parse(line) as WatchEventLine;
        } catch {
          failed = true;
          handle?.stop();
          handlers.onEnd(new Error(`watch ${req.path}: undecodable event: ${line.slice(0, 200)}`));
          return;
        }
        handlers.onEvent(event);
      },
      onEnd: (err) => { if (!failed) handlers.onEnd(err); },
    }).then((h) => (handle = h));
  }

  /**
   * A GET whose answer is read line by line as it streams (watches, `pods/log?follow`).
   * Resolves once the server answered 2xx; a refusal rejects with its ApiError.
   */
  streamLines(req: Omit<TransportRequest, 'method' | 'body' | 'contentType'>, handlers: { onLine(line: string): void; onEnd(err?: Error): void }): Promise<WatchHandle> {
    return new Promise((resolve, reject) => {
      let stopped = false;
      let responded = false;
      const r = this.send({
        host: this.url.hostname, port: this.url.port || 443, method: 'GET',
        path: req.path + queryString(req.query), headers: this.headers, agent: this.watchAgent,
      }, (res) => {
        responded = true;
        if ((res.statusCode ?? 0) >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let body: unknown;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              body = undefined;
            }
            reject(ApiError.fromStatus(res.statusCode ?? 0, body));
          });
          return;
        }
        resolve(handle);
        readLines(res, (line) => {
          if (!stopped) handlers.onLine(line);
        });
        res.on('end', () => ended());
        res.on('error', (err) => ended(err));
      });
      let done = false;
      const ended = (err?: Error) => {
        if (done) return;
        done = true;
        r.destroy();
        if (!stopped) handlers.onEnd(err);
      };
      const handle: WatchHandle = {
        stop() {
          stopped = true;
          done = true;
          r.destroy();
        },
      };
      r.on('error', (err) => {
        // Before an answer the caller has no handle yet: the promise carries the failure.
        if (!responded) reject(err);
        else ended(err);
      });
      r.end();
    });
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}

function warningsOf(res: IncomingMessage): string[] {
  const raw = res.headers.warning;
  if (!raw) return [];
  return (Array.isArray(raw) ? raw : [raw]).map((w) => w.replace(/^\d{3} \S+ "?/, '').replace(/"$/, ''));
}

/** Calls `onLine` for every newline-terminated line of a stream, across chunk boundaries. */
function readLines(stream: IncomingMessage, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    // Walk the lines by offset and cut the remainder once per chunk, not once per line.
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
      const line = pending.slice(start, nl);
      onLine(line);
      start = nl + 1;
    }
    pending = start ? pending.slice(start) : pending;
  });
}
