/**
 * The API benchmark's results as a markdown table (figure | measured | floor | ratio |
 * goal | met?), and writing it into docs/benchmarks.md between two markers.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CreatesResult, WatchRunResult } from './loadgen.js';
import { fmtBytes, fmtInt, fmtMs, median } from './stats.js';

export type Backend = 'sqlite' | 'etcd';

export interface BackendResults {
  backend: Backend;
  startFresh: number[];
  startExisting: number[];
  rss: number[];
  noopStart: number[];
  noopRss: number[];
  creates: CreatesResult[];
  noopCreates: CreatesResult[];
  /** SQLite single-row inserts/s or etcd puts/s, one per creates run. */
  storeFloor: number[];
  /** etcd only: create transactions/s (what a create asks of etcd), one per creates run. */
  storeCreateFloor: number[];
  /** Server CPU ms per create (from /proc), API and no-op. */
  createsCpu: number[];
  noopCreatesCpu: number[];
  listJson: number[];
  listTable: number[];
  listFloor: number[];
  listTableFloor: number[];
  listBytes: number;
  listTableBytes: number;
  /** Server CPU ms per LIST. */
  listCpu: number[];
  listTableCpu: number[];
  /** The same range read through the store alone (ms). */
  listStore: number[];
  watch: WatchRunResult[];
  noopWatch: WatchRunResult[];
  /** Server CPU ms per event fanned out to every watcher (includes the create). */
  watchCpu: number[];
  noopWatchCpu: number[];
  rssAfterLoad?: number;
}

export interface Report {
  date: Date;
  machine: { cpu: string; cores: number; memoryGiB: number; kernel: string; node: string; loadBefore: number[]; loadAfter: number[]; dataDirFs: string };
  options: { serverRoot?: string; runs: number; seconds: number; concurrency: number; listObjects: number; listRuns: number; watchers: number; watchEvents: number; watchRate: number; idleSeconds: number; warmupSeconds: number };
  results: BackendResults[];
}

export const BEGIN = '<!-- bench:api:begin (written by `npm run bench -- api`) -->';
export const END = '<!-- bench:api:end -->';

const NAMES: Record<Backend, string> = { sqlite: 'SQLite', etcd: 'etcd' };
const MB = 1024 * 1024;

interface Row {
  figure: string;
  measured: string;
  floor: string;
  ratio: string;
  goal: string;
  met: string;
}

const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');
/**
 * Ratios pair each run with the floor run beside it (they saw the same machine load),
 * then take the median of those ratios.
 */
const paired = (a: number[], b: number[]): number => median(a.slice(0, b.length).map((x, i) => x / b[i]).filter(Number.isFinite));
const pct = (a: number[], b: number[]): string => `${(paired(a, b) * 100).toFixed(0)}%`;
const times = (a: number[], b: number[]): string => `${paired(a, b).toFixed(1)}×`;

function rows(r: BackendResults, o: Report['options']): Row[] {
  const B = NAMES[r.backend];
  const out: Row[] = [];
  if (r.creates.length) {
    const rate = median(r.creates.map((c) => c.perSecond));
    const p50 = median(r.creates.map((c) => c.p50));
    const p99 = median(r.creates.map((c) => c.p99));
    const floorRate = median(r.noopCreates.map((c) => c.perSecond));
    const floorP99 = median(r.noopCreates.map((c) => c.p99));
    const share = r.backend === 'sqlite' ? 0.5 : 0.3;
    const rates = r.creates.map((c) => c.perSecond);
    const floorRates = r.noopCreates.map((c) => c.perSecond);
    out.push({ figure: `creates/s, ${B} (${o.concurrency} clients)`, measured: `${fmtInt(rate)}/s`, floor: `${fmtInt(floorRate)}/s no-op HTTPS`, ratio: pct(rates, floorRates), goal: `≥ ${share * 100}% of floor`, met: yes(paired(rates, floorRates) >= share) });
    out.push({ figure: `create latency p99 (p50), ${B}`, measured: `${fmtMs(p99)} (${fmtMs(p50)})`, floor: `${fmtMs(floorP99)} no-op`, ratio: times(r.creates.map((c) => c.p99), r.noopCreates.map((c) => c.p99)), goal: r.backend === 'sqlite' ? '≤ 50 ms' : '—', met: r.backend === 'sqlite' ? yes(p99 <= 50) : '—' });
    const cpu = median(r.createsCpu);
    const floorCpu = median(r.noopCreatesCpu);
    out.push({ figure: `server CPU per create, ${B}`, measured: fmtMs(cpu), floor: `${fmtMs(floorCpu)} no-op`, ratio: times(r.createsCpu, r.noopCreatesCpu), goal: '—', met: '—' });
    const store = median(r.storeFloor);
    out.push({
      figure: `creates/s vs the store alone, ${B}`,
      measured: `${fmtInt(rate)}/s`,
      floor: r.backend === 'sqlite' ? `${fmtInt(store)}/s single-row inserts (FULL, WAL)` : `${fmtInt(store)}/s etcd puts (${o.concurrency} in flight)`,
      ratio: pct(rates, r.storeFloor), goal: '—', met: '—',
    });
    if (r.storeCreateFloor.length) {
      out.push({
        figure: `creates/s vs etcd's own create transactions, ${B}`,
        measured: `${fmtInt(rate)}/s`,
        floor: `${fmtInt(median(r.storeCreateFloor))}/s compare-and-put transactions (${o.concurrency} in flight)`,
        ratio: pct(rates, r.storeCreateFloor), goal: '—', met: '—',
      });
    }
  }
  if (r.listJson.length) {
    const listJson = median(r.listJson);
    const listFloor = median(r.listFloor);
    out.push({ figure: `LIST ${fmtInt(o.listObjects)} ConfigMaps, JSON, ${B}`, measured: `${fmtMs(listJson)} (${fmtBytes(r.listBytes)})`, floor: `${fmtMs(listFloor)} same bytes, no-op`, ratio: times(r.listJson, r.listFloor), goal: '≤ 150 ms', met: yes(listJson <= 150) });
    const listTable = median(r.listTable);
    const listTableFloor = median(r.listTableFloor);
    out.push({ figure: `LIST ${fmtInt(o.listObjects)} ConfigMaps, Table, ${B}`, measured: `${fmtMs(listTable)} (${fmtBytes(r.listTableBytes)})`, floor: `${fmtMs(listTableFloor)} same bytes, no-op`, ratio: times(r.listTable, r.listTableFloor), goal: '—', met: '—' });
    const listStore = median(r.listStore);
    out.push({ figure: `LIST vs the store's range alone, ${B}`, measured: fmtMs(listJson), floor: `${fmtMs(listStore)} ${r.backend === 'sqlite' ? 'SQLite' : 'etcd'} range of the same keys`, ratio: times(r.listJson, r.listStore), goal: '—', met: '—' });
    out.push({ figure: `server CPU per LIST, JSON (Table), ${B}`, measured: `${fmtMs(median(r.listCpu))} (${fmtMs(median(r.listTableCpu))})`, floor: '—', ratio: '—', goal: '—', met: '—' });
  }
  if (r.watch.length) {
    const wp99 = median(r.watch.map((w) => w.p99));
    const wp50 = median(r.watch.map((w) => w.p50));
    const fp99 = median(r.noopWatch.map((w) => w.p99));
    const lost = r.watch.reduce((n, w) => n + w.lost, 0);
    const expected = r.watch.reduce((n, w) => n + w.streams * w.events, 0);
    const floorLost = r.noopWatch.reduce((n, w) => n + w.lost, 0);
    out.push({ figure: `${fmtInt(o.watchers)} watchers, event latency p99 (p50), ${B}`, measured: `${fmtMs(wp99)} (${fmtMs(wp50)})`, floor: `${fmtMs(fp99)} no-op fan-out`, ratio: times(r.watch.map((w) => w.p99), r.noopWatch.map((w) => w.p99)), goal: '≤ 100 ms', met: yes(wp99 <= 100) });
    out.push({ figure: `${fmtInt(o.watchers)} watchers, events lost, ${B}`, measured: `${fmtInt(lost)} of ${fmtInt(expected)}`, floor: `${fmtInt(floorLost)} no-op`, ratio: '—', goal: 'none', met: yes(lost === 0 && expected > 0) });
    const cpu = median(r.watchCpu);
    const floorCpu = median(r.noopWatchCpu);
    out.push({ figure: `server CPU per event to ${fmtInt(o.watchers)} watchers, ${B}`, measured: fmtMs(cpu), floor: `${fmtMs(floorCpu)} no-op`, ratio: times(r.watchCpu, r.noopWatchCpu), goal: '—', met: '—' });
  }
  if (r.startFresh.length) {
    const fresh = median(r.startFresh);
    const existing = median(r.startExisting);
    const noopStart = median(r.noopStart);
    out.push({ figure: `start to /readyz, fresh data dir, ${B}`, measured: fmtMs(fresh), floor: `${fmtMs(noopStart)} no-op start`, ratio: times(r.startFresh, r.noopStart), goal: '≤ 300 ms', met: yes(fresh <= 300) });
    out.push({ figure: `start to /readyz, existing data dir, ${B}`, measured: fmtMs(existing), floor: `${fmtMs(noopStart)} no-op start`, ratio: times(r.startExisting, r.noopStart), goal: '≤ 300 ms', met: yes(existing <= 300) });
    const rss = median(r.rss);
    const noopRss = median(r.noopRss);
    out.push({ figure: `RSS at idle, ${B}`, measured: `${(rss / MB).toFixed(1)} MB`, floor: `${(noopRss / MB).toFixed(1)} MB no-op`, ratio: times(r.rss, r.noopRss), goal: '≤ 80 MB', met: yes(rss <= 80 * MB) });
  }
  if (r.rssAfterLoad !== undefined) out.push({ figure: `RSS after the runs above, ${B}`, measured: `${(r.rssAfterLoad / MB).toFixed(1)} MB`, floor: '—', ratio: '—', goal: '—', met: '—' });
  return out;
}

function perRun(r: BackendResults): string[] {
  const B = NAMES[r.backend];
  const list = (xs: number[], f: (x: number) => string) => xs.map(f).join(', ');
  const lines: Array<[boolean, string]> = [
    [r.creates.length > 0, `- ${B} creates/s: ${list(r.creates.map((c) => c.perSecond), fmtInt)}; no-op: ${list(r.noopCreates.map((c) => c.perSecond), fmtInt)}; store alone: ${list(r.storeFloor, fmtInt)}${r.storeCreateFloor.length ? `; etcd create transactions alone: ${list(r.storeCreateFloor, fmtInt)}` : ''}`],
    [r.creates.length > 0, `- ${B} create p99: ${list(r.creates.map((c) => c.p99), fmtMs)}; server CPU per create: ${list(r.createsCpu, fmtMs)}; no-op: ${list(r.noopCreatesCpu, fmtMs)}`],
    [r.listJson.length > 0, `- ${B} LIST JSON: ${list(r.listJson, fmtMs)}; Table: ${list(r.listTable, fmtMs)}; floor: ${list(r.listFloor, fmtMs)}; store alone: ${list(r.listStore, fmtMs)}; server CPU: ${list(r.listCpu, fmtMs)}`],
    [r.watch.length > 0, `- ${B} watch p99 after the create's acknowledgement: ${list(r.watch.map((w) => w.p99), fmtMs)}; max: ${list(r.watch.map((w) => w.max), fmtMs)}; ` +
      `deliveries before the acknowledgement: ${list(r.watch.map((w) => w.early / Math.max(1, w.delivered)), (x) => `${(x * 100).toFixed(0)}%`)}; ` +
      `p99 from the create's request: ${list(r.watch.map((w) => w.fromSendP99), fmtMs)}; no-op p99: ${list(r.noopWatch.map((w) => w.p99), fmtMs)}, from request: ${list(r.noopWatch.map((w) => w.fromSendP99), fmtMs)}; ` +
      `server CPU per event: ${list(r.watchCpu, fmtMs)}; no-op: ${list(r.noopWatchCpu, fmtMs)}`],
    [r.startFresh.length > 0, `- ${B} start fresh: ${list(r.startFresh, fmtMs)}; existing: ${list(r.startExisting, fmtMs)}; no-op: ${list(r.noopStart, fmtMs)}`],
    [r.rss.length > 0, `- ${B} RSS: ${list(r.rss, (b) => `${(b / MB).toFixed(1)} MB`)}`],
  ];
  return lines.filter(([has]) => has).map(([, line]) => line);
}

export function renderReport(report: Report): string {
  const m = report.machine;
  const o = report.options;
  const lines: string[] = [];
  lines.push(`### Results of ${report.date.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  lines.push('');
  lines.push(`Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB.toFixed(0)} GiB, Linux ${m.kernel}, Node ${m.node}; data dirs under ${m.dataDirFs}. ` +
    `Load average before ${m.loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${m.loadAfter.map((x) => x.toFixed(2)).join(' ')} (the machine is shared: ratios to the same run's floor are steadier than absolute figures).`);
  lines.push('');
  lines.push(`Parameters: ${o.runs} runs of each measurement (median shown); creates ${o.seconds} s per run with ${o.concurrency} clients after a ${o.warmupSeconds} s warm-up; ` +
    `LIST of ${fmtInt(o.listObjects)} objects, ${o.listRuns} GETs per form; ${fmtInt(o.watchers)} watch streams, ${o.watchEvents} creates per run at ${o.watchRate}/s; RSS after ${o.idleSeconds} s idle.${o.serverRoot ? ` Server under test: ${o.serverRoot}.` : ''}`);
  lines.push('');
  lines.push('| figure | measured (median) | floor (same run) | ratio | goal | met? |');
  lines.push('|---|---|---|---|---|---|');
  for (const r of report.results) for (const row of rows(r, o)) lines.push(`| ${row.figure} | ${row.measured} | ${row.floor} | ${row.ratio} | ${row.goal} | ${row.met} |`);
  lines.push('');
  lines.push('<details><summary>Per-run values</summary>');
  lines.push('');
  for (const r of report.results) lines.push(...perRun(r));
  lines.push('');
  lines.push('</details>');
  return lines.join('\n');
}

const SKELETON = `# Benchmarks

${BEGIN}
${END}
`;

/** Replaces what lies between the markers in `path` (creating the file if needed). */
export function writeDocs(path: string, text: string): void {
  let doc = existsSync(path) ? readFileSync(path, 'utf8') : SKELETON;
  if (!doc.includes(BEGIN) || !doc.includes(END)) doc = `${doc.trimEnd()}\n\n${BEGIN}\n${END}\n`;
  const head = doc.slice(0, doc.indexOf(BEGIN) + BEGIN.length);
  const tail = doc.slice(doc.indexOf(END));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${head}\n${text}\n${tail}`);
}
