/**
 * Whether the installed @kubernetes/client-node can load on this Node: its tests are
 * skipped loudly when not.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// Loaded dynamically, and only when the installed client's HTTP stack supports this Node:
// client-node 2.x pulls in undici 8, which needs Node >= 22.19 and throws while loading on
// older ones. Then this file is skipped loudly (client-node 1.4 works on Node 20).
export function unsupportedReason(): string | undefined {
  // The package `import` would load (dist/index.js) → its package.json two levels up.
  const pkgPath = fileURLToPath(new URL('../package.json', import.meta.resolve('@kubernetes/client-node')));
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string; dependencies?: Record<string, string> };
  if (!pkg.dependencies?.undici) return undefined;
  const undici = JSON.parse(readFileSync(createRequire(pkgPath).resolve('undici/package.json'), 'utf8')) as { version: string; engines?: { node?: string } };
  const min = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(undici.engines?.node?.trim() ?? '');
  if (!min) return undefined;
  const have = process.versions.node.split('.').map(Number);
  const want = min.slice(1).map(Number);
  const cmp = have[0] - want[0] || have[1] - want[1] || have[2] - want[2];
  return cmp < 0 ? `@kubernetes/client-node ${pkg.version} needs undici ${undici.version}, which needs Node ${undici.engines!.node}; this is ${process.version} (use client-node ~1.4 on Node 20)` : undefined;
}
