import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { appendFileSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterCredentials, type ClusterCredentials } from '../../pki/index.js';
import { parseTimestampNanos } from '../logs/reader.js';
import { decodeLogQuery } from './container-logs.js';
import { LogLookupError, startKubeletServer, type KubeletServer, type LogSource } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-kubelet-server-'));
const log = join(dir, 'app.log');
writeFileSync(log, [
  '2026-11-22T10:00:00.000000000Z stdout F hello',
  '2026-11-22T10:00:01.000000000Z stderr F world',
  '',
].join('\n'));

let running = true;
const logs: LogSource = {
  async containerLog(namespace, pod, container, previous) {
    if (pod === 'missing') throw new LogLookupError(404, `pod "${pod}" does not exist`);
    if (container === 'waiting') throw new LogLookupError(400, `container "${container}" in pod "${pod}" is waiting to start: ContainerCreating`);
    if (previous) throw new LogLookupError(400, `previous terminated container "${container}" in pod "${pod}" not found`);
    if (container === 'gone') return { path: join(dir, 'gone.log'), isRunning: () => false };
    assert.equal(namespace, 'default');
    return { path: log, isRunning: () => running };
  },
};

let creds: ClusterCredentials;
let foreign: ClusterCredentials;
let server: KubeletServer;
before(async () => {
  creds = await ensureClusterCredentials({ dataDir: join(dir, 'cluster'), hostname: 'node-1' });
  foreign = await ensureClusterCredentials({ dataDir: join(dir, 'other'), hostname: 'node-1' });
  const serving = creds.issueServingCertificate({ commonName: 'node-1', dnsNames: ['node-1', 'localhost'], ips: ['127.0.0.1'] });
  server = await startKubeletServer({
    bindAddress: '127.0.0.1', port: 0, tls: { ...serving, ca: creds.caCert }, logs,
    stats: { summary: async () => ({}) },
    streaming: { exec: async () => { throw new Error('no exec here'); }, attach: async () => { throw new Error('no exec here'); }, pod: async () => { throw new Error('no exec here'); } },
  });
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  type?: string;
  body: string;
}

function get(path: string, client?: { cert: string; key: string }, onResponse?: (res: IncomingMessage) => void): Promise<Answer> {
  const options: RequestOptions = { host: '127.0.0.1', port: server.port, path, method: 'GET', ca: creds.caCert, ...client };
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      onResponse?.(res);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const apiServerClient = () => creds.issueClientCertificate({ commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] });

/** Whether this process still has `path` open (the reader's file handle). */
function isOpen(path: string): boolean {
  return readdirSync('/proc/self/fd').some((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  });
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('kubelet API server', () => {
  it('serves /healthz; logs only to cluster-CA clients in system:masters', async () => {
    assert.deepEqual(await get('/healthz'), { status: 200, type: 'text/plain', body: 'ok' });
    const path = '/containerLogs/default/web/app';
    assert.equal((await get(path)).status, 401, 'no client certificate');
    assert.equal((await get(path, foreign.issueClientCertificate({ commonName: 'x', organizations: ['system:masters'] }))).status, 401, 'another CA');
    assert.equal((await get(path, creds.issueClientCertificate({ commonName: 'system:node:n', organizations: ['system:nodes'] }))).status, 401, 'not system:masters');
    assert.equal((await get(path, apiServerClient())).status, 200);
  });

  it('serves a container log with the kubelet options', async () => {
    const client = apiServerClient();
    const whole = await get('/containerLogs/default/web/app', client);
    assert.deepEqual(whole, { status: 200, type: 'text/plain', body: 'hello\nworld\n' });
    assert.equal((await get('/containerLogs/default/web/app?tailLines=1', client)).body, 'world\n');
    assert.equal((await get('/containerLogs/default/web/app?tail=1', client)).body, 'world\n');
    assert.equal((await get('/containerLogs/default/web/app?tail=all', client)).body, 'hello\nworld\n');
    assert.equal((await get('/containerLogs/default/web/app?timestamps=true&limitBytes=35', client)).body, '2026-11-22T10:00:00.000000000Z hell');
    assert.equal((await get('/containerLogs/default/web/app?sinceTime=2026-11-22T10:00:01Z', client)).body, 'world\n');
  });

  it("answers with the kubelet's status and message when there is no log, and to a bad query", async () => {
    const client = apiServerClient();
    assert.deepEqual(await get('/containerLogs/default/missing/app', client), { status: 404, type: 'text/plain; charset=utf-8', body: 'pod "missing" does not exist' });
    assert.deepEqual((await get('/containerLogs/default/web/waiting', client)).body, 'container "waiting" in pod "web" is waiting to start: ContainerCreating');
    const previous = await get('/containerLogs/default/web/app?previous=true', client);
    assert.deepEqual([previous.status, previous.body], [400, 'previous terminated container "app" in pod "web" not found']);
    const gone = await get('/containerLogs/default/web/gone', client);
    assert.equal(gone.status, 400);
    assert.match(gone.body, /^failed to try resolving symlinks in path ".*gone\.log": lstat .*gone\.log: no such file or directory$/);
    assert.deepEqual(await get('/containerLogs/default/web/app?tailLines=x', client), { status: 400, type: 'text/plain; charset=utf-8', body: '{"message": "Unable to decode query."}' });
    assert.equal((await get('/containerLogs/default/web/app?sinceTime=yesterday', client)).status, 400);
    for (const q of ['tailLines=-1', 'limitBytes=0', 'sinceSeconds=0', 'sinceSeconds=5&sinceTime=2026-11-22T10:00:01Z']) {
      assert.deepEqual(await get(`/containerLogs/default/web/app?${q}`, client), { status: 422, type: 'text/plain; charset=utf-8', body: '{"message": "Invalid request."}' }, q);
    }
    assert.equal((await get('/containerLogs/default/web', client)).status, 404);
  });

  it('follows: lines stream as they are appended, the answer ends when the container stops', async () => {
    running = true;
    let seen = '';
    const changed: Array<() => void> = [];
    const answer = get('/containerLogs/default/web/app?follow=true', apiServerClient(), (res) => {
      res.on('data', (c: Buffer) => { seen += c; changed.splice(0).forEach((f) => f()); });
    });
    const seeing = (text: string) => new Promise<void>((resolve) => {
      const check = () => (seen.includes(text) ? resolve() : changed.push(check));
      check();
    });
    await seeing('world\n');
    appendFileSync(log, '2026-11-22T10:00:02.000000000Z stdout F again\n');
    await seeing('again\n');
    running = false;
    assert.deepEqual(await answer, { status: 200, type: 'text/plain', body: 'hello\nworld\nagain\n' });
  });

  it('stops reading when the client goes away', async () => {
    running = true;
    const gone = new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/containerLogs/default/web/app?follow=1', ca: creds.caCert, ...apiServerClient() }, (res) => {
        res.once('data', () => {
          assert.ok(isOpen(log), 'the reader has the log open while following');
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    await gone;
    await until('the reader to close the log', () => !isOpen(log));
    running = false;
  });
});

describe('decodeLogQuery', () => {
  it('decodes booleans, integers and since as the kubelet does', () => {
    const q = (s: string) => decodeLogQuery(new URLSearchParams(s), Date.parse('2026-11-22T10:00:00Z'));
    assert.deepEqual(q('follow=true&previous=1&timestamps=&tailLines=3&limitBytes=10'), { follow: true, previous: true, timestamps: true, tailLines: 3, limitBytes: 10, sinceNanos: undefined });
    assert.deepEqual(q('follow=false&previous=0&timestamps=FALSE'), { follow: false, previous: false, timestamps: false, tailLines: undefined, limitBytes: undefined, sinceNanos: undefined });
    assert.equal(q('sinceSeconds=10').sinceNanos, parseTimestampNanos('2026-11-22T09:59:50Z'));
    assert.equal(q('sinceTime=2026-11-22T09:00:00.5%2B01:00').sinceNanos, parseTimestampNanos('2026-11-22T08:00:00.5Z'));
  });
});
