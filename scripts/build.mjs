#!/usr/bin/env node
// Builds what `bin/skiff.cjs` runs: the whole CLI as one CommonJS file, dist/skiff.cjs.
//
// One file because start-up time is a goal (≤ 300 ms to /readyz): Node resolves and
// links hundreds of ES modules one by one, while a single script is read once and, with
// the V8 code cache bin/skiff.cjs keeps beside it, not even parsed again. CommonJS because
// Node 20 can cache the compiled code of a script (vm.Script cachedData) but not of an ES
// module. Type checking is `npm run typecheck`; esbuild only strips types.
//
// Left outside the bundle: better-sqlite3 (a native addon, loaded from node_modules).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;

rmSync(dist, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/entry.ts'],
  outfile: `${dist}/skiff.cjs`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['better-sqlite3', 'node-pty'],
  sourcemap: 'linked',
  logLevel: 'warning',
});
