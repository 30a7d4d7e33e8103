/**
 * The load generator: its own process (forked by bench/api/main.ts), so the server under
 * test and the client never share a CPU queue or an event loop. Commands arrive over
 * IPC; every one is bounded in time and count.
 *
 *   creates     POST bodies from `concurrency` keep-alive connections for `seconds` (or `count` requests)
 *   gets        GET one path `times` times in a row
 *   watchOpen   open `count` watch streams (each its own TLS connection)
 *   watchRun    paced creates while every stream records when each event arrives
 *   watchClose  end every stream
 */
import { Agent, request } from 'node:https';
import { percentile } from './stats.js';

export interface Target {
  /** https://127.0.0.1:PORT */
  origin: string;
  ca: string;
  cert: string;
  key: string;
}

export interface CreatesCommand {
  cmd: 'creates';
  target: Target;
  path: string;
  /** Names are `${namePrefix}${i}`. */
  namePrefix: string;
  namespace: string;
  concurrency: number;
  seconds?: number;
  count?: number;
}

export interface CreatesResult {
  requests: number;
  errors: number;
  firstError?: string;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export interface GetsCommand {
  cmd: 'gets';
  target: Target;
  path: string;
  accept?: string;
  times: number;
  /** Return the last body's text (to check what was measured). */
  keepLastBody?: boolean;
}

export interface GetsResult {
  ms: number[];
  bytes: number;
  status: number;
  lastBody?: string;
}

export interface WatchOpenCommand {
  cmd: 'watchOpen';
  /** A name for this set of streams (several sets may be open at once). */
  set: string;
  target: Target;
  path: string;
  count: number;
}

export interface WatchRunCommand {
  cmd: 'watchRun';
  set: string;
  target: Target;
  createPath: string;
  namespace: string;
  namePrefix: string;
  events: number;
  perSecond: number;
  /** How long to wait after the last acknowledgement for stragglers. */
  settleMs: number;
}

export interface WatchRunResult {
  streams: number;
  events: number;
  delivered: number;
  lost: number;
  /** Streams the server ended during the run. */
  ended: number;
  p50: number;
  p99: number;
  max: number;
  /** Deliveries that arrived before the create was acknowledged (counted as 0 ms). */
  early: number;
  /** The same deliveries timed from the moment the create was sent (includes the create itself). */
  fromSendP50: number;
  fromSendP99: number;
  createErrors: number;
}

export interface RequestCommand {
  cmd: 'request';
  target: Target;
  method: string;
  path: string;
  body?: string;
}

export type Command = CreatesCommand | GetsCommand | RequestCommand | WatchOpenCommand | WatchRunCommand | { cmd: 'watchClose'; set: string };

/** A realistic small ConfigMap (~300 bytes as JSON). */
export function configMap(name: string, namespace: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/name': 'bench', 'app.kubernetes.io/component': 'load', tier: 'backend' } },
    data: { LOG_LEVEL: 'info', FEATURE_FLAGS: 'alpha=false,beta=true', endpoint: 'https://service.example.internal:8443/v1', timeout: '30s' },
  });
}

const agents = new Map<string, Agent>();

/** One keep-alive agent per server, at most 50 sockets (like a client-go rest client under load). */
function agentFor(target: Target, maxSockets: number): Agent {
  const key = `${target.origin} ${maxSockets}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets, ca: target.ca, cert: target.cert, key: target.key });
    agents.set(key, agent);
  }
  return agent;
}

interface Reply {
  status: number;
  bytes: number;
  body?: Buffer;
}

function send(agent: Agent, target: Target, method: string, path: string, headers: Record<string, string>, body?: string, keepBody = false): Promise<Reply> {
  const url = new URL(target.origin);
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: url.hostname, port: url.port, method, path, headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => { bytes += c.length; if (keepBody || (res.statusCode ?? 0) >= 300) chunks.push(c); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, body: chunks.length ? Buffer.concat(chunks) : undefined }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function creates(c: CreatesCommand): Promise<CreatesResult> {
  const agent = agentFor(c.target, c.concurrency);
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = c.seconds !== undefined ? start + c.seconds * 1000 : Infinity;
  const limit = c.count ?? Infinity;
  await Promise.all(Array.from({ length: c.concurrency }, async () => {
    while (next < limit && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      try {
        const r = await send(agent, c.target, 'POST', c.path, { Accept: 'application/json', 'User-Agent': 'skiff-bench/0.1' }, configMap(`${c.namePrefix}${i}`, c.namespace));
        if (r.status !== 201) {
          errors++;
          firstError ??= `HTTP ${r.status}: ${r.body?.toString('utf8').slice(0, 300)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  return { requests: latencies.length, errors, firstError, seconds, perSecond: (latencies.length - errors) / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function gets(c: GetsCommand): Promise<GetsResult> {
  const agent = agentFor(c.target, 50);
  const ms: number[] = [];
  let last: Reply | undefined;
  for (let i = 0; i < c.times; i++) {
    const t0 = performance.now();
    last = await send(agent, c.target, 'GET', c.path, { Accept: c.accept ?? 'application/json', 'User-Agent': 'skiff-bench/0.1' }, undefined, c.keepLastBody && i === c.times - 1);
    ms.push(performance.now() - t0);
    if (last.status !== 200) throw new Error(`GET ${c.path}: HTTP ${last.status} ${last.body?.toString('utf8').slice(0, 300)}`);
  }
  return { ms, bytes: last?.bytes ?? 0, status: last?.status ?? 0, lastBody: last?.body?.toString('utf8') };
}

// --- watches ---------------------------------------------------------------------

interface Stream {
  /** name → arrival time */
  seen: Map<string, number>;
  ended: boolean;
  destroy(): void;
}

const sets = new Map<string, { streams: Stream[]; agent: Agent }>();
const NAME = /"name":"([^"]+)"/;

function openStream(agent: Agent, target: Target, path: string): Promise<Stream> {
  const url = new URL(target.origin);
  return new Promise((resolve, reject) => {
    const stream: Stream = { seen: new Map(), ended: false, destroy: () => req.destroy() };
    const req = request({ agent, host: url.hostname, port: url.port, method: 'GET', path, headers: { Accept: 'application/json', 'User-Agent': 'skiff-bench/0.1' }, timeout: 30_000 }, (res) => {
      req.setTimeout(0);
      if (res.statusCode !== 200) {
        reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = performance.now();
        pending += chunk;
        let nl: number;
        while ((nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          if (!line.startsWith('{"type":"ADDED"')) continue;
          const m = NAME.exec(line);
          if (m && !stream.seen.has(m[1])) stream.seen.set(m[1], now);
        }
      });
      res.on('end', () => { stream.ended = true; });
      res.on('error', () => { stream.ended = true; });
      resolve(stream);
    });
    req.on('timeout', () => req.destroy(new Error(`watch ${path}: no headers in 30 s`)));
    req.on('error', (err) => { stream.ended = true; reject(err); });
    req.end();
  });
}

async function watchOpen(c: WatchOpenCommand): Promise<{ opened: number; ms: number }> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity, ca: c.target.ca, cert: c.target.cert, key: c.target.key });
  const streams: Stream[] = [];
  sets.set(c.set, { streams, agent });
  const t0 = performance.now();
  // At most 50 handshakes in flight: opening is not what is measured.
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(50, c.count) }, async () => {
    while (next < c.count) {
      next++;
      streams.push(await openStream(agent, c.target, c.path));
    }
  }));
  return { opened: streams.length, ms: performance.now() - t0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function watchRun(c: WatchRunCommand): Promise<WatchRunResult> {
  const set = sets.get(c.set);
  if (!set) throw new Error(`no watch set ${c.set}`);
  for (const s of set.streams) s.seen.clear();
  const agent = agentFor(c.target, 50);
  const acks = new Map<string, number>();
  const sent = new Map<string, number>();
  let createErrors = 0;
  const interval = 1000 / c.perSecond;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < c.events; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const name = `${c.namePrefix}${i}`;
    sent.set(name, performance.now());
    inflight.push(send(agent, c.target, 'POST', c.createPath, { Accept: 'application/json', 'User-Agent': 'skiff-bench/0.1' }, configMap(name, c.namespace)).then(
      (r) => { if (r.status === 201) acks.set(name, performance.now()); else createErrors++; },
      () => { createErrors++; },
    ));
  }
  await Promise.all(inflight);
  const expected = [...acks.keys()];
  const deadline = performance.now() + c.settleMs;
  const complete = () => set.streams.every((s) => s.ended || s.seen.size >= expected.length);
  while (!complete() && performance.now() < deadline) await sleep(20);
  const latencies: number[] = [];
  const fromSend: number[] = [];
  let lost = 0;
  let early = 0;
  for (const s of set.streams) {
    for (const name of expected) {
      const at = s.seen.get(name);
      if (at === undefined) { lost++; continue; }
      const d = at - acks.get(name)!;
      if (d < 0) early++;
      latencies.push(Math.max(0, d));
      fromSend.push(at - sent.get(name)!);
    }
  }
  return {
    streams: set.streams.length, events: expected.length, delivered: latencies.length, lost,
    ended: set.streams.filter((s) => s.ended).length,
    p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.length ? latencies.reduce((a, b) => (a > b ? a : b)) : NaN,
    early, createErrors, fromSendP50: percentile(fromSend, 50), fromSendP99: percentile(fromSend, 99),
  };
}

function watchClose(setName: string): { closed: number } {
  const set = sets.get(setName);
  if (!set) return { closed: 0 };
  for (const s of set.streams) s.destroy();
  set.agent.destroy();
  sets.delete(setName);
  return { closed: set.streams.length };
}

async function run(c: Command): Promise<unknown> {
  switch (c.cmd) {
    case 'creates': return creates(c);
    case 'gets': return gets(c);
    case 'request': {
      const r = await send(agentFor(c.target, 50), c.target, c.method, c.path, { Accept: 'application/json', 'User-Agent': 'skiff-bench/0.1' }, c.body, true);
      return { status: r.status, body: r.body?.toString('utf8') ?? '' };
    }
    case 'watchOpen': return watchOpen(c);
    case 'watchRun': return watchRun(c);
    case 'watchClose': return watchClose(c.set);
  }
}

if (process.send) {
  process.on('message', (msg: { id: number; command: Command }) => {
    run(msg.command).then(
      (result) => process.send!({ id: msg.id, ok: true, result }),
      (err: Error) => process.send!({ id: msg.id, ok: false, error: err.stack ?? err.message }),
    );
  });
  // The orchestrator going away ends us too.
  process.on('disconnect', () => process.exit(0));
}
