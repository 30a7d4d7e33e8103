/**
 * A bare HTTPS client for the Kubernetes API, built from a kubeconfig with embedded
 * client-certificate data (what `skiff server` writes). For tests that want exact
 * requests and status codes without a client library in between.
 */
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** Tests read arbitrary API objects: plain JSON, navigated freely. */
export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ApiResponse {
  status: number;
  body: Json;
  headers: Record<string, string | string[] | undefined>;
}

export interface WatchEventLine {
  type: string;
  object: Json;
}

export interface WatchStream {
  /** Resolves when the stream ends (server closed it, or stop()). */
  ended: Promise<void>;
  stop(): void;
}

export interface ApiClient {
  server: string;
  request(method: string, path: string, body?: unknown, options?: { contentType?: string; timeoutMs?: number }): Promise<ApiResponse>;
  /** Starts a watch (`?watch=1` is added); resolves once the server answered 200, rejects otherwise. */
  watch(path: string, onEvent: (e: WatchEventLine) => void): Promise<WatchStream>;
  close(): void;
}

interface KubeconfigFile {
  clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
  users: Array<{ user: { 'client-certificate-data'?: string; 'client-key-data'?: string; token?: string } }>;
}

/** `server` overrides the kubeconfig's URL (e.g. the same credentials against another server). */
export function apiClient(kubeconfigPath: string, options: { server?: string } = {}): ApiClient {
  const config = parseYaml(readFileSync(kubeconfigPath, 'utf8')) as KubeconfigFile;
  const cluster = config.clusters[0].cluster;
  const user = config.users[0].user;
  const decode = (b64?: string) => (b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined);
  const agent = new Agent({ keepAlive: true, ca: decode(cluster['certificate-authority-data']), cert: decode(user['client-certificate-data']), key: decode(user['client-key-data']) });
  const server = options.server ?? cluster.server;
  const auth: Record<string, string> = user.token ? { Authorization: `Bearer ${user.token}` } : {};

  const send = (method: string, path: string, body: unknown, contentType: string | undefined, timeoutMs: number): Promise<ApiResponse> =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = request(new URL(path, server), {
        method, agent,
        headers: { Accept: 'application/json', ...auth, ...(text !== undefined ? { 'Content-Type': contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(text) } : {}) },
      }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { data += chunk; });
        res.on('end', () => {
          clearTimeout(timer);
          let parsed: Json = data;
          try { parsed = data ? JSON.parse(data) : undefined; } catch { /* keep the text */ }
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
        });
        res.on('error', reject);
      });
      const timer = setTimeout(() => req.destroy(new Error(`${method} ${path}: no answer after ${timeoutMs}ms`)), timeoutMs);
      req.on('error', (err) => { clearTimeout(timer); reject(err); });
      req.end(text);
    });

  return {
    server,
    request: (method, path, body, options = {}) => send(method, path, body, options.contentType, options.timeoutMs ?? 30_000),
    watch(path, onEvent) {
      return new Promise((resolve, reject) => {
        const url = new URL(path, server);
        url.searchParams.set('watch', '1');
        const req = request(url, { method: 'GET', agent, headers: { Accept: 'application/json', ...auth } }, (res) => {
          if (res.statusCode !== 200) {
            let data = '';
            res.on('data', (c) => { data += c; });
            res.on('end', () => reject(new Error(`watch ${path}: HTTP ${res.statusCode}: ${data}`)));
            return;
          }
          let buffered = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffered += chunk;
            let nl: number;
            while ((nl = buffered.indexOf('\n')) >= 0) {
              const line = buffered.slice(0, nl).trim();
              buffered = buffered.slice(nl + 1);
              if (line) onEvent(JSON.parse(line) as WatchEventLine);
            }
          });
          const ended = new Promise<void>((done) => { res.on('close', done); res.on('end', done); });
          resolve({ ended, stop: () => req.destroy() });
        });
        req.on('error', reject);
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}
