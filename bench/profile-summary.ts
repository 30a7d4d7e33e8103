/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. `npm run bench -- api --profile DIR`):
 * the functions with the most self time, and the most inclusive time, by source location.
 *
 *   node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top 30] [--filter text] [--by-file] [--tree functionName --depth 4]
 *
 * --by-file adds self time per source file (per package for node_modules), idle excluded.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' }, filter: { type: 'string' }, tree: { type: 'string' }, depth: { type: 'string', default: '4' }, 'by-file': { type: 'boolean', default: false } } });
if (!positionals[0]) {
  console.error('usage: profile-summary FILE.cpuprofile [--top N] [--filter text]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile;
const top = Number(values.top);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: Node): string => {
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
};

const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  all += dt;
  const n = byId.get(id)!;
  self.set(label(n), (self.get(label(n)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    total.set(l, (total.get(l) ?? 0) + dt);
  }
});

const show = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title} (of ${(all / 1000).toFixed(0)} ms sampled)`);
  [...m.entries()]
    .filter(([l]) => !values.filter || l.includes(values.filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([l, us]) => console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((us / all) * 100).toFixed(1).padStart(5)}%  ${l}`));
};
show('self time', self);
show('inclusive time', total);

if (values['by-file']) {
  const files = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    if (n.callFrame.functionName === '(idle)') return;
    const dt = profile.timeDeltas[i] ?? 0;
    busy += dt;
    const url = n.callFrame.url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/');
    const file = !url ? n.callFrame.functionName : url.startsWith('node_modules/') ? url.split('/').slice(0, url.startsWith('node_modules/@') ? 3 : 2).join('/') : url;
    files.set(file, (files.get(file) ?? 0) + dt);
  });
  console.log(`\nself time by file (of ${(busy / 1000).toFixed(0)} ms busy)`);
  [...files.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .forEach(([f, us]) => console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${f}`));
}

if (values.tree) {
  // Top-down: every call of the named function merged, children by inclusive time.
  const inclusive = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) inclusive.set(cur, (inclusive.get(cur) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  interface Merged { us: number; children: Map<string, Merged> }
  const root: Merged = { us: 0, children: new Map() };
  const merge = (into: Merged, n: Node, depth: number): void => {
    const l = label(n);
    let m = into.children.get(l);
    if (!m) into.children.set(l, (m = { us: 0, children: new Map() }));
    m.us += inclusive.get(n.id) ?? 0;
    if (depth > 0) for (const c of n.children ?? []) merge(m, byId.get(c)!, depth - 1);
  };
  const isInside = (n: Node): boolean => {
    for (let cur = parent.get(n.id); cur !== undefined; cur = parent.get(cur)) if (byId.get(cur)!.callFrame.functionName === values.tree) return true;
    return false;
  };
  for (const n of profile.nodes) if (n.callFrame.functionName === values.tree && !isInside(n)) merge(root, n, Number(values.depth));
  const print = (m: Merged, indent: string): void => {
    for (const [l, c] of [...m.children.entries()].sort((a, b) => b[1].us - a[1].us)) {
      if (c.us < all * 0.002) continue;
      console.log(`${(c.us / 1000).toFixed(0).padStart(7)} ms ${indent}${l}`);
      print(c, indent + '  ');
    }
  };
  console.log(`\ntree of ${values.tree}`);
  print(root, '');
}
