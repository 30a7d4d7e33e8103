#!/usr/bin/env node
// Runs the test suites with node's built-in runner (through tsx, so no build step).
//   node scripts/test.mjs            unit tests (src/**/*.test.ts) then the slow ones (test/**/*.test.ts)
//   node scripts/test.mjs --unit     only unit tests
//   node scripts/test.mjs --e2e      only the slow suites under test/
//   node scripts/test.mjs FILE...    just these files
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out = []) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

const args = process.argv.slice(2);
let files;
if (args.length && !args[0].startsWith('--')) files = args;
else if (args[0] === '--unit') files = find('src');
else if (args[0] === '--e2e') files = find('test');
else files = [...find('src'), ...find('test')];

// A test that hangs fails after 5 minutes with its name, instead of holding CI until its limit.
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
