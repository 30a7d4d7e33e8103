/**
 * The API benchmark (`npm run bench -- api`): the built `skiff server` as users run it,
 * over HTTPS with keep-alive, from a load generator in its own process, on SQLite and on
 * etcd. Each figure is printed beside a floor measured in the same run (a no-op HTTPS
 * server with the same TLS setup, bare SQLite inserts, etcd's own puts), so the API's own
 * cost shows as a ratio. Every measurement is repeated and the median reported.
 */
import Database from 'better-sqlite3';
import { GrpcChannel } from '../../src/store/etcd/grpc.js';
import { encodePutRequest, encodeTxnRequest } from '../../src/store/etcd/messages.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { etcdAvailable, startEtcd, type EtcdProcess } from '../../src/store/etcd/testing.js';
import { openEtcdStore } from '../../src/store/etcd/index.js';
import { Reader } from '../../src/store/sqlite/reader.js';
import { readCurrentRevision } from '../../src/store/sqlite/schema.js';
import { listPrefix } from '../../src/apiserver/registry/keys.js';
import { configMap, type CreatesResult, type GetsResult, type Target, type WatchRunResult } from './loadgen.js';
import { abort, cpuMs, ensureBuilt, LoadGenerator, onCleanup, rssBytes, sleep, startNoop, startSkiff, targetFor, type Started } from './processes.js';
import { closedLoop, median } from './stats.js';
import { renderReport, writeDocs, type Backend, type BackendResults, type Report } from './report.js';

export const API_BENCH_USAGE = `Usage: npm run bench -- api [flags]

Flags (defaults in brackets):
  --backends LIST        sqlite,etcd [both; etcd is skipped when /usr/bin/etcd is missing]
  --runs N               repetitions of every measurement; the median is reported [3]
  --seconds N            length of one creates run [3]
  --warmup-seconds N     creates sent to each server before the measured runs [5]
  --concurrency N        clients in flight for creates [50]
  --list-objects N       objects in the listed namespace [10000]
  --list-runs N          GETs of the list per form [5]
  --watchers N           concurrent watch streams [1000]
  --watch-events N       creates per watch run [100]
  --watch-rate N         creates per second during a watch run [20]
  --idle-seconds N       idle time before RSS is read [3]
  --docs PATH            where to write the results [docs/benchmarks.md]; --no-docs to skip
  --only LIST            sections to run: start,creates,list,watch [all]
  --profile DIR          run the server under test with --cpu-prof, profiles written to DIR
  --skip-build           use dist/ as it is
  --server-root DIR      benchmark the (built) skiff checkout in DIR instead of this one
  --timeout-minutes N    give up (and kill everything) after this long [30]
`;

interface Options {
  backends: Backend[];
  runs: number;
  seconds: number;
  concurrency: number;
  listObjects: number;
  listRuns: number;
  watchers: number;
  watchEvents: number;
  watchRate: number;
  idleSeconds: number;
  warmupSeconds: number;
  docs?: string;
  build: boolean;
  timeoutMinutes: number;
  only: Section[];
  profile?: string;
  serverRoot?: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      backends: { type: 'string', default: 'sqlite,etcd' },
      runs: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '50' },
      'list-objects': { type: 'string', default: '10000' },
      'list-runs': { type: 'string', default: '5' },
      watchers: { type: 'string', default: '1000' },
      'watch-events': { type: 'string', default: '100' },
      'watch-rate': { type: 'string', default: '20' },
      'idle-seconds': { type: 'string', default: '3' },
      'warmup-seconds': { type: 'string', default: '5' },
      docs: { type: 'string', default: 'docs/benchmarks.md' },
      'no-docs': { type: 'boolean', default: false },
      'skip-build': { type: 'boolean', default: false },
      only: { type: 'string', default: SECTIONS.join(',') },
      profile: { type: 'string' },
      'server-root': { type: 'string' },
      'timeout-minutes': { type: 'string', default: '30' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(API_BENCH_USAGE);
    process.exit(0);
  }
  const num = (name: keyof typeof values, min: number, max: number): number => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number in [${min}, ${max}]`);
    return n;
  };
  const backends = String(values.backends).split(',').map((b) => b.trim()).filter(Boolean);
  for (const b of backends) if (b !== 'sqlite' && b !== 'etcd') throw new Error(`unknown backend ${b} (sqlite or etcd)`);
  const only = String(values.only).split(',').map((x) => x.trim()).filter(Boolean) as Section[];
  for (const x of only) if (!SECTIONS.includes(x)) throw new Error(`unknown section ${x} (${SECTIONS.join(', ')})`);
  return {
    backends: backends as Backend[],
    runs: num('runs', 1, 20),
    seconds: num('seconds', 0.5, 60),
    concurrency: num('concurrency', 1, 500),
    listObjects: num('list-objects', 1, 100_000),
    listRuns: num('list-runs', 1, 50),
    watchers: num('watchers', 1, 5000),
    watchEvents: num('watch-events', 1, 10_000),
    watchRate: num('watch-rate', 0.1, 1000),
    idleSeconds: num('idle-seconds', 0, 60),
    warmupSeconds: num('warmup-seconds', 0, 60),
    docs: values['no-docs'] ? undefined : String(values.docs),
    build: !values['skip-build'],
    timeoutMinutes: num('timeout-minutes', 1, 240),
    only,
    profile: values.profile ? resolve(String(values.profile)) : undefined,
    serverRoot: values['server-root'] ? resolve(String(values['server-root'])) : undefined,
  };
}

const log = (s: string): void => { process.stderr.write(`[bench] ${s}\n`); };

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const CM_PATH = (ns: string): string => `/api/v1/namespaces/${ns}/configmaps`;

/** Plain better-sqlite3, one row per transaction, WAL + synchronous=FULL: the store's durability, no batching. */
function sqliteInsertsPerSecond(dir: string, seconds: number): number {
  const db = new Database(join(dir, `floor-${process.hrtime.bigint()}.db`));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE kv (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, value TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO kv (name, value) VALUES (?, ?)');
    const start = performance.now();
    const deadline = start + seconds * 1000;
    let n = 0;
    while (performance.now() < deadline) {
      insert.run(`/registry/configmaps/bench/cm-${n}`, configMap(`cm-${n}`, 'bench'));
      n++;
    }
    return n / ((performance.now() - start) / 1000);
  } finally {
    db.close();
  }
}

/**
 * etcd's own rates through the store's gRPC channel, `concurrency` requests in flight:
 * plain puts (the floor the issue names), and create transactions (compare
 * create_revision = 0, then put: what the store sends for a create).
 */
async function etcdRates(endpoint: string, seconds: number, concurrency: number, run: number): Promise<{ puts: number; creates: number }> {
  const channel = new GrpcChannel({ endpoints: [endpoint.replace(/^https?:\/\//, '')] });
  try {
    const value = Buffer.from(configMap('bench', 'bench'));
    const puts = await closedLoop(seconds, concurrency, (i) => channel.unary('/etcdserverpb.KV/Put', encodePutRequest(Buffer.from(`/bench-floor/put/${run}/${i}`), value)));
    const creates = await closedLoop(seconds, concurrency, (i) => {
      const key = Buffer.from(`/bench-floor/create/${run}/${i}`);
      return channel.unary('/etcdserverpb.KV/Txn', encodeTxnRequest({ compare: [{ key, target: 'create', result: 'equal', revision: 0 }], success: [{ put: { key, value } }], failure: [] }));
    });
    return { puts, creates };
  } finally {
    channel.close();
  }
}

type Section = 'start' | 'creates' | 'list' | 'watch';
const SECTIONS: Section[] = ['start', 'creates', 'list', 'watch'];

/** Runs `fn` and returns its result with the CPU time `pid` used meanwhile. */
async function withCpu<T>(pid: number, fn: () => Promise<T>): Promise<[T, number]> {
  const before = cpuMs(pid);
  const result = await fn();
  return [result, cpuMs(pid) - before];
}

/**
 * The store's own cost of the LIST: the same range read through the same backend code
 * (a second SQLite reader on the server's file; a second etcd client on its prefix).
 */
async function storeRangeTimer(backend: Backend, dataDir: string, etcd: EtcdProcess | undefined, prefix: string): Promise<{ time(): Promise<number>; close(): Promise<void> }> {
  const timer = await openStoreRangeTimer(backend, dataDir, etcd, prefix);
  await timer.time(); // warm-up: connection, statement preparation, page cache
  return timer;
}

async function openStoreRangeTimer(backend: Backend, dataDir: string, etcd: EtcdProcess | undefined, prefix: string): Promise<{ time(): Promise<number>; close(): Promise<void> }> {
  const key = listPrefix({ group: '', plural: 'configmaps', namespaced: true }, 'bench-list');
  if (backend === 'sqlite') {
    const db = new Database(join(dataDir, 'db', 'state.db'), { fileMustExist: true, readonly: true });
    const reader = new Reader(db);
    return {
      time: async () => {
        const t0 = performance.now();
        const r = reader.range({ prefix: key }, readCurrentRevision(db));
        if (!r.items.length) throw new Error('store range returned nothing');
        return performance.now() - t0;
      },
      close: async () => { db.close(); },
    };
  }
  const store = await openEtcdStore({ endpoints: [etcd!.endpoint], prefix });
  return {
    time: async () => {
      const t0 = performance.now();
      const r = await store.range({ prefix: key });
      if (!r.items.length) throw new Error('store range returned nothing');
      return performance.now() - t0;
    },
    close: () => store.close(),
  };
}

async function benchBackend(backend: Backend, o: Options, root: string, gen: LoadGenerator, etcd: EtcdProcess | undefined): Promise<BackendResults> {
  const r: BackendResults = {
    backend,
    startFresh: [], startExisting: [], rss: [], noopStart: [], noopRss: [],
    creates: [], noopCreates: [], storeFloor: [], storeCreateFloor: [], createsCpu: [], noopCreatesCpu: [],
    listJson: [], listTable: [], listFloor: [], listTableFloor: [], listBytes: 0, listTableBytes: 0, listCpu: [], listTableCpu: [], listStore: [],
    watch: [], noopWatch: [], watchCpu: [], noopWatchCpu: [],
  };
  const endpointFor = (dir: string): string | undefined => (etcd ? `etcd://${etcd.endpoint}/${dir.split('/').pop()}` : undefined);
  const dirOf = (i: number) => join(root, `${backend}-${i}`);

  // 1. Start-up and idle RSS: a fresh data dir (certificates generated), then the same one again.
  if (o.only.includes('start')) {
    for (let i = 0; i < o.runs; i++) {
      const dataDir = dirOf(i);
      const fresh = await startSkiff({ dataDir, datastoreEndpoint: endpointFor(dataDir), root: o.serverRoot });
      r.startFresh.push(fresh.readyMs);
      await fresh.stop();
      const again = await startSkiff({ dataDir, datastoreEndpoint: endpointFor(dataDir), root: o.serverRoot });
      r.startExisting.push(again.readyMs);
      await sleep(o.idleSeconds * 1000);
      r.rss.push(rssBytes(again.pid));
      await again.stop();
      const noop = await startNoop(join(dataDir, 'tls'));
      r.noopStart.push(noop.readyMs);
      await sleep(o.idleSeconds * 1000);
      r.noopRss.push(rssBytes(noop.pid));
      await noop.stop();
      log(`${backend} start ${i + 1}/${o.runs}: fresh ${fresh.readyMs.toFixed(0)} ms, existing ${again.readyMs.toFixed(0)} ms, RSS ${(r.rss[i] / 1048576).toFixed(1)} MB; no-op start ${noop.readyMs.toFixed(0)} ms, RSS ${(r.noopRss[i] / 1048576).toFixed(1)} MB`);
    }
  }
  if (!o.only.some((x) => x !== 'start')) return r;

  // The server for the load runs (optionally profiled), and the floor beside it.
  const dataDir = dirOf(0);
  let server: Started | undefined;
  let noop: Started | undefined;
  try {
    const nodeArgs = o.profile ? ['--cpu-prof', `--cpu-prof-dir=${o.profile}`, `--cpu-prof-name=skiff-${backend}-${o.only.join('-')}.cpuprofile`] : [];
    server = await startSkiff({ dataDir, datastoreEndpoint: endpointFor(dataDir), nodeArgs, root: o.serverRoot });
    noop = await startNoop(join(dataDir, 'tls'));
    const pid = server.pid;
    const noopPid = noop.pid;
    const api = targetFor(dataDir, server.port);
    const floor = targetFor(dataDir, noop.port);
    for (const ns of ['bench-create', 'bench-list', 'bench-watch']) {
      const res = await gen.call<{ status: number; body: string }>({ cmd: 'request', target: api, method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }) }, 30_000);
      if (res.status !== 201 && res.status !== 409) throw new Error(`creating namespace ${ns}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
    }

    // 2. Creates: floor and API runs interleaved, after a warm-up of each. Long enough for
    // V8 to have optimized the request path: with 2 s, the first etcd run still cost
    // twice the CPU per create of the later ones.
    if (o.only.includes('creates')) {
      const createsRun = (target: Target, prefix: string, seconds: number) =>
        gen.call<CreatesResult>({ cmd: 'creates', target, path: CM_PATH('bench-create'), namePrefix: prefix, namespace: 'bench-create', concurrency: o.concurrency, seconds }, seconds * 1000 + 60_000);
      await createsRun(floor, 'warm-', o.warmupSeconds);
      const warm = await createsRun(api, 'warm-', o.warmupSeconds);
      if (warm.errors) throw new Error(`creates failed: ${warm.firstError}`);
      for (let i = 0; i < o.runs; i++) {
        const [f, fcpu] = await withCpu(noopPid, () => createsRun(floor, `f${i}-`, o.seconds));
        const [a, acpu] = await withCpu(pid, () => createsRun(api, `c${i}-`, o.seconds));
        if (a.errors) throw new Error(`creates failed (${a.errors}): ${a.firstError}`);
        r.noopCreates.push(f);
        r.creates.push(a);
        r.noopCreatesCpu.push(fcpu / f.requests);
        r.createsCpu.push(acpu / a.requests);
        let s: number;
        if (backend === 'sqlite') s = sqliteInsertsPerSecond(root, Math.min(o.seconds, 2));
        else {
          const rates = await etcdRates(etcd!.endpoint, Math.min(o.seconds, 2), o.concurrency, i);
          s = rates.puts;
          r.storeCreateFloor.push(rates.creates);
        }
        r.storeFloor.push(s);
        log(`${backend} creates ${i + 1}/${o.runs}: ${a.perSecond.toFixed(0)}/s (p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms, server CPU ${(acpu / a.requests).toFixed(2)} ms each); ` +
          `no-op ${f.perSecond.toFixed(0)}/s (CPU ${(fcpu / f.requests).toFixed(2)} ms each); ${backend === 'sqlite' ? 'SQLite inserts' : 'etcd puts'} ${s.toFixed(0)}/s${backend === 'etcd' ? `, create transactions ${r.storeCreateFloor[r.storeCreateFloor.length - 1]!.toFixed(0)}/s` : ''}`);
      }
    }

    // 3. LIST: fill one namespace, check the list is whole, then time JSON and Table GETs.
    if (o.only.includes('list')) {
      const fillStart = performance.now();
      const fill = await gen.call<CreatesResult>({ cmd: 'creates', target: api, path: CM_PATH('bench-list'), namePrefix: 'item-', namespace: 'bench-list', concurrency: o.concurrency, count: o.listObjects }, 600_000);
      if (fill.errors) throw new Error(`filling the list failed (${fill.errors}): ${fill.firstError}`);
      log(`${backend} filled ${o.listObjects} objects in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`);
      const check = await gen.call<GetsResult>({ cmd: 'gets', target: api, path: CM_PATH('bench-list'), times: 1, keepLastBody: true }, 120_000);
      const listed = (JSON.parse(check.lastBody!) as { items: unknown[] }).items.length;
      if (listed !== o.listObjects) throw new Error(`LIST returned ${listed} items, expected ${o.listObjects}`);
      const checkTable = await gen.call<GetsResult>({ cmd: 'gets', target: api, path: CM_PATH('bench-list'), accept: TABLE_ACCEPT, times: 1, keepLastBody: true }, 120_000);
      const rows = (JSON.parse(checkTable.lastBody!) as { rows: unknown[] }).rows.length;
      if (rows !== o.listObjects) throw new Error(`LIST as Table returned ${rows} rows, expected ${o.listObjects}`);
      r.listBytes = check.bytes;
      r.listTableBytes = checkTable.bytes;
      const get = (target: Target, path: string, accept?: string) => gen.call<GetsResult>({ cmd: 'gets', target, path, accept, times: 1 }, 120_000);
      const storeRange = await storeRangeTimer(backend, dataDir, etcd, `/${dataDir.split('/').pop()}/`);
      try {
        for (let i = 0; i < o.listRuns; i++) r.listStore.push(await storeRange.time());
      } finally {
        await storeRange.close();
      }
      for (let i = 0; i < o.listRuns; i++) {
        const f = await get(floor, `/blob?bytes=${check.bytes}`);
        const [j, jcpu] = await withCpu(pid, () => get(api, CM_PATH('bench-list')));
        const [t, tcpu] = await withCpu(pid, () => get(api, CM_PATH('bench-list'), TABLE_ACCEPT));
        const ft = await get(floor, `/blob?bytes=${checkTable.bytes}`);
        r.listFloor.push(f.ms[0]);
        r.listJson.push(j.ms[0]);
        r.listTable.push(t.ms[0]);
        r.listTableFloor.push(ft.ms[0]);
        r.listCpu.push(jcpu);
        r.listTableCpu.push(tcpu);
      }
      log(`${backend} LIST ${o.listObjects}: JSON ${median(r.listJson).toFixed(1)} ms (server CPU ${median(r.listCpu).toFixed(0)} ms), Table ${median(r.listTable).toFixed(1)} ms (CPU ${median(r.listTableCpu).toFixed(0)} ms), floor ${median(r.listFloor).toFixed(1)} ms (${check.bytes} bytes), store alone ${median(r.listStore).toFixed(1)} ms`);
    }

    // 4. Watch fan-out: N streams on the API and N on the floor, runs interleaved.
    if (o.only.includes('watch')) {
      const rv = (JSON.parse((await gen.call<GetsResult>({ cmd: 'gets', target: api, path: `${CM_PATH('bench-watch')}?limit=1`, times: 1, keepLastBody: true }, 30_000)).lastBody!) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      const openApi = await gen.call<{ opened: number; ms: number }>({ cmd: 'watchOpen', set: 'api', target: api, path: `${CM_PATH('bench-watch')}?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}&timeoutSeconds=1800`, count: o.watchers }, 300_000);
      const openFloor = await gen.call<{ opened: number; ms: number }>({ cmd: 'watchOpen', set: 'floor', target: floor, path: '/watch?watch=1', count: o.watchers }, 300_000);
      log(`${backend} opened ${openApi.opened} watches in ${openApi.ms.toFixed(0)} ms (floor: ${openFloor.opened} in ${openFloor.ms.toFixed(0)} ms)`);
      const watchRun = (set: string, target: Target, prefix: string) =>
        gen.call<WatchRunResult>({ cmd: 'watchRun', set, target, createPath: CM_PATH('bench-watch'), namespace: 'bench-watch', namePrefix: prefix, events: o.watchEvents, perSecond: o.watchRate, settleMs: 15_000 }, (o.watchEvents / o.watchRate) * 1000 + 120_000);
      for (let i = 0; i < o.runs; i++) {
        const [f, fcpu] = await withCpu(noopPid, () => watchRun('floor', floor, `wf${i}-`));
        const [a, acpu] = await withCpu(pid, () => watchRun('api', api, `w${i}-`));
        if (a.createErrors) throw new Error(`${a.createErrors} creates failed during the watch run`);
        r.noopWatch.push(f);
        r.watch.push(a);
        r.noopWatchCpu.push(fcpu / f.events);
        r.watchCpu.push(acpu / a.events);
        log(`${backend} watch ${i + 1}/${o.runs}: ${a.delivered}/${a.streams * a.events} delivered, lost ${a.lost}, p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms, max ${a.max.toFixed(0)} ms ` +
          `(${a.early} before the ack; from request p99 ${a.fromSendP99.toFixed(1)} ms; server CPU ${(acpu / a.events).toFixed(1)} ms per event); ` +
          `floor p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, lost ${f.lost}, CPU ${(fcpu / f.events).toFixed(1)} ms per event`);
      }
      await gen.call({ cmd: 'watchClose', set: 'api' }, 30_000);
      await gen.call({ cmd: 'watchClose', set: 'floor' }, 30_000);
    }
    r.rssAfterLoad = rssBytes(server.pid);
  } finally {
    await noop?.stop();
    await server?.stop();
  }
  return r;
}

export async function runApiBench(argv: string[]): Promise<void> {
  const o = parseOptions(argv);
  const overall = setTimeout(() => {
    log(`gave up after ${o.timeoutMinutes} minutes`);
    abort(1);
  }, o.timeoutMinutes * 60_000);
  overall.unref();
  let backends = o.backends;
  if (backends.includes('etcd') && !etcdAvailable()) {
    log('etcd binary not found (/usr/bin/etcd or $SKIFF_ETCD_BINARY): skipping the etcd backend');
    backends = backends.filter((b) => b !== 'etcd');
  }
  if (o.build && !o.serverRoot) ensureBuilt(log);
  const root = mkdtempSync(join(tmpdir(), 'skiff-bench-'));
  const forgetRoot = onCleanup(() => rmSync(root, { recursive: true, force: true }));
  const loadBefore = loadavg();
  const started = new Date();
  const gen = new LoadGenerator();
  let etcd: EtcdProcess | undefined;
  const results: BackendResults[] = [];
  try {
    for (const backend of backends) {
      let forgetEtcd = (): void => {};
      if (backend === 'etcd') {
        const started = await startEtcd({ dataDir: undefined });
        etcd = started;
        forgetEtcd = onCleanup(() => started.stop());
      }
      try {
        results.push(await benchBackend(backend, o, root, gen, backend === 'etcd' ? etcd : undefined));
      } finally {
        if (backend === 'etcd') { await etcd?.stop(); etcd = undefined; forgetEtcd(); }
      }
    }
  } finally {
    gen.stop();
    await etcd?.stop();
    rmSync(root, { recursive: true, force: true });
    forgetRoot();
  }
  const report: Report = {
    date: started,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: totalmem() / 2 ** 30, kernel: release(), node: process.version, loadBefore, loadAfter: loadavg(), dataDirFs: tmpdir() },
    options: { serverRoot: o.serverRoot, runs: o.runs, seconds: o.seconds, concurrency: o.concurrency, listObjects: o.listObjects, listRuns: o.listRuns, watchers: o.watchers, watchEvents: o.watchEvents, watchRate: o.watchRate, idleSeconds: o.idleSeconds, warmupSeconds: o.warmupSeconds },
    results,
  };
  const text = renderReport(report);
  process.stdout.write(text + '\n');
  if (o.docs) {
    writeDocs(o.docs, text);
    log(`results written to ${o.docs}`);
  }
  clearTimeout(overall);
}
