import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { ProcessRuntime } from './runtime.js';
import { container, TestDir, vanishes } from './testing.js';

const dir = new TestDir();
const runtime = new ProcessRuntime();
let id = '';
before(async () => {
  const sandbox = await runtime.runPodSandbox(dir.sandbox({ hostname: 'web-0' }));
  id = await runtime.createContainer(sandbox, container(['sleep', '1000'], { envs: [{ key: 'X', value: '7' }], workingDir: dir.path }));
  await runtime.startContainer(id);
});
after(async () => {
  await runtime.close({ killAll: true });
  dir.cleanup();
});

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('process runtime: exec in a container', () => {
  it('runs a command with the container\'s environment and working directory, collecting output and exit code', async () => {
    const r = await runtime.execSync(id, ['sh', '-c', 'echo "$X $HOSTNAME $(pwd)"; echo err >&2; exit 4'], 5);
    assert.deepEqual([r.stdout.toString(), r.stderr.toString(), r.exitCode], [`7 web-0 ${dir.path}\n`, 'err\n', 4]);
    const none = await runtime.execSync(id, ['true'], 0); // 0: no timeout
    assert.equal(none.exitCode, 0);
  });

  it('kills a command that outlives its timeout and says so as the kubelet does', async () => {
    const started = Date.now();
    const r = await runtime.execSync(id, ['sh', '-c', 'echo partial; sleep 10'], 1);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(r.exitCode, 137);
    assert.equal(r.stderr.toString(), 'command "sh -c echo partial; sleep 10" timed out');
    assert.equal((await runtime.containerStatus(id)).state, 'running', 'the container is not touched');
  });

  it('rejects a command that cannot be executed, and execs in a container that is not running', async () => {
    await assert.rejects(runtime.execSync(id, ['no-such-binary-here'], 5), { message: 'failed to exec in container: exec: "no-such-binary-here": executable file not found in $PATH' });
    await assert.rejects(runtime.execSync(id, [], 5), /no command/);
    const sandbox = await runtime.runPodSandbox(dir.sandbox());
    const created = await runtime.createContainer(sandbox, container(['true']));
    await assert.rejects(runtime.execSync(created, ['true'], 5), /is not running \(it is created\)/);
    await assert.rejects(runtime.execSync('nope', ['true'], 5), (err: Error & { code?: string }) => err.code === 'NotFound');
  });

  it('streams an exec session; with a tty, on a terminal of its size where stderr joins stdout', async () => {
    const plain = await runtime.exec(id, ['sh', '-c', 'read v; echo "got $v"; echo err >&2; exit 2'], { stdin: true, tty: false });
    plain.stdin!.end('input\n');
    const [out, err, code] = await Promise.all([readAll(plain.stdout), readAll(plain.stderr!), plain.exit]);
    assert.deepEqual([out, err, code], ['got input\n', 'err\n', 2]);
    const tty = await runtime.exec(id, ['sh', '-c', 'echo out; echo err >&2; tty; read v; stty size; exit 3'], { stdin: true, tty: true });
    assert.equal(tty.stderr, undefined);
    tty.resize!(90, 20);
    tty.stdin!.write('go\r');
    // A terminal ends lines with CR LF (and echoes the input, whenever it comes).
    const screen = (await readAll(tty.stdout)).replace('go\r\n', '');
    assert.match(screen, /^out\r\nerr\r\n\/dev\/pts\/\d+\r\n20 90\r\n$/);
    assert.equal(await tty.exit, 3);
  });

  it('ends an exec session with kill(), and every exec when the container stops', async () => {
    const killed = await runtime.exec(id, ['sleep', '1000'], { stdin: false, tty: false });
    killed.stdout.resume();
    killed.stderr!.resume();
    killed.kill();
    assert.equal(await killed.exit, 137);

    const pidFile = dir.fifo();
    const session = await runtime.exec(id, ['sh', '-c', `echo $$ > ${pidFile.path}; exec sleep 1000`], { stdin: false, tty: false });
    session.stdout.resume();
    session.stderr!.resume();
    const pid = Number(await pidFile.read());
    await runtime.stopContainer(id, 0);
    assert.equal(await session.exit, 137);
    assert.ok(await vanishes(pid));
  });
});
