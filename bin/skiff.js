#!/usr/bin/env node
// The `skiff` command: the compiled CLI, built by `npm install` (through `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/entry.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('skiff: not built yet: run `npm run build` (npm install does it) in the skiff checkout\n');
  process.exit(1);
}
await import(entry.href);
