/**
 * Acceptance check 5: `kill -9` of the API server loses no acknowledged write.
 *
 * `skiff server` runs as a child process (from the sources, through tsx: see
 * skiff-cli.ts) on a free loopback port with a temp data dir. Eight writers create and
 * update ConfigMaps as fast as they can, recording every acknowledged write with its
 * resourceVersion, while a watcher records events. After about two seconds the server is
 * killed with SIGKILL and started again on the same data dir (and port). Then:
 *
 * - every acknowledged create/update is there, with that write's content and
 *   resourceVersion, or with the one write of its writer that was in flight at the kill;
 * - nothing else is there: no duplicates, no object a writer never sent, no garbled data;
 * - the revision continues above the highest acknowledged one;
 * - the watcher, re-watching from the last resourceVersion it saw, gets every event it
 *   missed, in order, with no gap for any acknowledged write — or a 410 Expired ERROR.
 *
 * Once for SQLite (the default) and once for etcd (a private etcd member; only the Skiff
 * server is killed, etcd keeps running). Each run is bounded (well under 30 s).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { etcdAvailable, startEtcd, type EtcdProcess } from '../../src/store/etcd/testing.js';
import { adminCredentials, httpClient, waitFor, type Credentials, type HttpClient } from './support.js';
import { freePort } from '../support/ports.js';

const CLI = fileURLToPath(new URL('./skiff-cli.ts', import.meta.url));
const NS = 'crash';
const WRITERS = 8;
const OBJECTS_PER_WRITER = 6;
const WRITE_PHASE_MS = 2_000;


interface ServerProcess {
  child: ChildProcess;
  /** The tail of what it printed, for failure messages. */
  output(): string;
  exited: Promise<void>;
}

function startServer(dataDir: string, port: number, datastoreEndpoint?: string): ServerProcess {
  const args = ['--import', 'tsx', CLI, 'server', '--data-dir', dataDir, '--https-listen-port', String(port), '--bind-address', '127.0.0.1', '--log-level', 'warn'];
  if (datastoreEndpoint) args.push('--datastore-endpoint', datastoreEndpoint);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dataDir } });
  let out = '';
  const keep = (d: Buffer): void => { out = (out + d.toString()).slice(-6000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, output: () => out, exited };
}

async function waitReady(dataDir: string, port: number, server: ServerProcess): Promise<Credentials> {
  let creds: Credentials | undefined;
  await waitFor(`skiff server on port ${port} to be ready`, async () => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) throw new Error(`skiff server exited early:\n${server.output()}`);
    if (!existsSync(join(dataDir, 'tls', 'admin.key'))) return false;
    creds ??= adminCredentials(dataDir);
    const client = httpClient(`https://127.0.0.1:${port}`, creds);
    try {
      const r = await client.request({ path: '/readyz', timeoutMs: 2_000 });
      return r.status === 200;
    } finally {
      client.close();
    }
  }, 30_000, 100).catch((err: Error) => {
    throw new Error(`${err.message}\n--- server output ---\n${server.output()}`);
  });
  return creds!;
}

async function kill9(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

interface Write {
  writer: number;
  name: string;
  seq: number;
  op: 'create' | 'update';
  /** Set once acknowledged. */
  rv?: number;
}

interface WatchEvent {
  type: string;
  name: string;
  rv: number;
  seq: number;
  code?: number;
  reason?: string;
}

/** A watch stream decoded line by line; `events` grows as they arrive. */
function openWatch(baseUrl: string, creds: Credentials, path: string): { events: WatchEvent[]; ended: Promise<void>; close(): void } {
  const events: WatchEvent[] = [];
  const url = new URL(baseUrl);
  let buffer = '';
  let close = (): void => {};
  const ended = new Promise<void>((resolve) => {
    const req = request({ hostname: url.hostname, port: url.port, path, ca: creds.ca, cert: creds.cert, key: creds.key, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (d: Buffer) => { body += d; });
        res.on('end', () => { events.push({ type: `HTTP ${res.statusCode}`, name: body, rv: 0, seq: 0 }); resolve(); });
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (!line.trim()) continue;
          const e = JSON.parse(line) as { type: string; object: { metadata?: { name?: string; resourceVersion?: string }; data?: { seq?: string }; code?: number; reason?: string } };
          events.push({
            type: e.type, name: e.object.metadata?.name ?? '', rv: Number(e.object.metadata?.resourceVersion ?? 0), seq: Number(e.object.data?.seq ?? -1),
            code: e.object.code, reason: e.object.reason,
          });
        }
      });
      res.on('end', () => resolve());
      res.on('error', () => resolve());
      res.on('close', () => resolve());
    });
    req.on('error', () => resolve());
    req.end();
    close = () => req.destroy();
  });
  return { events, ended, close: () => close() };
}

function configMap(name: string, seq: number, writer: number): string {
  // Enough payload that a torn write would show, and a checksum-like field to spot garbling.
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { writer: String(writer) } }, data: { seq: String(seq), check: `${name}:${seq}`, pad: 'x'.repeat(200) } });
}

interface Outcome {
  acknowledged: number;
  landedInFlight: number;
  /** Per watcher: events seen before the crash, after the re-watch, or 'expired'. */
  watchers: string[];
}

async function runCrashScenario(label: string, datastoreEndpoint?: string): Promise<Outcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-crash-'));
  const port = await freePort();
  const servers: ServerProcess[] = [];
  const clients: HttpClient[] = [];
  const watches: Array<ReturnType<typeof openWatch>> = [];
  try {
    const first = startServer(dataDir, port, datastoreEndpoint);
    servers.push(first);
    const creds = await waitReady(dataDir, port, first);
    const baseUrl = `https://127.0.0.1:${port}`;
    const admin = httpClient(baseUrl, creds, { maxSockets: 2 });
    clients.push(admin);
    const ns = await admin.request({ method: 'POST', path: '/api/v1/namespaces', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }) });
    assert.equal(ns.status, 201, ns.body.toString());
    const startRv = Number((JSON.parse(ns.body.toString()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);

    // Two watchers start before any write, from the namespace's revision: one stays until the kill, one
    // goes away halfway through the writes, so its re-watch must replay a second of history across the crash.
    const watchPath = `/api/v1/namespaces/${NS}/configmaps?watch=true&resourceVersion=${startRv}&allowWatchBookmarks=true`;
    const live = openWatch(baseUrl, creds, watchPath);
    const lagging = openWatch(baseUrl, creds, watchPath);
    watches.push(live, lagging);
    const laggingTimer = setTimeout(() => lagging.close(), WRITE_PHASE_MS / 2);

    // Writers: each owns its objects, so the last acknowledged write of each is known exactly.
    const writes: Write[] = [];
    const inFlight = new Map<number, Write>();
    let stop = false;
    const writer = async (w: number): Promise<void> => {
      const client = httpClient(baseUrl, creds, { maxSockets: 1 });
      clients.push(client);
      for (let seq = 0; !stop; seq++) {
        const name = `w${w}-${seq % OBJECTS_PER_WRITER}`;
        const op: Write['op'] = seq < OBJECTS_PER_WRITER ? 'create' : 'update';
        const write: Write = { writer: w, name, seq, op };
        inFlight.set(w, write);
        try {
          const r = op === 'create'
            ? await client.request({ method: 'POST', path: `/api/v1/namespaces/${NS}/configmaps`, headers: { 'content-type': 'application/json' }, body: configMap(name, seq, w), timeoutMs: 5_000 })
            : await client.request({ method: 'PUT', path: `/api/v1/namespaces/${NS}/configmaps/${name}`, headers: { 'content-type': 'application/json' }, body: configMap(name, seq, w), timeoutMs: 5_000 });
          if (r.status !== 200 && r.status !== 201) throw new Error(`${op} ${name}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
          write.rv = Number((JSON.parse(r.body.toString()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
          writes.push(write);
          inFlight.delete(w);
        } catch (err) {
          if (stop) return; // the kill: this write stays "in flight", acknowledged or not we cannot know
          throw err;
        }
      }
    };
    const running = Array.from({ length: WRITERS }, (_, w) => writer(w));
    const writerFailure = Promise.race(running.map((p) => p.then(() => new Promise<never>(() => {})))).catch((err: Error) => err);
    const outcome = await Promise.race([new Promise((r) => setTimeout(r, WRITE_PHASE_MS)), writerFailure]);
    clearTimeout(laggingTimer);
    lagging.close();
    if (outcome instanceof Error) throw outcome;
    assert.ok(writes.length >= WRITERS * OBJECTS_PER_WRITER, `${label}: only ${writes.length} writes were acknowledged in ${WRITE_PHASE_MS} ms`);

    // kill -9 in the middle of the writes.
    stop = true;
    await kill9(first);
    await Promise.allSettled(running);
    for (const c of clients.splice(0)) c.close();
    await Promise.all([live.ended, lagging.ended]);

    const second = startServer(dataDir, port, datastoreEndpoint);
    servers.push(second);
    await waitReady(dataDir, port, second);
    const after = httpClient(baseUrl, creds, { maxSockets: 2 });
    clients.push(after);

    // Every acknowledged write is there (or the writer's one in-flight write that landed after it).
    const lastAcked = new Map<string, Write>();
    for (const w of writes) if ((lastAcked.get(w.name)?.seq ?? -1) < w.seq) lastAcked.set(w.name, w);
    const maxAckedRv = Math.max(...writes.map((w) => w.rv!));
    const list = await after.request({ path: `/api/v1/namespaces/${NS}/configmaps` });
    assert.equal(list.status, 200, list.body.toString());
    const body = JSON.parse(list.body.toString()) as { metadata: { resourceVersion: string }; items: Array<{ metadata: { name: string; resourceVersion: string; labels?: Record<string, string> }; data?: Record<string, string> }> };
    const listRv = Number(body.metadata.resourceVersion);
    assert.ok(listRv >= maxAckedRv, `${label}: the store's revision ${listRv} went back below the highest acknowledged one ${maxAckedRv}`);
    const names = body.items.map((i) => i.metadata.name);
    assert.equal(new Set(names).size, names.length, `${label}: duplicate objects after restart: ${names.join(', ')}`);
    const byName = new Map(body.items.map((i) => [i.metadata.name, i]));
    const problems: string[] = [];
    for (const [name, acked] of lastAcked) {
      const got = byName.get(name);
      if (!got) {
        problems.push(`${name}: acknowledged at rv ${acked.rv} (seq ${acked.seq}) but missing after the crash`);
        continue;
      }
      const seq = Number(got.data?.seq);
      const rv = Number(got.metadata.resourceVersion);
      const pending = inFlight.get(acked.writer);
      if (seq === acked.seq) {
        if (rv !== acked.rv) problems.push(`${name}: content of seq ${seq} but rv ${rv}, acknowledged as rv ${acked.rv}`);
      } else if (pending && pending.name === name && seq === pending.seq) {
        if (rv <= acked.rv!) problems.push(`${name}: the in-flight write (seq ${seq}) landed at rv ${rv}, not after the acknowledged rv ${acked.rv}`);
      } else {
        problems.push(`${name}: seq ${seq} at rv ${rv} after the crash; acknowledged seq ${acked.seq} at rv ${acked.rv}${pending?.name === name ? `, in flight seq ${pending.seq}` : ''}`);
      }
    }
    for (const item of body.items) {
      const name = item.metadata.name;
      const seq = Number(item.data?.seq);
      if (item.data?.check !== `${name}:${seq}` || item.data?.pad !== 'x'.repeat(200)) problems.push(`${name}: garbled data ${JSON.stringify(item.data).slice(0, 100)}`);
      if (!lastAcked.has(name)) {
        // Only a create that was in flight at the kill may have landed unacknowledged.
        const pending = [...inFlight.values()].find((w) => w.name === name && w.op === 'create' && w.seq === seq);
        if (!pending) problems.push(`${name}: present after the crash but never written`);
      }
    }
    assert.deepEqual(problems, [], `${label}: ${problems.length} problem(s) after kill -9:\n${problems.join('\n')}`);

    // The revision continues above everything acknowledged.
    const next = await after.request({ method: 'POST', path: `/api/v1/namespaces/${NS}/configmaps`, headers: { 'content-type': 'application/json' }, body: configMap('after-restart', 0, 99) });
    assert.equal(next.status, 201, next.body.toString());
    const nextRv = Number((JSON.parse(next.body.toString()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
    assert.ok(nextRv > maxAckedRv && nextRv > listRv, `${label}: a write after restart got rv ${nextRv}, not above the acknowledged ${maxAckedRv} / listed ${listRv}`);

    // Each watcher resumes from the last revision it saw: the missed events, in order, or 410 Expired.
    const watcherOutcomes: string[] = [];
    for (const [which, watcher] of [['live', live], ['lagging', lagging]] as const) {
      const events = watcher.events.filter((e) => e.type !== 'BOOKMARK');
      assertOrdered(label, `${which} watcher before the crash`, events);
      const lastSeen = Math.max(startRv, ...watcher.events.map((e) => e.rv));
      const resumed = openWatch(baseUrl, creds, `/api/v1/namespaces/${NS}/configmaps?watch=true&resourceVersion=${lastSeen}&allowWatchBookmarks=true&timeoutSeconds=20`);
      watches.push(resumed);
      await waitFor(`${label}: the ${which} watcher's re-watch from rv ${lastSeen} to reach rv ${nextRv}`, () => resumed.events.some((e) => e.rv >= nextRv || e.type === 'ERROR' || e.type.startsWith('HTTP')), 15_000);
      resumed.close();
      const error = resumed.events.find((e) => e.type === 'ERROR' || e.type.startsWith('HTTP'));
      if (error) {
        assert.ok(error.type === 'ERROR' && error.code === 410 && error.reason === 'Expired', `${label}: the ${which} watcher's re-watch failed with ${JSON.stringify(error)}`);
        watcherOutcomes.push(`${which}: ${events.length} events, then 410 Expired`);
        continue;
      }
      const later = resumed.events.filter((e) => e.type !== 'BOOKMARK');
      assertOrdered(label, `${which} watcher after the restart`, later);
      assert.ok(later.length === 0 || later[0].rv > lastSeen, `${label}: the ${which} watcher's re-watch from ${lastSeen} replayed rv ${later[0]?.rv}`);
      const byRv = new Map([...events, ...later].map((e) => [e.rv, e]));
      const gaps: string[] = [];
      for (const w of writes) {
        const e = byRv.get(w.rv!);
        if (!e) gaps.push(`no event for the acknowledged ${w.op} of ${w.name} (seq ${w.seq}) at rv ${w.rv}`);
        else if (e.name !== w.name || e.seq !== w.seq || e.type !== (w.op === 'create' ? 'ADDED' : 'MODIFIED')) gaps.push(`the event at rv ${w.rv} is ${e.type} ${e.name} seq ${e.seq}, the write was ${w.op} ${w.name} seq ${w.seq}`);
      }
      // What exists after the restart was announced too (in-flight writes that landed included).
      for (const item of body.items) {
        const rv = Number(item.metadata.resourceVersion);
        if (!byRv.has(rv)) gaps.push(`${item.metadata.name} exists at rv ${rv} but the watcher never saw that event`);
      }
      assert.deepEqual(gaps.slice(0, 20), [], `${label}: ${gaps.length} gap(s) in the ${which} watcher's events across the crash (${events.length} before, ${later.length} after):\n${gaps.slice(0, 20).join('\n')}`);
      watcherOutcomes.push(`${which}: ${events.length} events before the crash, ${later.length} replayed after it`);
    }
    const landedInFlight = body.items.filter((i) => {
      const acked = lastAcked.get(i.metadata.name);
      return !acked || Number(i.data?.seq) !== acked.seq;
    }).length;
    return { acknowledged: writes.length, landedInFlight, watchers: watcherOutcomes };
  } finally {
    for (const w of watches) w.close();
    for (const c of clients) c.close();
    for (const s of servers) await kill9(s);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(t: { diagnostic(message: string): void }, o: Outcome): void {
  t.diagnostic(`${o.acknowledged} acknowledged writes; ${o.landedInFlight} unacknowledged in-flight write(s) landed`);
  for (const w of o.watchers) t.diagnostic(w);
}

/** Events of one stream come in strictly increasing revision order. */
function assertOrdered(label: string, when: string, events: WatchEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i].rv > events[i - 1].rv, `${label}: watch events ${when} out of order: rv ${events[i - 1].rv} then ${events[i].rv}`);
  }
}

describe('kill -9 of the API server loses no acknowledged write', { timeout: 120_000 }, () => {
  test('SQLite (the default store)', { timeout: 60_000 }, async (t) => {
    report(t, await runCrashScenario('sqlite'));
  });

  describe('etcd', () => {
    let etcd: EtcdProcess | undefined;
    before(async () => {
      if (etcdAvailable()) etcd = await startEtcd();
    });
    after(async () => {
      await etcd?.stop();
    });
    test('etcd (only the Skiff server is killed)', { timeout: 60_000 }, async (t) => {
      if (!etcd) {
        t.skip('etcd is not installed (set SKIFF_ETCD_BINARY or install etcd-server)');
        return;
      }
      report(t, await runCrashScenario('etcd', `etcd://${etcd.endpoint}`));
    });
  });
});
