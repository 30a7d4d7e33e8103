/**
 * The official JavaScript client's streaming helpers against a node agent: `Exec` (exit
 * codes in the Status it hands back, stdin), `Attach`, `PortForward` (its own WebSocket
 * channel protocol, not kubectl's) and `Log`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import type * as K8s from '@kubernetes/client-node';
import type { KubeConfig, V1Status } from '@kubernetes/client-node';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { unsupportedReason } from '../support/client-node.js';

const skipReason = unsupportedReason();
const k8s: typeof K8s | undefined = skipReason ? undefined : await import('@kubernetes/client-node');

function collector(): { stream: Writable; text(): string } {
  let text = '';
  return { stream: new Writable({ write(chunk, _e, cb) { text += chunk; cb(); } }), text: () => text };
}

describe('@kubernetes/client-node streaming (Exec, Attach, PortForward, Log)', { skip: skipReason ?? false }, () => {
  let tc: TestCluster;
  let kc: KubeConfig;
  let forwarder: Server | undefined;

  before(async () => {
    tc = await startTestCluster({ agent: true });
    kc = new k8s!.KubeConfig();
    kc.loadFromFile(tc.kubeconfig);
  });
  after(async () => {
    forwarder?.close();
    await tc?.stop();
  });

  const runPod = async (name: string, command: string[], extra: Record<string, unknown> = {}) => {
    const core = kc.makeApiClient(k8s!.CoreV1Api);
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command, ...extra }] } } });
    const res = await tc.kubectl(['wait', '--for=condition=Ready', `pod/${name}`, '--timeout=60s']);
    assert.equal(res.code, 0, res.stderr);
  };

  it('Exec: output, stdin, and the exit code in the Status', async () => {
    await runPod('shell', ['sleep', '3600']);
    const out = collector();
    const err = collector();
    const stdin = new PassThrough();
    const status = await new Promise<V1Status>((resolve, reject) => {
      new k8s!.Exec(kc).exec('default', 'shell', 'main', ['sh', '-c', 'cat; echo err >&2; exit 3'], out.stream, err.stream, stdin, false, resolve).catch(reject);
      stdin.end('from stdin\n');
    });
    assert.equal(out.text(), 'from stdin\n');
    assert.equal(err.text(), 'err\n');
    assert.equal(status.status, 'Failure');
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '3' }]);
  });

  it('Log: the container log', async () => {
    await runPod('talker', ['sh', '-c', 'echo said once; sleep 3600']);
    const out = collector();
    await new Promise<void>((resolve, reject) => {
      new k8s!.Log(kc).log('default', 'talker', 'main', out.stream, { follow: false }).then((req) => {
        (req as unknown as { on?: (e: string, f: () => void) => void }).on?.('close', resolve);
        out.stream.on('finish', resolve);
      }, reject);
    });
    assert.equal(out.text(), 'said once\n');
  });

  it('PortForward: a local socket reaches the pod\'s port over client-node\'s channel protocol', async () => {
    const server = "require('http').createServer((q, s) => s.end('pong ' + q.url)).listen(+process.argv[1], process.env.POD_IP)";
    const port = await new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });
    await runPod('web', [process.execPath, '-e', server, String(port)], { env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }], readinessProbe: { tcpSocket: { port }, periodSeconds: 1 } });
    const forward = new k8s!.PortForward(kc);
    forwarder = createServer((socket) => { void forward.portForward('default', 'web', [port], socket, null, socket); });
    await new Promise<void>((resolve) => forwarder!.listen(0, '127.0.0.1', resolve));
    const local = (forwarder.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${local}/ping`, { headers: { connection: 'close' } });
    assert.equal(await res.text(), 'pong /ping');
  });

  it('Attach: the container\'s own stdin and stdout', async () => {
    await runPod('echoer', ['sh', '-c', 'while read line; do echo "echo: $line"; done'], { stdin: true });
    const out = collector();
    const stdin = new PassThrough();
    const ws = await new k8s!.Attach(kc).attach('default', 'echoer', 'main', out.stream, null, stdin, false);
    stdin.write('hello\n');
    const deadline = Date.now() + 20_000;
    while (!out.text().includes('echo: hello\n')) {
      if (Date.now() > deadline) assert.fail(`no echo; got ${JSON.stringify(out.text())}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    (ws as { close(): void }).close();
  });
});
