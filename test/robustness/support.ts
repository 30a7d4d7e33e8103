/**
 * Helpers for the robustness suites: raw HTTPS requests with the admin client
 * certificate (so nothing between the test and the server tidies up what we send),
 * a checker for Kubernetes `Status` failure bodies, and a seeded PRNG so every random
 * request can be reproduced from the seed printed with a failure.
 */
import { Agent, request } from 'node:https';
import { connect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutgoingHttpHeaders } from 'node:http';

export interface Credentials {
  ca: string;
  cert: string;
  key: string;
}

/** The admin client certificate and the cluster CA from `<dataDir>/tls/`. */
export function adminCredentials(dataDir: string): Credentials {
  const dir = join(dataDir, 'tls');
  return {
    ca: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    cert: readFileSync(join(dir, 'admin.crt'), 'utf8'),
    key: readFileSync(join(dir, 'admin.key'), 'utf8'),
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  timeoutMs?: number;
}

export interface HttpClient {
  url: URL;
  request(r: RawRequest): Promise<Reply>;
  /** Writes `bytes` on a fresh TLS connection and returns what came back before the server closed it (or the timeout). */
  raw(bytes: string | Buffer, timeoutMs?: number): Promise<Buffer>;
  close(): void;
}

export function httpClient(baseUrl: string, creds: Credentials, options: { maxSockets?: number } = {}): HttpClient {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 4, ca: creds.ca, cert: creds.cert, key: creds.key });
  return {
    url,
    request(r) {
      return new Promise((resolve, reject) => {
        const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
        const headers: OutgoingHttpHeaders = { ...r.headers };
        if (body !== undefined && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = body.length;
        const req = request({ agent, hostname: url.hostname, port: url.port, method: r.method ?? 'GET', path: r.path, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }); });
          res.on('error', (err) => { clearTimeout(timer); reject(err); });
        });
        const timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${r.timeoutMs ?? 15_000} ms`)), r.timeoutMs ?? 15_000);
        req.on('error', (err) => { clearTimeout(timer); reject(err); });
        req.end(body);
      });
    },
    raw(bytes, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const socket = connect({ host: url.hostname, port: Number(url.port), ca: creds.ca, cert: creds.cert, key: creds.key, servername: undefined });
        const chunks: Buffer[] = [];
        const timer = setTimeout(() => { socket.destroy(); resolve(Buffer.concat(chunks)); }, timeoutMs);
        socket.on('secureConnect', () => socket.write(bytes));
        socket.on('data', (c: Buffer) => {
          chunks.push(c);
          // Stop at the end of the first complete response, so keep-alive does not make us wait for the timeout.
          const all = Buffer.concat(chunks);
          if (responseComplete(all)) { clearTimeout(timer); socket.destroy(); resolve(all); }
        });
        socket.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks)); });
        socket.on('error', (err) => {
          // A reset after the server answered still counts as an answer.
          if (chunks.length) return;
          clearTimeout(timer);
          reject(err);
        });
      });
    },
    close() { agent.destroy(); },
  };
}

/** Whether `raw` holds a whole response: headers, then Content-Length bytes or the last chunk. */
function responseComplete(raw: Buffer): boolean {
  const sep = raw.indexOf('\r\n\r\n');
  if (sep < 0) return false;
  const head = raw.subarray(0, sep).toString('latin1');
  if (/^HTTP\/1\.[01] 1\d\d/.test(head)) return true; // an informational or switching answer: nothing else to wait for
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) return raw.length - (sep + 4) >= Number(length[1]);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return raw.subarray(sep + 4).includes('\r\n0\r\n\r\n') || raw.subarray(sep + 4).subarray(0, 5).toString() === '0\r\n\r\n';
  return false;
}

/** Splits a raw HTTP/1.1 response (Content-Length or close-delimited) into status, headers and body. */
export function parseRawResponse(raw: Buffer): Reply | undefined {
  const sep = raw.indexOf('\r\n\r\n');
  if (sep < 0) return undefined;
  const head = raw.subarray(0, sep).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.subarray(sep + 4);
  if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { status: Number(m[1]), headers, body };
}

/**
 * What is wrong with `reply` as the answer to a client mistake: undefined when it is a
 * proper Kubernetes failure Status (kind Status, apiVersion v1, status Failure, a reason,
 * `code` equal to the HTTP code, JSON content type) with a code in `codes` (any 4xx when
 * `codes` is omitted; a 5xx only where a test lists it, as upstream's 504 for a future
 * resourceVersion).
 */
export function statusProblem(reply: Reply, codes?: number[], reason?: string): string | undefined {
  const text = reply.body.toString('utf8');
  const short = text.length > 300 ? text.slice(0, 300) + '…' : text;
  if (codes ? !codes.includes(reply.status) : reply.status < 400 || reply.status > 499) return `HTTP ${reply.status}, want ${codes ? codes.join('/') : '4xx'}: ${short}`;
  const ct = String(reply.headers['content-type'] ?? '');
  if (!ct.startsWith('application/json')) return `HTTP ${reply.status} with Content-Type "${ct}", want application/json: ${short}`;
  let status: Record<string, unknown>;
  try {
    status = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `HTTP ${reply.status} body is not JSON: ${short}`;
  }
  if (status.kind !== 'Status' || status.apiVersion !== 'v1') return `HTTP ${reply.status} body is not a v1 Status: ${short}`;
  if (status.status !== 'Failure') return `Status.status is ${JSON.stringify(status.status)}, want Failure`;
  if (typeof status.reason !== 'string' || status.reason === '') return `Status without a reason: ${short}`;
  if (status.code !== reply.status) return `Status.code ${String(status.code)} differs from HTTP ${reply.status}`;
  if (typeof status.message !== 'string' || status.message === '') return `Status without a message: ${short}`;
  if (reason && status.reason !== reason) return `Status.reason ${String(status.reason)}, want ${reason}: ${short}`;
  return undefined;
}

/** The reason a status body carries, for messages. */
export function reasonOf(reply: Reply): string {
  try {
    return String((JSON.parse(reply.body.toString('utf8')) as { reason?: unknown }).reason);
  } catch {
    return '?';
  }
}

/** mulberry32: small, fast and seedable, so a failing random request can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Runs `tasks` with at most `width` in flight. */
export async function pool<T>(tasks: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return out;
}
