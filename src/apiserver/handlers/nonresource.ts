/**
 * Paths that are not resources: health, version, metrics, discovery and OpenAPI.
 * Health and version are public, as upstream's system:public-info-viewer role makes them.
 */
import { Unauthorized } from '../../api/errors.js';
import type { NonResourceRequestInfo } from '../request-info.js';
import type { ApiContext, RequestScope } from '../context.js';
import { notFoundResource } from './resource.js';
import { serveDiscovery } from './discovery.js';
import { serveOpenApi } from './openapi.js';

export interface ServerState {
  ready(): boolean;
  version: { gitVersion: string };
  authenticated: boolean;
}

const HEALTH = new Set(['/healthz', '/livez', '/readyz']);

function plain(scope: RequestScope, code: number, text: string): void {
  scope.res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(text) });
  scope.res.end(text);
}

function versionInfo(version: { gitVersion: string }): Record<string, string> {
  const m = /^v(\d+)\.(\d+)/.exec(version.gitVersion);
  return {
    major: m?.[1] ?? '1', minor: m?.[2] ?? '33', gitVersion: version.gitVersion, gitCommit: '', gitTreeState: 'clean',
    buildDate: '', goVersion: `node${process.versions.node}`, compiler: 'tsc', platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export async function handleNonResource(api: ApiContext, scope: RequestScope, info: NonResourceRequestInfo, state: ServerState): Promise<void> {
  const path = info.path.length > 1 ? info.path.replace(/\/+$/, '') : info.path;
  const base = '/' + (path.split('/')[1] ?? '');
  if (HEALTH.has(base)) {
    const ok = base !== '/readyz' || state.ready();
    if (scope.url.searchParams.has('verbose')) {
      const checks = ['ping', 'log', 'etcd', ...(base === '/readyz' ? ['informer-sync', 'poststarthook/bootstrap-namespaces'] : [])];
      const lines = checks.map((c) => `[${ok || c !== 'poststarthook/bootstrap-namespaces' ? '+' : '-'}]${c} ${ok || c !== 'poststarthook/bootstrap-namespaces' ? 'ok' : 'failed: reason withheld'}`);
      return plain(scope, ok ? 200 : 500, `${lines.join('\n')}\n${base.slice(1)} check ${ok ? 'passed' : 'failed'}\n`);
    }
    return plain(scope, ok ? 200 : 500, ok ? 'ok' : `[-]poststarthook/bootstrap-namespaces failed: reason withheld\n${base.slice(1)} check failed`);
  }
  if (path === '/version') {
    scope.res.writeHead(200, { 'Content-Type': 'application/json' });
    scope.res.end(JSON.stringify(versionInfo(state.version), null, 2));
    return;
  }
  if (!state.authenticated) throw new Unauthorized();
  if (path === '/metrics') {
    const text = await api.metrics.registry.metrics();
    scope.res.writeHead(200, { 'Content-Type': api.metrics.registry.contentType });
    scope.res.end(text);
    return;
  }
  if (path === '/api' || path.startsWith('/api/') || path === '/apis' || path.startsWith('/apis/')) {
    return serveDiscovery(api, scope, path);
  }
  if (path === '/openapi/v2' || path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
    return serveOpenApi(api, scope, path);
  }
  throw notFoundResource();
}
