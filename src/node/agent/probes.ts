/**
 * Container probes as the kubelet's prober runs them (pkg/kubelet/prober): one worker per
 * running container instance and probe kind, first after `initialDelaySeconds`, then every
 * `periodSeconds`, each attempt bounded by `timeoutSeconds`; a result flips only after
 * `successThreshold` / `failureThreshold` attempts in a row. Readiness starts failed,
 * liveness and startup start passed; liveness and readiness wait until the startup probe
 * has passed. A failed liveness or startup probe asks the pod worker to kill the
 * container, which then restarts by the pod's restartPolicy.
 *
 * Handlers: exec (in the container's context), httpGet (2xx and 3xx pass), tcpSocket
 * (a connection opens), grpc (grpc.health.v1 Health/Check answers SERVING).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect } from 'node:net';
import { connect as http2Connect } from 'node:http2';
import type { Container, Pod } from '../../api/objects/index.js';
import type { Clock } from '../../client/clock.js';
import type { Runtime } from '../runtime/types.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

type Obj = Record<string, unknown>;

export interface ProbeResult {
  ok: boolean;
  /** What a failure said, for the Unhealthy event. */
  output: string;
}

export interface ProberContext {
  runtime: Runtime;
  clock: Clock;
  /** Where the pod listens (its status.podIP): probes without a host go there. */
  podIP(pod: Pod): string;
  /** A result changed: resync the pod. */
  changed(podKey: string): void;
  /** Liveness or startup failed past its threshold: the container must be killed. */
  unhealthy(podKey: string, containerName: string, containerId: string, kind: ProbeKind, output: string): void;
  /** Each failed attempt, for `Unhealthy` events. */
  failed(podKey: string, kind: ProbeKind, output: string): void;
}

interface Worker {
  stop: AbortController;
  kind: ProbeKind;
  containerId: string;
}

const LABEL: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

export function probeLabel(kind: ProbeKind): string {
  return LABEL[kind];
}

export class Prober {
  private readonly workers = new Map<string, Worker>();
  /** Results by `<containerId>/<kind>`. */
  private readonly results = new Map<string, boolean>();

  constructor(private readonly ctx: ProberContext) {}

  /** Whether the instance counts as ready (readiness passed; true without a readiness probe). */
  ready(container: Container, containerId: string): boolean {
    if (!this.started(container, containerId)) return false;
    return container.readinessProbe ? this.results.get(`${containerId}/readiness`) === true : true;
  }

  /** Whether the startup probe passed (true without one). */
  started(container: Container, containerId: string): boolean {
    return container.startupProbe ? this.results.get(`${containerId}/startup`) === true : true;
  }

  /** Starts workers for the running instances given, stops those of instances no longer listed. */
  sync(podKey: string, pod: Pod, running: Array<{ container: Container; id: string }>): void {
    const wanted = new Set<string>();
    for (const { container, id } of running) {
      for (const kind of ['startup', 'liveness', 'readiness'] as const) {
        const spec = container[`${kind}Probe`] as Obj | undefined;
        if (!spec) continue;
        const key = `${id}/${kind}`;
        wanted.add(key);
        if (!this.workers.has(key)) this.start(podKey, pod, container, id, kind, spec);
      }
    }
    for (const [key, w] of this.workers) {
      if (key.startsWith(`${podKey}|`) && !wanted.has(key.slice(podKey.length + 1))) this.stopWorker(key, w);
    }
  }

  forgetPod(podKey: string): void {
    for (const [key, w] of this.workers) if (key.startsWith(`${podKey}|`)) this.stopWorker(key, w);
  }

  stopAll(): void {
    for (const [key, w] of this.workers) this.stopWorker(key, w);
  }

  private stopWorker(key: string, w: Worker): void {
    w.stop.abort();
    this.workers.delete(key);
    this.results.delete(`${w.containerId}/${w.kind}`);
  }

  private start(podKey: string, pod: Pod, container: Container, id: string, kind: ProbeKind, spec: Obj): void {
    const stop = new AbortController();
    this.workers.set(`${podKey}|${id}/${kind}`, { stop, kind, containerId: id });
    const num = (field: string, dflt: number) => (typeof spec[field] === 'number' ? (spec[field] as number) : dflt);
    const initialDelay = num('initialDelaySeconds', 0) * 1000;
    const period = Math.max(1, num('periodSeconds', 10)) * 1000;
    const timeout = Math.max(1, num('timeoutSeconds', 1));
    const successThreshold = Math.max(1, num('successThreshold', 1));
    const failureThreshold = Math.max(1, num('failureThreshold', 3));
    const resultKey = `${id}/${kind}`;
    const { clock } = this.ctx;
    void (async () => {
      let successes = 0;
      let failures = 0;
      if (initialDelay) await clock.sleep(initialDelay, stop.signal);
      while (!stop.signal.aborted) {
        // Liveness and readiness wait for the startup probe, as upstream's workers skip until started.
        if (kind === 'startup' || this.started(container, id)) {
          const result = await runProbe(spec, container, id, timeout, this.ctx, this.ctx.podIP(pod)).catch((err: Error) => ({ ok: false, output: err.message }));
          if (stop.signal.aborted) break;
          if (result.ok) { successes++; failures = 0; } else { failures++; successes = 0; this.ctx.failed(podKey, kind, result.output); }
          const before = this.results.get(resultKey);
          if (result.ok && successes >= successThreshold && before !== true) {
            this.results.set(resultKey, true);
            this.ctx.changed(podKey);
          } else if (!result.ok && failures >= failureThreshold && before !== false) {
            this.results.set(resultKey, false);
            if (kind === 'readiness') this.ctx.changed(podKey);
            else {
              this.ctx.unhealthy(podKey, container.name, id, kind, result.output);
              break;
            }
          }
        }
        await clock.sleep(period, stop.signal);
      }
    })();
  }
}

export function portOf(value: unknown, container: Container): number {
  if (typeof value === 'number') return value;
  const named = (container.ports ?? []).find((p) => p.name === value);
  if (!named) throw new Error(`unable to find port ${JSON.stringify(value)} in container ${container.name}`);
  return named.containerPort;
}

async function runProbe(spec: Obj, container: Container, id: string, timeoutSeconds: number, ctx: ProberContext, podIP: string): Promise<ProbeResult> {
  if (spec.exec) {
    const command = ((spec.exec as Obj).command as string[] | undefined) ?? [];
    const r = await ctx.runtime.execSync(id, command, timeoutSeconds);
    const output = Buffer.concat([r.stdout, r.stderr]).toString('utf8').trim();
    return { ok: r.exitCode === 0, output: r.exitCode === 0 ? output : output || `command ${JSON.stringify(command.join(' '))} exited with ${r.exitCode}` };
  }
  if (spec.httpGet) return httpProbe(spec.httpGet as Obj, container, timeoutSeconds, podIP);
  if (spec.tcpSocket) {
    const t = spec.tcpSocket as Obj;
    return tcpProbe(typeof t.host === 'string' && t.host ? t.host : podIP, portOf(t.port, container), timeoutSeconds);
  }
  if (spec.grpc) {
    const g = spec.grpc as Obj;
    return grpcProbe(podIP, Number(g.port), typeof g.service === 'string' ? g.service : '', timeoutSeconds);
  }
  return { ok: false, output: 'probe has no handler' };
}

export function httpProbe(h: Obj, container: Container, timeoutSeconds: number, podIP: string): Promise<ProbeResult> {
  const host = typeof h.host === 'string' && h.host ? h.host : podIP;
  const port = portOf(h.port, container);
  const path = typeof h.path === 'string' && h.path ? h.path : '/';
  const https = h.scheme === 'HTTPS';
  const url = `${https ? 'https' : 'http'}://${host}:${port}${path}`;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.33', Accept: '*/*' };
  for (const e of (h.httpHeaders as Array<{ name: string; value: string }> | undefined) ?? []) headers[e.name] = e.value;
  return new Promise((resolve) => {
    const send = https ? httpsRequest : httpRequest;
    const req = send({ host, port, path, method: 'GET', headers, timeout: timeoutSeconds * 1000, rejectUnauthorized: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { ok: true, output: '' } : { ok: false, output: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => req.destroy(new Error(`Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, output: err.code === 'ECONNREFUSED' ? `Get "${url}": dial tcp ${host}:${port}: connect: connection refused` : err.message }));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutSeconds: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: timeoutSeconds * 1000 });
    socket.on('connect', () => { socket.destroy(); resolve({ ok: true, output: '' }); });
    socket.on('timeout', () => { socket.destroy(); resolve({ ok: false, output: `dial tcp ${host}:${port}: i/o timeout` }); });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, output: err.code === 'ECONNREFUSED' ? `dial tcp ${host}:${port}: connect: connection refused` : `dial tcp ${host}:${port}: ${err.message}` }));
  });
}

/** grpc.health.v1.Health/Check over plain HTTP/2: request `{service}` (field 1), answer `{status}` (field 1, SERVING = 1). */
function grpcProbe(host: string, port: number, service: string, timeoutSeconds: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const session = http2Connect(`http://${host}:${port}`);
    const done = (r: ProbeResult) => { session.close(); resolve(r); };
    const timer = setTimeout(() => { session.destroy(); resolve({ ok: false, output: `timeout: health rpc did not complete within ${timeoutSeconds}s` }); }, timeoutSeconds * 1000);
    session.on('error', (err: NodeJS.ErrnoException) => { clearTimeout(timer); resolve({ ok: false, output: `timeout: failed to connect service "${host}:${port}" within ${timeoutSeconds}s: ${err.code ?? err.message}` }); });
    const name = Buffer.from(service, 'utf8');
    const message = service ? Buffer.concat([Buffer.from([0x0a, name.length]), name]) : Buffer.alloc(0);
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    const stream = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers' });
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      clearTimeout(timer);
      const body = Buffer.concat(chunks);
      // HealthCheckResponse: 0x08 <status varint>.
      const status = body.length >= 7 && body[5] === 0x08 ? body[6] : 0;
      done(status === 1 ? { ok: true, output: '' } : { ok: false, output: `service unhealthy (responded with "${['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'][status ?? 0] ?? 'UNKNOWN'}")` });
    });
    stream.on('error', (err) => { clearTimeout(timer); done({ ok: false, output: err.message }); });
    stream.end(frame);
  });
}
