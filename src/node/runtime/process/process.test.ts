import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerConfig, ContainerEvent } from '../types.js';
import { MAX_LINE } from '../cri-log.js';
import { ProcessRuntime } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-process-runtime-'));
const runtime = new ProcessRuntime();
after(async () => {
  await runtime.close({ killAll: true });
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function run(command: string[], extra: Partial<ContainerConfig> = {}) {
  const sandbox = await runtime.runPodSandbox({ uid: `u${n}`, name: `p${n}`, namespace: 'default', attempt: 0, hostname: `p${n}`, logDirectory: join(dir, `p${n++}`), labels: {}, annotations: {} });
  const id = await runtime.createContainer(sandbox, { name: 'main', attempt: 0, image: 'busybox', command, args: [], envs: [], mounts: [], logPath: 'main/0.log', stdin: false, stdinOnce: false, tty: false, labels: {}, annotations: {}, ...extra });
  return id;
}

/** Resolves when the container has stopped (the runtime's own event, no polling). */
function stopped(id: string): Promise<void> {
  return new Promise((resolve) => {
    const off = runtime.onEvent((e: ContainerEvent) => {
      if (e.containerId === id && e.type === 'stopped') { off(); resolve(); }
    });
  });
}

/** The container has written `text` to its log (it got as far as its set-up, e.g. a trap). */
async function logged(id: string, text: string): Promise<void> {
  const path = (await runtime.containerStatus(id)).logPath;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try { if (readFileSync(path, 'utf8').includes(text)) return; } catch { /* not yet created */ }
    if (Date.now() > deadline) assert.fail(`${text} never logged`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const records = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => {
  const [ts, stream, tag, ...rest] = l.split(' ');
  return { ts, stream, tag, content: rest.join(' ') };
});

describe('process runtime', () => {
  it('runs the command; stdout and stderr land in the CRI log; exit code and reason', async () => {
    const id = await run(['sh', '-c', 'echo hello; echo oops >&2; exit 3']);
    const done = stopped(id);
    await runtime.startContainer(id);
    await done;
    const s = await runtime.containerStatus(id);
    assert.equal(s.state, 'exited');
    assert.equal(s.exitCode, 3);
    assert.equal(s.reason, 'Error');
    const log = records(s.logPath);
    assert.deepEqual(log.map((r) => [r.stream, r.tag, r.content]).sort(), [['stderr', 'F', 'oops'], ['stdout', 'F', 'hello']]);
    assert.match(log[0]!.ts!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it('splits lines longer than 16 KiB into partial records', async () => {
    const id = await run(['sh', '-c', `head -c ${MAX_LINE + 10} /dev/zero | tr '\\0' x; echo`]);
    const done = stopped(id);
    await runtime.startContainer(id);
    await done;
    const log = records((await runtime.containerStatus(id)).logPath);
    assert.deepEqual(log.map((r) => [r.tag, r.content.length]), [['P', MAX_LINE], ['F', 10]]);
  });

  it('honours environment and working directory', async () => {
    const id = await run(['sh', '-c', 'echo "$FOO $(pwd)"'], { envs: [{ key: 'FOO', value: 'bar' }], workingDir: dir });
    const done = stopped(id);
    await runtime.startContainer(id);
    await done;
    assert.equal(records((await runtime.containerStatus(id)).logPath)[0]!.content, `bar ${dir}`);
  });

  it('stops with SIGTERM; a process that ignores it is killed after the timeout (137); children die too', async () => {
    const polite = await run(['sh', '-c', 'trap "exit 0" TERM; echo trapped; while :; do sleep 0.1; done']);
    await runtime.startContainer(polite);
    await logged(polite, 'trapped');
    await runtime.stopContainer(polite, 10);
    assert.equal((await runtime.containerStatus(polite)).exitCode, 0);
    const stubborn = await run(['sh', '-c', 'trap "" TERM; sleep 1000 & echo $! > pid; echo trapped; while :; do sleep 0.1; done'], { workingDir: dir });
    await runtime.startContainer(stubborn);
    await logged(stubborn, 'trapped');
    const started = Date.now();
    await runtime.stopContainer(stubborn, 1);
    assert.ok(Date.now() - started >= 1000);
    assert.equal((await runtime.containerStatus(stubborn)).exitCode, 137);
    // Killed with its group; a zombie lingers until init reaps it.
    const child = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    const gone = () => { try { process.kill(child, 0); return /State:\s+Z/.test(readFileSync(`/proc/${child}/status`, 'utf8')); } catch { return true; } };
    assert.ok(gone(), `the container's child ${child} is still running`);
  });

  it('a missing executable is a StartError; a container without a command is refused', async () => {
    const id = await run(['no-such-binary-here']);
    await assert.rejects(runtime.startContainer(id), /executable file not found in \$PATH/);
    const s = await runtime.containerStatus(id);
    assert.equal(s.reason, 'StartError');
    assert.equal(s.exitCode, 128);
    await assert.rejects(run([]), /the process runtime runs a container's command; container "main" has none/);
  });

  it('execSync runs in the container context with a timeout', async () => {
    const id = await run(['sleep', '30'], { envs: [{ key: 'X', value: '7' }] });
    await runtime.startContainer(id);
    const r = await runtime.execSync(id, ['sh', '-c', 'echo $X; exit 4'], 5);
    assert.equal(r.stdout.toString(), '7\n');
    assert.equal(r.exitCode, 4);
    const slow = await runtime.execSync(id, ['sleep', '10'], 1);
    assert.notEqual(slow.exitCode, 0);
    assert.match(slow.stderr.toString(), /timed out/);
    await runtime.stopContainer(id, 0);
  });
});
