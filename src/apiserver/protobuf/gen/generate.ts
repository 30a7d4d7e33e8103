/**
 * Dev tool: derives the compact message table in `../descriptors.generated.ts` from
 * upstream's wire-format facts. Field numbers and types come from the `generated.proto`
 * files; the JSON-only facts protobuf does not carry (omitempty, pointer fields,
 * `json:",inline"` embedding) come from the `json:`/`protobuf:` struct tags in the Go
 * types of the same packages.
 *
 *   node --import tsx src/apiserver/protobuf/gen/generate.ts \
 *     <kubernetes/api git dir> <kubernetes/apimachinery git dir> <tag, e.g. v0.33.9>
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KIND_MESSAGES } from '../kinds.js';

interface ProtoField { num: number; name: string; type: string; repeated: boolean; mapKey?: string }
interface GoField { jsonName: string; omitempty: boolean; inline: boolean; pointer: boolean }

const SCALARS = new Set(['string', 'bytes', 'bool', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float', 'sint32', 'sint64', 'fixed32', 'fixed64']);
/** Messages with a JSON form of their own; the decoder converts them, so their fields need no Go facts. */
const SPECIAL = new Set([
  'apimachinery.pkg.apis.meta.v1.Time', 'apimachinery.pkg.apis.meta.v1.MicroTime', 'apimachinery.pkg.apis.meta.v1.Duration',
  'apimachinery.pkg.apis.meta.v1.FieldsV1', 'apimachinery.pkg.api.resource.Quantity', 'apimachinery.pkg.util.intstr.IntOrString',
  'apimachinery.pkg.runtime.RawExtension',
]);

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

function parseProto(text: string, out: Map<string, ProtoField[]>): void {
  const pkg = /^package k8s\.io\.([\w.]+);/m.exec(text)![1];
  const qualify = (t: string): string => (SCALARS.has(t) ? t : t.startsWith('.k8s.io.') ? t.slice(8) : `${pkg}.${t}`);
  for (const m of text.matchAll(/^message (\w+) \{\n([\s\S]*?)^\}/gm)) {
    const fields: ProtoField[] = [];
    for (const line of m[2].split('\n')) {
      const plain = /^\s+(optional|repeated) ([\w.]+) (\w+) = (\d+)/.exec(line);
      if (plain) fields.push({ num: +plain[4], name: plain[3], type: qualify(plain[2]), repeated: plain[1] === 'repeated' });
      const map = /^\s+map<([\w.]+), ?([\w.]+)> (\w+) = (\d+)/.exec(line);
      if (map) fields.push({ num: +map[4], name: map[3], type: qualify(map[2]), repeated: false, mapKey: map[1] });
    }
    out.set(`${pkg}.${m[1]}`, fields);
  }
}

/** Go struct name → protobuf field number → JSON facts. */
function parseGo(text: string, pkg: string, out: Map<string, Map<number, GoField>>): void {
  for (const m of text.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
    const fields = out.get(`${pkg}.${m[1]}`) ?? new Map<number, GoField>();
    for (const line of m[2].split('\n')) {
      const tag = /`(.*)`/.exec(line)?.[1];
      const pb = tag && /protobuf:"\w+,(\d+),/.exec(tag);
      if (!tag || !pb) continue;
      const json = /json:"([^"]*)"/.exec(tag)?.[1] ?? '';
      const [jsonName, ...opts] = json.split(',');
      const decl = line.trim().split(/\s+/);
      const goType = decl[1]?.startsWith('`') ? decl[0] : decl[1];
      fields.set(+pb[1], { jsonName, omitempty: opts.includes('omitempty'), inline: opts.includes('inline'), pointer: goType.startsWith('*') });
    }
    out.set(`${pkg}.${m[1]}`, fields);
  }
}

function main(): void {
  const [apiDir, machineryDir, tag] = process.argv.slice(2);
  if (!tag) throw new Error('usage: generate.ts <api git dir> <apimachinery git dir> <tag>');
  const proto = new Map<string, ProtoField[]>();
  const go = new Map<string, Map<number, GoField>>();
  const load = (dir: string, path: string, pkg: string): void => {
    const files = git(dir, 'ls-tree', '--name-only', `${tag}:${path}`).split('\n');
    for (const f of files) {
      if (f === 'generated.proto') parseProto(git(dir, 'show', `${tag}:${path}/${f}`), proto);
      else if (f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_') && f !== 'generated.pb.go') parseGo(git(dir, 'show', `${tag}:${path}/${f}`), pkg, go);
    }
  };
  for (const gv of ['core/v1', 'apps/v1', 'batch/v1', 'policy/v1', 'networking/v1', 'rbac/v1', 'autoscaling/v1', 'autoscaling/v2', 'authorization/v1', 'authentication/v1', 'authentication/v1beta1', 'coordination/v1', 'scheduling/v1']) {
    load(apiDir, gv, `api.${gv.replace('/', '.')}`);
  }
  for (const p of ['pkg/apis/meta/v1', 'pkg/runtime', 'pkg/api/resource', 'pkg/util/intstr']) load(machineryDir, p, `apimachinery.${p.replaceAll('/', '.')}`);

  const wanted: string[] = [...new Set(Object.values(KIND_MESSAGES))];
  const lines: string[] = [];
  const seen = new Set<string>();
  const warnings: string[] = [];
  while (wanted.length) {
    const name = wanted.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const fields = proto.get(name);
    if (!fields) throw new Error(`no proto message ${name}`);
    const goFields = go.get(name);
    // A message whose Go type is a named slice (ExtraValue and friends) has no struct.
    if (!goFields && !SPECIAL.has(name) && !(fields.length === 1 && fields[0].name === 'items')) warnings.push(`no Go struct for ${name}`);
    const entries = fields.map((f) => {
      const g = goFields?.get(f.num);
      if (goFields && !g && !SPECIAL.has(name)) warnings.push(`no Go field ${name}#${f.num} ${f.name}`);
      if (!SCALARS.has(f.type)) wanted.push(f.type);
      const flags = (f.repeated ? 'r' : '') + (g?.pointer ? 'p' : '') + (g?.omitempty ?? true ? 'o' : '') + (g?.inline ? 'i' : '');
      const type = f.mapKey ? `map<${f.mapKey},${f.type}>` : f.type;
      return `[${f.num}, '${g && !g.inline && g.jsonName ? g.jsonName : f.name}', '${type}', '${flags}']`;
    });
    lines.push(`  '${name}': [${entries.join(', ')}],`);
  }
  lines.sort();
  const out = [
    '// Generated by gen/generate.ts from kubernetes/api and kubernetes/apimachinery ' + tag + '. Do not edit.',
    '// Each field: [number, JSON name, type, flags]; flags: r repeated, p Go pointer, o omitempty, i inline.',
    "import type { MessageTable } from './descriptor.js';",
    '',
    'export const MESSAGES: MessageTable = {',
    ...lines,
    '};',
    '',
  ].join('\n');
  writeFileSync(fileURLToPath(new URL('../descriptors.generated.ts', import.meta.url)), out);
  for (const w of warnings) console.warn(w);
  console.log(`${seen.size} messages`);
}

main();
