/**
 * The non-resource endpoints: health and version are public (as upstream's
 * system:public-info-viewer role makes them), everything else needs credentials;
 * /metrics speaks Prometheus with request, store and watch figures; the admin token
 * authenticates like the client certificate.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTestCluster } from '../support/cluster.js';

function anonymous(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { rejectUnauthorized: false, headers }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

describe('non-resource endpoints', () => {
  const env = useTestCluster();

  it('serves /healthz, /livez, /readyz and /version without credentials', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const r = await anonymous(env.cluster.url, path);
      assert.equal(r.status, 200, path);
      assert.equal(r.body, 'ok');
    }
    const verbose = await anonymous(env.cluster.url, '/readyz?verbose');
    assert.match(verbose.body, /\[\+\]ping ok/);
    assert.match(verbose.body, /readyz check passed/);
    const version = JSON.parse((await anonymous(env.cluster.url, '/version')).body);
    assert.equal(version.major, '1');
    assert.equal(version.minor, '33');
    assert.match(version.gitVersion, /^v1\.33\./);
  });

  it('answers 401 with a Status to anonymous API requests and to a wrong token', async () => {
    for (const headers of [{}, { Authorization: 'Bearer not-the-token' }] as Array<Record<string, string>>) {
      const r = await anonymous(env.cluster.url, '/api/v1/namespaces', headers);
      assert.equal(r.status, 401);
      assert.deepEqual(JSON.parse(r.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
  });

  it('accepts the admin bearer token from the data dir', async () => {
    const token = readFileSync(join(env.cluster.dataDir, 'tls', 'tokens.csv'), 'utf8').split(',')[0];
    const r = await anonymous(env.cluster.url, '/api/v1/namespaces/default', { Authorization: `Bearer ${token}` });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).metadata.name, 'default');
  });

  it('exposes Prometheus metrics for requests, the store and watches', async () => {
    await env.client.request('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'metrics-probe' }, data: { a: 'b' } });
    await env.client.request('GET', '/api/v1/namespaces/default/configmaps/metrics-probe');
    // Controllers watch configmaps too (the garbage collector watches everything): count ours on top.
    const watchers = (text: string) => Number(/apiserver_registered_watchers\{resource="configmaps"\} (\d+)/.exec(text)?.[1] ?? 0);
    const before = (await env.client.request('GET', '/metrics')).body;
    const watchersBefore = watchers(typeof before === 'string' ? before : JSON.stringify(before));
    const watch = await env.client.watch('/api/v1/namespaces/default/configmaps', () => {});
    try {
      const r = await env.client.request('GET', '/metrics');
      assert.equal(r.status, 200);
      const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
      assert.match(text, /apiserver_request_total\{verb="create",resource="configmaps",subresource="",code="201"\} 1/);
      assert.match(text, /apiserver_request_total\{verb="get",resource="configmaps",subresource="",code="200"\} 1/);
      assert.match(text, /apiserver_request_duration_seconds_bucket\{le="[^"]+",verb="get",resource="configmaps",subresource=""\}/);
      assert.match(text, /skiff_store_operation_duration_seconds_count\{operation="create"\} [1-9]/);
      assert.equal(watchers(text), watchersBefore + 1);
    } finally {
      watch.stop();
    }
  });
});
