/**
 * `kubectl logs` end to end without an agent or a runtime: this test writes CRI log
 * files itself and serves them with the kubelet API server (`startKubeletServer`) over
 * a LogSource of its own, registers a Node whose status points at that server and pods
 * bound to it, then runs the real kubectl, oldest and newest, through the API server's
 * `pods/log`: the whole log, -c, --tail, --timestamps, --since-time, --limit-bytes, -f
 * while lines are appended and until the container stops, an interrupted -f, and
 * upstream's refusals (no container named in a pod of several, unknown container, a
 * kubelet's refusal, an unreachable kubelet).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestCluster } from '../support/cluster.js';
import { ensureClusterCredentials } from '../../src/pki/index.js';
import { LogLookupError, startKubeletServer, type KubeletServer, type LogSource } from '../../src/node/server/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'skiff-pod-log-e2e-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const PODS = '/api/v1/namespaces/default/pods';
const VERSIONS = ['1.27', undefined]; // the oldest kubectl installed, and the newest

/** Log files by `pod/container`; `running` by pod. */
const files = new Map<string, string>();
const running = new Map<string, boolean>();

function writeLog(pod: string, container: string, records: string[]): string {
  const path = join(scratch, `${pod}_${container}.log`);
  writeFileSync(path, records.map((r) => `${r}\n`).join(''));
  files.set(`${pod}/${container}`, path);
  return path;
}

/** The kubelet's side, as the agent's LogSource answers (messages are the kubelet's). */
const logs: LogSource = {
  async containerLog(namespace, pod, container, previous) {
    if (namespace !== 'default') throw new LogLookupError(404, `pod "${pod}" does not exist`);
    if (pod === 'waiting') throw new LogLookupError(400, `container "${container}" in pod "${pod}" is waiting to start: ContainerCreating`);
    if (previous) throw new LogLookupError(400, `previous terminated container "${container}" in pod "${pod}" not found`);
    const path = files.get(`${pod}/${container}`);
    if (!path) throw new LogLookupError(404, `container "${container}" not found in pod "${pod}"`);
    return { path, isRunning: () => running.get(pod) ?? false };
  },
};

/** Whether this process has `path` open: the kubelet server's reader. */
function isOpen(path: string): boolean {
  return readdirSync('/proc/self/fd').some((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('kubectl logs through pods/log to a kubelet API', () => {
  const env = useTestCluster();
  let kubelet: KubeletServer;

  const kubectl = async (args: string[], version?: string) => {
    const res = await env.cluster.kubectl(args, { version });
    assert.equal(res.code, 0, `kubectl ${version ?? ''} ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res;
  };
  const refused = async (args: string[], version?: string) => {
    const res = await env.cluster.kubectl(args, { version });
    assert.notEqual(res.code, 0, `kubectl ${args.join(' ')} should fail; stdout: ${res.stdout}`);
    return res.stderr.trim();
  };

  async function node(name: string, port: number): Promise<void> {
    const created = await env.client.request('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const status = { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: name }], daemonEndpoints: { kubeletEndpoint: { Port: port } } };
    // Unconditional (no resourceVersion): the node IPAM controller may have set spec.podCIDR meanwhile.
    const { resourceVersion: _rv, ...metadata } = created.body.metadata;
    const updated = await env.client.request('PUT', `/api/v1/nodes/${name}/status`, { ...created.body, metadata, status });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
  }

  /** A pod bound to `nodeName` whose containers the status reports running (or waiting). */
  async function pod(name: string, containers: string[], o: { nodeName?: string; init?: string[]; waiting?: boolean; annotations?: Record<string, string> } = {}): Promise<void> {
    const spec = {
      nodeName: o.nodeName,
      initContainers: o.init?.map((c) => ({ name: c, image: 'busybox' })),
      containers: containers.map((c) => ({ name: c, image: 'busybox' })),
    };
    const created = await env.client.request('POST', PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name, annotations: o.annotations }, spec });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    if (!o.nodeName) return;
    const state = o.waiting ? { waiting: { reason: 'ContainerCreating' } } : { running: { startedAt: '2026-11-22T10:00:00Z' } };
    const status = {
      phase: o.waiting ? 'Pending' : 'Running',
      containerStatuses: containers.map((c) => ({ name: c, image: 'busybox', imageID: '', ready: !o.waiting, restartCount: 0, started: !o.waiting, state })),
    };
    const updated = await env.client.request('PUT', `${PODS}/${name}/status`, { ...created.body, status });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
  }

  before(async () => {
    // The cluster's CA, as the server left it in its data dir (same names: nothing is re-issued).
    const serverCert = readFileSync(join(env.cluster.dataDir, 'tls', 'server.crt'), 'utf8');
    const creds = await ensureClusterCredentials({ dataDir: env.cluster.dataDir, ips: ['127.0.0.1'] });
    assert.equal(creds.serverCert, serverCert, 'the running server\'s credentials are left as they are');
    const serving = creds.issueServingCertificate({ commonName: 'logs-node', dnsNames: ['logs-node', 'localhost'], ips: ['127.0.0.1'] });
    kubelet = await startKubeletServer({
      bindAddress: '127.0.0.1', port: 0, tls: { ...serving, ca: creds.caCert }, logs,
      stats: { summary: async () => ({}) },
      streaming: { exec: async () => { throw new Error('not served here'); }, attach: async () => { throw new Error('not served here'); }, pod: async () => { throw new Error('not served here'); } },
    });
    await node('logs-node', kubelet.port);
    writeLog('web', 'app', [
      '2026-11-22T10:00:00.000000000Z stdout F hello',
      '2026-11-22T10:00:01.000000000Z stderr P wor',
      '2026-11-22T10:00:01.100000000Z stderr F ld',
    ]);
    await pod('web', ['app'], { nodeName: 'logs-node' });
    writeLog('pair', 'a', ['2026-11-22T10:00:00.000000000Z stdout F from a']);
    writeLog('pair', 'b', ['2026-11-22T10:00:00.000000000Z stdout F from b']);
    await pod('pair', ['a', 'b'], { nodeName: 'logs-node', init: ['setup'] });
    await pod('chosen', ['a', 'b'], { nodeName: 'logs-node', annotations: { 'kubectl.kubernetes.io/default-container': 'b' } });
    writeLog('chosen', 'b', ['2026-11-22T10:00:00.000000000Z stdout F from the default container']);
    await pod('waiting', ['app'], { nodeName: 'logs-node', waiting: true });
    await pod('pending', ['app']);
  });
  after(async () => { await kubelet?.stop(); });

  for (const version of VERSIONS) {
    it(`kubectl ${version ?? 'newest'}: whole, -c, --tail, --timestamps, --since-time, --limit-bytes`, async () => {
      assert.equal((await kubectl(['logs', 'web'], version)).stdout, 'hello\nworld\n');
      assert.equal((await kubectl(['logs', 'web', '-c', 'app'], version)).stdout, 'hello\nworld\n');
      assert.equal((await kubectl(['logs', 'pod/web', '--tail', '1'], version)).stdout, 'world\n');
      assert.equal((await kubectl(['logs', 'web', '--timestamps'], version)).stdout, '2026-11-22T10:00:00.000000000Z hello\n2026-11-22T10:00:01.000000000Z world\n');
      assert.equal((await kubectl(['logs', 'web', '--since-time', '2026-11-22T10:00:01Z'], version)).stdout, 'world\n');
      assert.equal((await kubectl(['logs', 'web', '--limit-bytes', '3'], version)).stdout, 'hel');
      // A pod on no node yet has no log: an empty answer, as upstream gives.
      assert.equal((await kubectl(['logs', 'pending'], version)).stdout, '');
    });

    it(`kubectl ${version ?? 'newest'}: -f streams appended lines and ends when the container stops`, async () => {
      const path = writeLog('follow', 'app', ['2026-11-22T10:00:00.000000000Z stdout F first']);
      running.set('follow', true);
      if (version === VERSIONS[0]) await pod('follow', ['app'], { nodeName: 'logs-node' });
      const following = env.cluster.kubectlBackground(['logs', '-f', 'follow'], { version });
      try {
        await following.waitFor(/^first\n$/);
        appendFileSync(path, '2026-11-22T10:00:01.000000000Z stdout F second\n');
        await following.waitFor(/^first\nsecond\n$/);
        running.set('follow', false);
        const done = await following.exited;
        assert.equal(done.code, 0, done.stderr);
        assert.equal(done.stdout, 'first\nsecond\n');
      } finally {
        await following.stop();
      }
    });

    it(`kubectl ${version ?? 'newest'}: pods of several containers`, async () => {
      const defaulted = await kubectl(['logs', 'pair'], version);
      assert.equal(defaulted.stdout, 'from a\n');
      assert.match(defaulted.stderr, /Defaulted container "a" out of: a, b, setup \(init\)/);
      assert.equal((await kubectl(['logs', 'pair', '-c', 'b'], version)).stdout, 'from b\n');
      assert.equal((await kubectl(['logs', 'chosen'], version)).stdout, 'from the default container\n');
      // kubectl checks a named container itself; the API server answers the same way to a raw request.
      assert.equal(await refused(['logs', 'pair', '-c', 'nope'], version), 'error: container nope is not valid for pod pair');
      assert.equal(await refused(['get', '--raw', `${PODS}/pair/log?container=nope`], version), 'Error from server (BadRequest): container nope is not valid for pod pair');
      // What kubectl's defaulting hides: the API server itself wants a name.
      assert.equal(await refused(['get', '--raw', `${PODS}/pair/log`], version), 'Error from server (BadRequest): a container name must be specified for pod pair, choose one of: [setup a b]');
    });

    it(`kubectl ${version ?? 'newest'}: the kubelet's refusals and bad options`, async () => {
      assert.equal(await refused(['logs', 'waiting'], version), 'Error from server (BadRequest): container "app" in pod "waiting" is waiting to start: ContainerCreating');
      assert.equal(await refused(['logs', 'web', '--previous'], version), 'Error from server (BadRequest): previous terminated container "app" in pod "web" not found');
      assert.match(await refused(['get', '--raw', `${PODS}/web/log?sinceSeconds=5&sinceTime=2026-11-22T10:00:00Z`], version), /PodLogOptions "web" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified/);
      assert.match(await refused(['get', '--raw', `${PODS}/web/log?tailLines=-1`], version), /PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0/);
      // The kubelet does not know the container: upstream's generic NotFound for pods/log.
      assert.equal(await refused(['logs', 'chosen', '-c', 'a'], version), 'Error from server (NotFound): the server could not find the requested resource ( pods/log chosen)');
    });
  }

  it('an interrupted -f stops the kubelet reading', async () => {
    const path = writeLog('endless', 'app', ['2026-11-22T10:00:00.000000000Z stdout F tick']);
    running.set('endless', true);
    await pod('endless', ['app'], { nodeName: 'logs-node' });
    const following = env.cluster.kubectlBackground(['logs', '-f', 'endless']);
    await following.waitFor(/^tick\n$/);
    assert.ok(isOpen(path), 'the kubelet reads the log while kubectl follows');
    await following.stop();
    const deadline = Date.now() + 10_000;
    while (isOpen(path)) {
      if (Date.now() > deadline) assert.fail('the kubelet still reads the log after kubectl went away');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('a kubelet that cannot be reached: the dial error, as upstream reports it', async () => {
    const port = await freePort();
    await node('dead-node', port);
    writeLog('stranded', 'app', ['2026-11-22T10:00:00.000000000Z stdout F unreachable']);
    await pod('stranded', ['app'], { nodeName: 'dead-node' });
    assert.equal(await refused(['logs', 'stranded']), `Error from server: Get "https://127.0.0.1:${port}/containerLogs/default/stranded/app": dial tcp 127.0.0.1:${port}: connect: connection refused`);
  });
});
