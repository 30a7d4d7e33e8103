/**
 * Streaming through the API server to the node agent, with the oldest and newest kubectl:
 * `exec` and `cp` over SPDY/3.1 (kubectl 1.27, and 1.33 with WebSocket switched off),
 * `exec -it` from a real terminal (kubectl itself on a pseudo-terminal) with resizes,
 * `run -it --rm` with a TTY container,
 * `attach` to a container's own stdin and stdout, and `port-forward` to an HTTP server a
 * pod runs — SPDY for 1.27, SPDY tunnelled in WebSocket for 1.33 — including a port
 * nothing listens on.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestCluster } from '../support/cluster.js';
import { freePort } from '../support/ports.js';
import { kubectlOnTerminal } from '../support/terminal.js';

const scratch = mkdtempSync(join(tmpdir(), 'skiff-streaming-e2e-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const OLDEST = '1.27';

function pod(name: string, command: string[], extra = ''): string {
  return `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
    command: ${JSON.stringify(command)}
${extra}`;
}

describe('exec, attach and port-forward through the API server', () => {
  const env = useTestCluster({ agent: true });
  const kubectl = async (args: string[], options: { version?: string; input?: string; env?: Record<string, string> } = {}) => {
    const res = await env.cluster.kubectl(args, { ...options, timeoutMs: 100_000 });
    assert.equal(res.code, 0, `kubectl ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res.stdout;
  };
  const running = async (name: string, manifest: string) => {
    await kubectl(['create', '-f', '-'], { input: manifest });
    await kubectl(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=60s']);
  };

  it('exec and cp over SPDY: kubectl 1.27, and 1.33 with WebSocket off', async () => {
    await running('shell', pod('shell', ['sleep', '3600']));
    for (const [version, extraEnv] of [[OLDEST, {}], ['latest', { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }]] as const) {
      const options = { version, env: { ...extraEnv } as Record<string, string> };
      const ran = await env.cluster.kubectl(['exec', 'shell', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'], options);
      assert.equal(ran.code, 3, `${version}: ${ran.stderr}`);
      assert.equal(ran.stdout, 'out\n');
      assert.match(ran.stderr, /err\n/);
      assert.match(ran.stderr, /command terminated with exit code 3/);
      assert.equal(await kubectl(['exec', '-i', 'shell', '--', 'cat'], { ...options, input: 'piped through\n' }), 'piped through\n');
      // Past SPDY's 64 KiB initial window: nothing may stall waiting for window updates.
      const big = await kubectl(['exec', 'shell', '--', 'sh', '-c', 'head -c 1048576 /dev/zero | tr "\\0" x'], options);
      assert.equal(big.length, 1048576, `${version}: all of 1 MiB arrives`);
      const input = 'y'.repeat(300_000);
      assert.equal(await kubectl(['exec', '-i', 'shell', '--', 'wc', '-c'], { ...options, input }), '300000\n');
      const from = join(scratch, `cp-${version}.txt`);
      writeFileSync(from, `copied by ${version}\n`);
      await kubectl(['cp', from, `shell:${join(scratch, `in-pod-${version}.txt`)}`], options);
      assert.equal(readFileSync(join(scratch, `in-pod-${version}.txt`), 'utf8'), `copied by ${version}\n`);
      await kubectl(['cp', `shell:${join(scratch, `in-pod-${version}.txt`)}`, join(scratch, `back-${version}.txt`)], options);
      assert.equal(readFileSync(join(scratch, `back-${version}.txt`), 'utf8'), `copied by ${version}\n`);
    }
    const refused = await env.cluster.kubectl(['exec', 'shell', '--', 'no-such-command'], { version: OLDEST });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /executable file not found/);
  });

  for (const version of [OLDEST, 'latest']) {
    it(`exec -it: a terminal in the pod that follows the client's size (kubectl ${version})`, async () => {
      await kubectl(['wait', '--for=condition=Ready', 'pod/shell', '--timeout=60s']);
      const term = kubectlOnTerminal(version, ['exec', '-it', 'shell', '--', 'sh'], { kubeconfig: env.cluster.kubeconfig, home: mkdtempSync(join(scratch, 'home-')), cwd: scratch });
      try {
        term.write('tty; stty size\r');
        await term.expect(/\/dev\/pts\/\d+\r?\n(.*\n)?30 100/);
        term.resize(120, 40);
        await new Promise((r) => setTimeout(r, 300));
        term.write('stty size\r');
        await term.expect(/40 120/);
        term.write('exit 4\r');
        assert.equal(await term.exited, 4, term.screen());
      } finally {
        term.kill();
      }
    });

    it(`run -it: a TTY container, attached from a real terminal, removed after (kubectl ${version})`, async () => {
      const name = `tty-${version.replace('.', '-')}`;
      const term = kubectlOnTerminal(version, ['run', '-it', '--rm', name, '--image=busybox', '--restart=Never', '--command', '--', 'sh'], { kubeconfig: env.cluster.kubeconfig, home: mkdtempSync(join(scratch, 'home-')), cwd: scratch });
      try {
        await term.expect(/If you don't see a command prompt, try pressing enter/);
        term.write('echo tty-$((20+22))\r');
        await term.expect(/tty-42\r?\n/);
        // kubectl may send what is typed before its first resize (upstream races too): ask until the size shows.
        for (let attempt = 1; ; attempt++) {
          term.write('stty size\r');
          try {
            await term.expect(/30 100/, 2_000);
            break;
          } catch (err) {
            if (attempt === 10) throw err;
          }
        }
        term.write('exit\r');
        assert.equal(await term.exited, 0, term.screen());
      } finally {
        term.kill();
      }
      await kubectl(['wait', '--for=delete', `pod/${name}`, '--timeout=60s']);
    });

    it(`attach joins the container's own stdin and stdout (kubectl ${version})`, async () => {
      const name = `attached-${version.replace('.', '-')}`;
      await running(name, pod(name, ['sh', '-c', 'while read line; do echo "got $line"; done; echo bye'], '    stdin: true\n    stdinOnce: true\n'));
      const out = await kubectl(['attach', '-i', name], { version, input: 'one\ntwo\n' });
      assert.match(out, /got one\ngot two\n/);
      // stdinOnce: the end of the first client's input is the end of the container's stdin.
      await kubectl(['wait', '--for=jsonpath={.status.phase}=Succeeded', `pod/${name}`, '--timeout=30s']);
      assert.match(await kubectl(['logs', name]), /got one\ngot two\nbye\n/);
    });
  }

  it('port-forward reaches a pod\'s HTTP server (kubectl 1.27 over SPDY, newest over WebSocket)', async () => {
    const podPort = await freePort();
    // On the pod's own address only: the probe goes there, and port-forward finds it there after localhost.
    const server = `require('http').createServer((q, s) => s.end('hello from ' + q.url)).listen(${podPort}, process.env.POD_IP)`;
    const podIP = '    env: [{name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}]\n';
    await running('web', pod('web', [process.execPath, '-e', server], `${podIP}    readinessProbe:\n      tcpSocket: {port: ${podPort}}\n      periodSeconds: 1\n`));
    assert.match(await kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}']), /^127\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.\d+\.\d+$/, 'an address of its own from the loopback cluster CIDR');
    for (const version of [OLDEST, 'latest']) {
      const local = await freePort();
      const forward = env.cluster.kubectlBackground(['port-forward', 'pod/web', `${local}:${podPort}`], { version, timeoutMs: 100_000 });
      try {
        await forward.waitFor(new RegExp(`Forwarding from 127\\.0\\.0\\.1:${local} -> ${podPort}`), { timeoutMs: 30_000 });
        for (let i = 0; i < 3; i++) {
          const res = await fetch(`http://127.0.0.1:${local}/try-${i}`, { headers: { connection: 'close' } });
          assert.equal(await res.text(), `hello from /try-${i}`, `${version}, connection ${i}`);
        }
        const body = await (await fetch(`http://127.0.0.1:${local}/${'z'.repeat(100)}`)).text();
        assert.equal(body, `hello from /${'z'.repeat(100)}`);
      } finally {
        await forward.stop();
      }
    }
  });

  it('port-forward to a port nothing listens on reports the error', async () => {
    const closed = await freePort();
    const local = await freePort();
    const forward = env.cluster.kubectlBackground(['port-forward', 'pod/shell', `${local}:${closed}`], { version: OLDEST, timeoutMs: 100_000 });
    try {
      await forward.waitFor(/Forwarding from/, { timeoutMs: 30_000 });
      await fetch(`http://127.0.0.1:${local}/`).then((r) => r.text()).catch(() => undefined);
      await forward.waitFor(new RegExp(`error forwarding port ${closed} to pod shell_default: .*ECONNREFUSED`), { stream: 'stderr', timeoutMs: 15_000 });
    } finally {
      await forward.stop();
    }
  });
});
