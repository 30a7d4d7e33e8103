/**
 * A runtime served on a unix socket and used through RemoteRuntime behaves as the runtime
 * itself: calls with CRI's bigint times, container events, NotFound errors, exec
 * sessions with exit codes and stdin, and refusals that say why. (The process runtime
 * across an agent restart: test/e2e/keep-pods.test.ts.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessRuntime } from '../process/runtime.js';
import { RuntimeNotFound, type ContainerEvent } from '../types.js';
import { RemoteRuntime } from './client.js';
import { decode, encode } from './protocol.js';
import { serveRuntime, type RuntimeServer } from './server.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-remote-runtime-'));
let local: ProcessRuntime;
let server: RuntimeServer;
let remote: RemoteRuntime;

before(async () => {
  local = new ProcessRuntime();
  server = await serveRuntime(local, join(dir, 'runtime.sock'));
  remote = await RemoteRuntime.connect(join(dir, 'runtime.sock'));
});
after(async () => {
  await remote.close({ killAll: true });
  await server.stop();
  await local.close({ killAll: true });
  rmSync(dir, { recursive: true, force: true });
});

const readAll = async (s: NodeJS.ReadableStream) => {
  let out = '';
  for await (const c of s) out += c;
  return out;
};

describe('remote runtime', () => {
  it('encodes bigints, Maps and Buffers across the wire', () => {
    const value = { t: 123456789012345678901234567890n, m: new Map([['a', { n: 1n }]]), b: Buffer.from('hi') };
    assert.deepEqual(decode(encode(value)), value);
  });

  it('runs a container through the socket: statuses, events, exec with stdin and exit code, NotFound', async () => {
    const events: ContainerEvent[] = [];
    remote.onEvent((e) => events.push(e));
    const sandbox = await remote.runPodSandbox({ uid: 'u1', name: 'p', namespace: 'ns', attempt: 0, hostname: 'p', logDirectory: join(dir, 'logs'), labels: {}, annotations: {} });
    const id = await remote.createContainer(sandbox, {
      name: 'main', attempt: 0, image: 'x', command: ['sh', '-c', 'sleep 30'], args: [], envs: [], mounts: [], logPath: 'main/0.log',
      stdin: false, stdinOnce: false, tty: false, labels: {}, annotations: {},
    });
    await remote.startContainer(id);
    const status = await remote.containerStatus(id);
    assert.equal(status.state, 'running');
    assert.equal(typeof status.startedAt, 'bigint');
    assert.deepEqual((await remote.listPodSandboxes()).map((s) => s.id), [sandbox]);
    const session = await remote.exec(id, ['sh', '-c', 'read v; echo "got $v"; echo err >&2; exit 5'], { stdin: true, tty: false });
    session.stdin!.end('input\n');
    assert.deepEqual(await Promise.all([readAll(session.stdout), readAll(session.stderr!), session.exit]), ['got input\n', 'err\n', 5]);
    await assert.rejects(remote.exec(id, ['no-such-program'], { stdin: false, tty: false }), /executable file not found/);
    await assert.rejects(remote.containerStatus('nope'), (err) => err instanceof RuntimeNotFound);
    await remote.stopContainer(id, 0);
    assert.equal((await remote.containerStatus(id)).state, 'exited');
    const deadline = Date.now() + 5000;
    while (!events.some((e) => e.containerId === id && e.type === 'stopped') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(events.filter((e) => e.containerId === id).map((e) => e.type), ['created', 'started', 'stopped']);
  });
});
