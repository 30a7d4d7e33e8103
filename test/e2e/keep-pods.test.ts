/**
 * `--keep-pods`: a joined agent (its own process) runs the process runtime as `skiff
 * runtime` beside it. Stopping the agent leaves the pod's process running; the restarted
 * agent adopts it — same container, no restart — and logs, exec and deletion work on it
 * as before. Without the flag, stopping an agent ends its pods' processes.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestCluster } from '../support/cluster.js';

const scratch = mkdtempSync(join(tmpdir(), 'skiff-keep-pods-e2e-'));
const entry = join(import.meta.dirname, '../../src/cli/entry.ts');

function processes(marker: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

after(() => {
  // The runtime daemon runs until told to stop: this test's must not outlive it.
  for (const pid of processes(join(scratch, 'kept', 'runtime.sock'))) process.kill(pid, 'SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
});

describe('skiff agent --keep-pods', () => {
  const env = useTestCluster({ agent: false });
  const kubectl = async (args: string[], input?: string) => {
    const res = await env.cluster.kubectl(args, { input, timeoutMs: 100_000 });
    assert.equal(res.code, 0, `kubectl ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res.stdout;
  };
  let agent: { child: ChildProcess; exited: Promise<number>; output(): string } | undefined;
  const startAgent = async (keepPods: boolean) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'agent', '--server', env.cluster.url, '--token-file', join(env.cluster.dataDir, 'node-token'),
      '--node-name', 'kept', '--kubelet-port', '0', '--data-dir', join(scratch, 'kept'), ...(keepPods ? ['--keep-pods'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => { output += d; });
    child.stderr!.on('data', (d) => { output += d; });
    agent = { child, exited: new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1))), output: () => output };
    const deadline = Date.now() + 60_000;
    while (!/registered/.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null) assert.fail(`the agent did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stopAgent = async () => {
    agent?.child.kill('SIGTERM');
    await agent?.exited;
  };
  after(stopAgent);

  it('pods outlive the agent and are adopted by its next start', async () => {
    const marker = `skiff-keep-pods-${process.pid}`;
    await startAgent(true);
    await kubectl(['create', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: survivor}
spec:
  nodeName: kept
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "echo started; while :; do sleep 0.2; done", "${marker}"]
`);
    await kubectl(['wait', '--for=condition=Ready', 'pod/survivor', '--timeout=60s']);
    const containerId = await kubectl(['get', 'pod', 'survivor', '-o', 'jsonpath={.status.containerStatuses[0].containerID}']);
    const pids = processes(marker);
    assert.equal(pids.length, 1);

    await stopAgent();
    assert.deepEqual(processes(marker), pids, 'the pod\'s process runs on without its agent');

    await startAgent(true);
    assert.match(agent!.output(), /adopting the pods of the running process runtime/);
    await kubectl(['wait', '--for=condition=Ready', 'node/kept', '--timeout=60s']);
    assert.equal(await kubectl(['get', 'pod', 'survivor', '-o', 'jsonpath={.status.containerStatuses[0].containerID}']), containerId, 'the same container');
    assert.equal(await kubectl(['get', 'pod', 'survivor', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}']), '0');
    assert.deepEqual(processes(marker), pids);
    assert.equal(await kubectl(['logs', 'survivor']), 'started\n');
    assert.equal(await kubectl(['exec', 'survivor', '--', 'sh', '-c', 'echo exec ok; exit 0']), 'exec ok\n');
    const failed = await env.cluster.kubectl(['exec', 'survivor', '--', 'sh', '-c', 'exit 4']);
    assert.equal(failed.code, 4);

    await kubectl(['delete', 'pod', 'survivor', '--timeout=60s']);
    assert.deepEqual(processes(marker), [], 'deleting the pod ends its process');
    await stopAgent();
  });
});
