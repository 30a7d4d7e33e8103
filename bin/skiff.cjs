#!/usr/bin/env node
// The `skiff` command. Runs dist/skiff.cjs, the CLI bundled into one script by
// scripts/build.mjs (`npm install` builds it through `prepare`).
//
// The script is compiled with a V8 code cache kept beside it (dist/skiff.cjs.cache), so
// a start after the first skips parsing and compiling ~1 MB of JavaScript: the same
// thing Node 22's module.enableCompileCache() does, which Node 20 lacks. The cache is
// written by a server once it has started (`skiff:started`: it then holds the functions
// start-up compiled, which a short command like `skiff version` would not) and rewritten
// whenever V8 rejects it (another Node version, a new build).
//
// This file is CommonJS so that Node does not start its ES module loader just to run it.
'use strict';
const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const file = join(__dirname, '../dist/skiff.cjs');
const cacheFile = `${file}.cache`;
if (!existsSync(file)) {
  process.stderr.write('skiff: not built yet: run `npm run build` (npm install does it) in the skiff checkout\n');
  process.exit(1);
}

let cachedData;
try { cachedData = readFileSync(cacheFile); } catch { /* first run */ }
const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });

if (cachedData === undefined || script.cachedDataRejected) {
  let saved = false;
  const save = () => {
    if (saved) return;
    saved = true;
    try {
      const temp = `${cacheFile}.${process.pid}`;
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, cacheFile); // atomic: a concurrent start reads the old cache or the new, never half
    } catch { /* a read-only install runs without the cache */ }
  };
  process.once('skiff:started', () => {
    setTimeout(save, 2_000).unref();
    process.once('exit', save);
  });
}

const bundle = new Module(file);
bundle.filename = file;
bundle.paths = Module._nodeModulePaths(dirname(file));
script.runInThisContext()(bundle.exports, Module.createRequire(file), bundle, file, dirname(file));
