/**
 * The `skiff` command as users meet it: clear one-line errors and exit codes for a bad
 * flag, a port in use and an unusable data dir; a server that starts, writes its
 * kubeconfig and stops on SIGTERM; and the build users run (bin/skiff.cjs → dist/).
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient } from '../support/api-client.js';

const ENTRY = join(import.meta.dirname, '../../src/cli/entry.ts');

function skiffSync(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'skiff-cli-'));
  dirs.push(d);
  return d;
}
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('skiff CLI', () => {
  it('rejects an unknown flag with one line and exit code 2', () => {
    const r = skiffSync(['server', '--no-such-flag']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^skiff: Unknown option '--no-such-flag'/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  it('rejects a bad port with one line and exit code 2', () => {
    const r = skiffSync(['server', '--https-listen-port', '70000']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), 'skiff: invalid --https-listen-port "70000": must be a port number between 1 and 65535');
  });

  it('rejects an unknown command with exit code 2', () => {
    const r = skiffSync(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^skiff: unknown command "frobnicate"/);
  });

  it('says clearly when the data dir is unusable', () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const r = skiffSync(['server', '--data-dir', file, '--https-listen-port', '1']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `skiff: data dir ${file} is not usable: it exists and is not a directory`);
  });

  it('says clearly when the port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'server', '--data-dir', tempDir(), '--https-listen-port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => { stderr += d; });
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('close', (code) => { clearTimeout(timer); resolve({ code, stderr }); });
      });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), `skiff: port ${port} on 127.0.0.1 is already in use (is another skiff server running? choose another with --https-listen-port)`);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('starts, writes a private kubeconfig, and stops on SIGTERM', async () => {
    const dataDir = tempDir();
    const extra = join(tempDir(), 'sub', 'config');
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'server', '--data-dir', dataDir, '--https-listen-port', String(port), '--write-kubeconfig', extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => { stdout += d; });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!stdout.includes('Skiff is running') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(stdout, /Skiff is running at https:\/\/127\.0\.0\.1:\d+; kubeconfig written to /);
      const kubeconfig = join(dataDir, 'kubeconfig.yaml');
      assert.equal(statSync(kubeconfig).mode & 0o777, 0o600);
      assert.ok(existsSync(extra));
      const line = JSON.parse(stdout.split('\n').find((l) => l.includes('Skiff is running'))!);
      assert.equal(line.kubeconfig, kubeconfig);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });

  it('runs from the build (bin/skiff.cjs and dist/, as after npm install): serves, writes to its store, keeps a code cache', async () => {
    const root = join(import.meta.dirname, '../..');
    const bin = join(root, 'bin/skiff.cjs');
    const cache = join(root, 'dist/skiff.cjs.cache');
    assert.ok(existsSync(join(root, 'dist/skiff.cjs')), 'dist/skiff.cjs is missing: npm test builds it first (npm run build)');
    rmSync(cache, { force: true });
    const dataDir = tempDir();
    for (const round of [1, 2]) {
      const port = await freePort();
      const child = spawn(process.execPath, [bin, 'server', '--data-dir', dataDir, '--https-listen-port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => { output += d; });
      child.stderr.on('data', (d) => { output += d; });
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      try {
        const deadline = Date.now() + 30_000;
        while (!output.includes('Skiff is running') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.match(output, /Skiff is running/);
        const api = apiClient(join(dataDir, 'kubeconfig.yaml'));
        try {
          // A YAML body (the yaml module loads on first use), written to the store.
          const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: round-${round}\ndata:\n  k: v\n`;
          const created = await api.request('POST', '/api/v1/namespaces/default/configmaps', yaml, { contentType: 'application/yaml' });
          assert.equal(created.status, 201, JSON.stringify(created.body));
          const list = await api.request('GET', '/api/v1/namespaces/default/configmaps');
          assert.deepEqual(list.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(), round === 1 ? ['round-1'] : ['round-1', 'round-2']);
        } finally {
          api.close();
        }
      } finally {
        child.kill('SIGTERM');
      }
      assert.equal(await exited, 0, output);
      // Saved on the way out by the first run; the second finds it and leaves it alone.
      assert.ok(existsSync(cache), 'no code cache after a server run');
    }
  });

  it('rejects bad simulated-node counts with one line and exit code 2', () => {
    assert.equal(skiffSync(['server', '--simulated-nodes', 'many']).stderr.trim(), 'skiff: invalid --simulated-nodes "many": must be a number from 0 to 100000');
    assert.equal(skiffSync(['server', '--node-name', 'Bad_Name']).stderr.trim(), `skiff: invalid --node-name "Bad_Name": must be a lowercase DNS subdomain (letters, digits, '-' and '.')`);
    const r = skiffSync(['sim', '--nodes', '0']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim(), 'skiff: invalid --nodes "0": must be a number from 1 to 100000');
  });

  it('server --simulated-nodes registers Ready nodes, and skiff sim joins more to it', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const started = (args: string[], line: RegExp) => {
      const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.stderr.on('data', (d) => { out += d; });
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const ready = (async () => {
        const deadline = Date.now() + 30_000;
        while (!line.test(out) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.match(out, line);
      })();
      return { child, exited, ready, output: () => out };
    };
    const server = started(['server', '--data-dir', dataDir, '--https-listen-port', String(port), '--simulated-nodes', '2', '--node-name', 'local'], /2 simulated node\(s\) registered/);
    let sim: ReturnType<typeof started> | undefined;
    try {
      await server.ready;
      const kubeconfig = join(dataDir, 'kubeconfig.yaml');
      sim = started(['sim', '--kubeconfig', kubeconfig, '--nodes', '1', '--name-prefix', 'extra-', '--capacity', 'cpu=4,memory=8Gi', '--labels', 'disk=ssd', '--taints', 'dedicated=gpu:NoSchedule'], /1 simulated node\(s\) registered/);
      await sim.ready;
      const nodes = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'nodes', '--no-headers'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(nodes.status, 0, nodes.stderr);
      const lines = nodes.stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' ')).sort();
      // The server's own node (its agent, --node-name) beside the simulated ones.
      assert.deepEqual(lines, ['extra-0 Ready', 'local Ready', 'sim-node-0 Ready', 'sim-node-1 Ready']);
      const extra = JSON.parse(spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'node', 'extra-0', '-o', 'json'], { encoding: 'utf8', timeout: 30_000 }).stdout);
      assert.equal(extra.status.capacity.cpu, '4');
      assert.equal(extra.status.capacity.memory, '8Gi');
      assert.equal(extra.metadata.labels.disk, 'ssd');
      assert.deepEqual(extra.spec.taints, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    } finally {
      sim?.child.kill('SIGTERM');
      server.child.kill('SIGTERM');
    }
    if (sim) assert.equal(await sim.exited, 0, sim.output());
    assert.equal(await server.exited, 0, server.output());
  });

  it('rejects unknown controllers with one line and exit code 2', () => {
    for (const command of ['server', 'controller-manager']) {
      const r = skiffSync([command, '--controllers', 'replicaset,bogus']);
      assert.equal(r.code, 2);
      assert.match(r.stderr.trim(), /^skiff: invalid --controllers: unknown controller "bogus" \(known: replicaset, /);
    }
  });

  it('controller-manager runs the controllers of a server started without them, leader-elected', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const server = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'server', '--data-dir', dataDir, '--https-listen-port', String(port), '--controllers', '', '--disable-agent'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let cm: ReturnType<typeof spawn> | undefined;
    let out = '';
    try {
      server.stdout.on('data', (d) => { out += d; });
      const deadline = Date.now() + 30_000;
      while (!out.includes('Skiff is running') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const kubeconfig = join(dataDir, 'kubeconfig.yaml');
      const kubectl = (...args: string[]) => spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(kubectl('create', 'namespace', 'team').status, 0);
      // No controllers in the server: the namespace gets no default ServiceAccount.
      assert.equal(kubectl('get', 'serviceaccount', 'default', '-n', 'team').status, 1);
      cm = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'controller-manager', '--kubeconfig', kubeconfig, '--controllers', 'serviceaccount'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let sa = kubectl('get', 'serviceaccount', 'default', '-n', 'team');
      for (const until = Date.now() + 30_000; sa.status !== 0 && Date.now() < until; sa = kubectl('get', 'serviceaccount', 'default', '-n', 'team')) await new Promise((r) => setTimeout(r, 200));
      assert.equal(sa.status, 0, sa.stderr);
      const lease = kubectl('get', 'lease', 'kube-controller-manager', '-n', 'kube-system', '-o', 'jsonpath={.spec.holderIdentity}');
      assert.equal(lease.status, 0, lease.stderr);
      assert.ok(lease.stdout.length > 0);
    } finally {
      cm?.kill('SIGTERM');
      server.kill('SIGTERM');
    }
  });
});
