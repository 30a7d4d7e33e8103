/**
 * A second node joins with `skiff agent --server URL --token-file <data-dir>/node-token`
 * (its own process, kubelet port and data dir, as on another machine): it registers
 * Ready, runs a pod bound to it, and `kubectl logs` and `exec` reach that pod through
 * its own kubelet API. A token for another CA, or with a wrong secret, is refused with
 * a clear message, and no node appears.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestCluster } from '../support/cluster.js';

const scratch = mkdtempSync(join(tmpdir(), 'skiff-join-e2e-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const entry = join(import.meta.dirname, '../../src/cli/entry.ts');

function skiff(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { child, output: () => output, exited };
}

describe('skiff agent joins a node', () => {
  const env = useTestCluster({ agent: true });
  const kubectl = async (args: string[], input?: string) => {
    const res = await env.cluster.kubectl(args, { input, timeoutMs: 100_000 });
    assert.equal(res.code, 0, `kubectl ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res.stdout;
  };

  it('refuses a token that is not this cluster\'s', async () => {
    const token = readFileSync(join(env.cluster.dataDir, 'node-token'), 'utf8').trim();
    assert.match(token, /^K10[0-9a-f]{64}::server:[0-9a-f]{48}$/);
    const otherCa = token.replace(/^K10[0-9a-f]{4}/, 'K100000');
    const wrongCa = skiff(['agent', '--server', env.cluster.url, '--token', otherCa, '--node-name', 'impostor', '--kubelet-port', '0', '--data-dir', join(scratch, 'impostor')]);
    assert.equal(await wrongCa.exited, 1);
    assert.match(wrongCa.output(), /has CA sha256:[0-9a-f]{64}, not the CA the token names \(sha256:0000[0-9a-f]{60}\): refusing to join/);
    const wrongSecret = skiff(['agent', '--server', env.cluster.url, '--token', token.replace(/server:.{4}/, 'server:0000'), '--node-name', 'impostor', '--kubelet-port', '0', '--data-dir', join(scratch, 'impostor')]);
    assert.equal(await wrongSecret.exited, 1);
    assert.match(wrongSecret.output(), /the server refused to let node impostor join \(HTTP 401\): the join token is not this cluster's/);
    const nodes = await kubectl(['get', 'nodes', '-o', 'name']);
    assert.doesNotMatch(nodes, /impostor/);
  });

  it('joins, runs a pod bound to it, and serves its logs and exec', async () => {
    const agent = skiff(['agent', '--server', env.cluster.url, '--token-file', join(env.cluster.dataDir, 'node-token'), '--node-name', 'second', '--kubelet-port', '0', '--data-dir', join(scratch, 'second')]);
    try {
      const deadline = Date.now() + 60_000;
      while (!(await env.cluster.kubectl(['get', 'node', 'second'])).stdout.includes('second')) {
        if (Date.now() > deadline) assert.fail(`node second never registered; agent output:\n${agent.output()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      await kubectl(['wait', '--for=condition=Ready', 'node/second', '--timeout=60s']);
      assert.match(await kubectl(['get', 'node', 'second', '-o', 'jsonpath={.status.nodeInfo.containerRuntimeVersion}']), /^process:\/\//);
      await kubectl(['create', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: on-second}
spec:
  nodeSelector: {kubernetes.io/hostname: second}
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "echo hello from second; sleep 3600"]
`);
      await kubectl(['wait', '--for=condition=Ready', 'pod/on-second', '--timeout=60s']);
      assert.equal(await kubectl(['get', 'pod', 'on-second', '-o', 'jsonpath={.spec.nodeName}']), 'second');
      assert.equal(await kubectl(['logs', 'on-second']), 'hello from second\n');
      assert.equal(await kubectl(['exec', 'on-second', '--', 'sh', '-c', 'echo exec on $HOSTNAME']), 'exec on on-second\n');
      await kubectl(['delete', 'pod', 'on-second', '--wait=true', '--timeout=60s']);
    } finally {
      agent.child.kill('SIGTERM');
      await agent.exited;
    }
    assert.match(agent.output(), /joined the cluster at https:\/\/127\.0\.0\.1:\d+ as node second/);
  });
});
