/**
 * Child processes of the API benchmark: the built `skiff server` under test, the no-op
 * floor server and the load generator. Every child is tracked and killed when the
 * benchmark ends, however it ends.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { Agent, get } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Command, Target } from './loadgen.js';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

const children = new Set<ChildProcess>();

/** Kills every child still running (SIGKILL: used on the way out). */
export function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}
process.on('exit', killAll);

const cleanups = new Set<() => Promise<void> | void>();

/** Something to undo however the benchmark ends (e.g. stop etcd, remove the temp dir); returns an unregister function. */
export function onCleanup(fn: () => Promise<void> | void): () => void {
  cleanups.add(fn);
  return () => { cleanups.delete(fn); };
}

/** Ends the benchmark at once: children killed, cleanups run (for at most 5 s), exit. */
export function abort(code: number): void {
  killAll();
  const pending = Promise.allSettled([...cleanups].map(async (fn) => fn()));
  void Promise.race([pending, new Promise((r) => setTimeout(r, 5000))]).then(() => process.exit(code));
}

// Interrupted: the children and temp files go too, rather than outliving the benchmark.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => abort(130));

function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Newest modification time of the compiled sources' inputs, to skip a needless build. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

/** Runs `npm run build` unless dist/ is newer than every source file. */
export function ensureBuilt(log: (s: string) => void): void {
  let built = 0;
  try { built = statSync(join(ROOT, 'dist/skiff.cjs')).mtimeMs; } catch { /* not built */ }
  if (built > newestSource(join(ROOT, 'src'))) return;
  log('building (npm run build)…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${(r.stdout + r.stderr).slice(-4000)}`);
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** CPU time (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux we run on (getconf CLK_TCK). */
const CLOCK_TICKS = 100;

export interface Started {
  child: ChildProcess;
  pid: number;
  port: number;
  /** From spawn to the first 200 from /readyz. */
  readyMs: number;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Polls GET /readyz (anonymous, over one keep-alive connection once it is up) until it
 * answers 200; the first start has no CA yet, so the certificate is not checked here.
 */
async function waitReady(child: ChildProcess, port: number, log: () => string, timeoutMs: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const deadline = performance.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`process exited during start (code ${child.exitCode}, signal ${child.signalCode}):\n${log()}`);
      const status = await new Promise<number>((resolve) => {
        const req = get({ host: '127.0.0.1', port, path: '/readyz', agent, rejectUnauthorized: false, timeout: 1000 }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve(0));
      });
      if (status === 200) return;
      if (performance.now() > deadline) throw new Error(`no 200 from /readyz on port ${port} within ${timeoutMs} ms:\n${log()}`);
      await sleep(status === 0 ? 2 : 5);
    }
  } finally {
    agent.destroy();
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  }));
}

async function startAndWait(command: string, args: string[], port: number, timeoutMs: number): Promise<Started> {
  let tail = '';
  const t0 = performance.now();
  const child = track(spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  const keep = (chunk: Buffer) => { tail = (tail + chunk.toString('utf8')).slice(-6000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const log = () => tail;
  const stop = stopper(child);
  try {
    await waitReady(child, port, log, timeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { child, pid: child.pid!, port, readyMs: performance.now() - t0, log, stop };
}

/** The built CLI, as users run it: `node bin/skiff.cjs server …`. */
export async function startSkiff(options: { dataDir: string; datastoreEndpoint?: string; nodeArgs?: string[]; root?: string; serverArgs?: string[] }): Promise<Started> {
  const port = await freePort();
  const args = [...(options.nodeArgs ?? []), join(options.root ?? ROOT, 'bin/skiff.cjs'), 'server', '--data-dir', options.dataDir, '--https-listen-port', String(port), '--bind-address', '127.0.0.1'];
  if (options.datastoreEndpoint) args.push('--datastore-endpoint', options.datastoreEndpoint);
  args.push(...(options.serverArgs ?? []));
  return startAndWait(process.execPath, args, port, 30_000);
}

export async function startNoop(tlsDir: string): Promise<Started> {
  const port = await freePort();
  return startAndWait(process.execPath, [join(ROOT, 'bench/api/noop-server.mjs'), '--tls-dir', tlsDir, '--port', String(port)], port, 15_000);
}

/** The admin client's view of a server: its origin and the data dir's client credentials. */
export function targetFor(dataDir: string, port: number): Target {
  const tls = join(dataDir, 'tls');
  return {
    origin: `https://127.0.0.1:${port}`,
    ca: readFileSync(join(tls, 'ca.crt'), 'utf8'),
    cert: readFileSync(join(tls, 'admin.crt'), 'utf8'),
    key: readFileSync(join(tls, 'admin.key'), 'utf8'),
  };
}

/** The load generator process and a call-and-wait wrapper around its IPC. */
export class LoadGenerator {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor() {
    this.child = track(fork(join(ROOT, 'bench/api/loadgen.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    this.child.on('message', (msg: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.ok) w.resolve(msg.result);
      else w.reject(new Error(`load generator: ${msg.error}`));
    });
    this.child.on('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`load generator exited (code ${code}, signal ${signal})`));
      this.waiting.clear();
    });
  }

  call<T>(command: Command, timeoutMs: number): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`load generator: ${command.cmd} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => { clearTimeout(timer); resolve(v as T); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.child.send({ id, command });
    });
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
  }
}
