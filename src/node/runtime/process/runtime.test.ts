import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerConfig, ContainerEvent } from '../types.js';
import { MAX_LINE } from '../cri-log.js';
import { ProcessRuntime } from './runtime.js';
import { container, gone, logRecords, nextEvent, TestDir, vanishes } from './testing.js';

const dir = new TestDir();
const runtime = new ProcessRuntime();
after(async () => {
  await runtime.close({ killAll: true });
  dir.cleanup();
});

async function create(command: string[], extra: Partial<ContainerConfig> = {}): Promise<string> {
  const sandbox = await runtime.runPodSandbox(dir.sandbox());
  return runtime.createContainer(sandbox, container(command, extra));
}

/** Starts the container and waits for its exit. */
async function runToExit(id: string) {
  const stopped = nextEvent(runtime, id, 'stopped');
  await runtime.startContainer(id);
  await stopped;
  return runtime.containerStatus(id);
}

describe('process runtime: containers run as host processes', () => {
  it('writes stdout and stderr to the CRI log with their stream names; a non-zero exit is an Error', async () => {
    const id = await create(['sh', '-c', 'echo hello; echo oops >&2; exit 3']);
    const events: ContainerEvent['type'][] = [];
    runtime.onEvent((e) => { if (e.containerId === id) events.push(e.type); });
    const s = await runToExit(id);
    assert.deepEqual(events, ['started', 'stopped']);
    assert.equal(s.state, 'exited');
    assert.equal(s.exitCode, 3);
    assert.equal(s.reason, 'Error');
    assert.ok(s.startedAt > 0n && s.finishedAt >= s.startedAt && s.startedAt >= s.createdAt);
    // Everything is in the log by the time the exit is reported.
    const log = logRecords(s.logPath).map((r) => [r.stream, r.tag, r.content]).sort();
    assert.deepEqual(log, [['stderr', 'F', 'oops'], ['stdout', 'F', 'hello']]);
  });

  it('reports exit 0 as Completed; args alone are the command; what is left without a newline is a partial record', async () => {
    const id = await create([], { args: ['sh', '-c', 'printf "no newline"'] });
    const s = await runToExit(id);
    assert.deepEqual([s.state, s.exitCode, s.reason], ['exited', 0, 'Completed']);
    assert.deepEqual(logRecords(s.logPath), [{ stream: 'stdout', tag: 'P', content: 'no newline' }]);
  });

  it('splits a line longer than 16 KiB into partial records', async () => {
    const id = await create(['sh', '-c', `head -c ${MAX_LINE + 10} /dev/zero | tr '\\0' x; echo`]);
    const s = await runToExit(id);
    assert.deepEqual(logRecords(s.logPath).map((r) => [r.tag, r.content.length]), [['P', MAX_LINE], ['F', 10]]);
  });

  it('gives the process exactly its environment (plus PATH and HOSTNAME) and its working directory', async () => {
    const sandbox = await runtime.runPodSandbox(dir.sandbox({ hostname: 'web-0' }));
    const env = await runtime.createContainer(sandbox, container(['env'], { envs: [{ key: 'FOO', value: 'bar baz' }] }));
    assert.deepEqual(logRecords((await runToExit(env)).logPath).map((r) => r.content).sort(), [
      'FOO=bar baz', 'HOSTNAME=web-0', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ]);
    const own = await runtime.createContainer(sandbox, container(['sh', '-c', 'echo "$FOO $HOSTNAME"; pwd'], {
      name: 'own', logPath: 'own/0.log', workingDir: dir.path, envs: [{ key: 'FOO', value: 'x' }, { key: 'HOSTNAME', value: 'mine' }],
    }));
    assert.deepEqual(logRecords((await runToExit(own)).logPath).map((r) => r.content), ['x mine', dir.path]);
    const root = await create(['pwd'], { logPath: 'root/0.log' });
    assert.deepEqual(logRecords((await runToExit(root)).logPath).map((r) => r.content), ['/']);
  });

  it('fails the start of a missing executable or working directory (StartError, 128); the log file exists', async () => {
    const missing = await create(['no-such-binary-here', 'arg']);
    const stopped = nextEvent(runtime, missing, 'stopped');
    await assert.rejects(runtime.startContainer(missing), { message: 'exec: "no-such-binary-here": executable file not found in $PATH' });
    await stopped;
    const s = await runtime.containerStatus(missing);
    assert.deepEqual([s.state, s.exitCode, s.reason, s.message], ['exited', 128, 'StartError', 'exec: "no-such-binary-here": executable file not found in $PATH']);
    assert.ok(existsSync(s.logPath));
    await assert.rejects(runtime.startContainer(missing), /is exited, not created/);

    const absolute = await create(['/no/such/file']);
    await assert.rejects(runtime.startContainer(absolute), { message: 'exec: "/no/such/file": stat /no/such/file: no such file or directory' });

    const cwd = join(dir.path, 'missing');
    const nowhere = await create(['pwd'], { workingDir: cwd });
    await assert.rejects(runtime.startContainer(nowhere), { message: `chdir to cwd ("${cwd}") set in config.json failed: no such file or directory` });
    assert.equal((await runtime.containerStatus(nowhere)).reason, 'StartError');
    assert.ok(!existsSync(cwd), 'the runtime does not create directories on the host');
  });

  it('refuses a container without a command, naming it and its image', async () => {
    await assert.rejects(create([], { image: 'nginx', name: 'app' }), {
      message: 'the process runtime runs a container\'s command; container "app" has none (its image "nginx" is not pulled or run: give the container a command)',
    });
  });

  it('stops with SIGTERM to the process group', async () => {
    const ready = dir.fifo();
    const id = await create(['sh', '-c', `trap "exit 0" TERM; echo ready > ${ready.path}; while :; do sleep 0.1; done`]);
    await runtime.startContainer(id);
    await ready.read();
    const stopped = nextEvent(runtime, id, 'stopped');
    await runtime.stopContainer(id, 30);
    await stopped;
    const s = await runtime.containerStatus(id);
    assert.deepEqual([s.state, s.exitCode, s.reason], ['exited', 0, 'Completed']);
    await runtime.stopContainer(id, 30); // already exited: at once
  });

  it('SIGKILLs a process that ignores SIGTERM once the timeout has passed (137)', async () => {
    const ready = dir.fifo();
    const id = await create(['sh', '-c', `trap "" TERM; echo ready > ${ready.path}; while :; do sleep 0.1; done`]);
    await runtime.startContainer(id);
    await ready.read();
    const started = Date.now();
    await runtime.stopContainer(id, 1);
    assert.ok(Date.now() - started >= 950, 'SIGKILL only after the timeout');
    assert.deepEqual([(await runtime.containerStatus(id)).exitCode, (await runtime.containerStatus(id)).reason], [137, 'Error']);
  });

  it('stops the children of the container process with it', async () => {
    const child = dir.fifo();
    const id = await create(['sh', '-c', `sleep 1000 & echo $! > ${child.path}; wait`]);
    await runtime.startContainer(id);
    const pid = Number(await child.read());
    assert.ok(!gone(pid));
    await runtime.stopContainer(id, 10);
    assert.equal((await runtime.containerStatus(id)).exitCode, 143, 'sh ended by SIGTERM');
    assert.ok(await vanishes(pid), `the container's child ${pid} is still running`);
  });

  it('ends what the container started when its main process exits (as a PID namespace with its init)', async () => {
    const child = dir.fifo();
    const id = await create(['sh', '-c', `sleep 1000 & echo $! > ${child.path}; echo bye`]);
    const stopped = nextEvent(runtime, id, 'stopped');
    await runtime.startContainer(id);
    const pid = Number(await child.read());
    await stopped;
    const s = await runtime.containerStatus(id);
    assert.deepEqual([s.exitCode, s.reason], [0, 'Completed']);
    assert.ok(await vanishes(pid), `the container's child ${pid} outlived it`);
    assert.deepEqual(logRecords(s.logPath).map((r) => r.content), ['bye']);
  });

  it('keeps a container with stdin waiting on it; removes only what is not running; unknown ids are NotFound', async () => {
    const id = await create(['sh', '-c', 'read line; echo "read $line"'], { stdin: true });
    await runtime.startContainer(id);
    assert.equal((await runtime.containerStatus(id)).state, 'running');
    await assert.rejects(runtime.removeContainer(id), /cannot remove container .*: it is running/);
    await runtime.stopContainer(id, 0);
    assert.equal((await runtime.containerStatus(id)).exitCode, 137);
    const deleted = nextEvent(runtime, id, 'deleted');
    await runtime.removeContainer(id);
    await deleted;
    await runtime.removeContainer(id); // idempotent, as CRI asks
    await assert.rejects(runtime.containerStatus(id), (err: Error & { code?: string }) => err.code === 'NotFound');
    assert.ok(!(await runtime.listContainers()).some((c) => c.id === id));
  });

  it('stopPodSandbox kills its containers; removePodSandbox forgets them', async () => {
    const sandbox = await runtime.runPodSandbox(dir.sandbox());
    const ids = [
      await runtime.createContainer(sandbox, container(['sleep', '1000'], { name: 'a', logPath: 'a/0.log' })),
      await runtime.createContainer(sandbox, container(['sleep', '1000'], { name: 'b', logPath: 'b/0.log' })),
    ];
    for (const id of ids) await runtime.startContainer(id);
    assert.deepEqual((await runtime.listContainers({ sandboxId: sandbox })).map((c) => c.state), ['running', 'running']);
    await runtime.stopPodSandbox(sandbox);
    assert.deepEqual((await runtime.listContainers({ sandboxId: sandbox })).map((c) => [c.state, c.exitCode]), [['exited', 137], ['exited', 137]]);
    assert.equal((await runtime.listPodSandboxes()).find((s) => s.id === sandbox)?.state, 'notready');
    await assert.rejects(runtime.createContainer(sandbox, container(['true'])), /is not ready/);
    await runtime.removePodSandbox(sandbox);
    assert.deepEqual(await runtime.listContainers({ sandboxId: sandbox }), []);
    assert.ok(!(await runtime.listPodSandboxes()).some((s) => s.id === sandbox));
    await runtime.removePodSandbox(sandbox); // idempotent
  });

  it('close({ killAll }) leaves no process of its containers behind', async () => {
    const own = new ProcessRuntime();
    const sandbox = await own.runPodSandbox(dir.sandbox());
    const children = [dir.fifo(), dir.fifo()];
    const pids: number[] = [];
    for (const [i, f] of children.entries()) {
      const id = await own.createContainer(sandbox, container(['sh', '-c', `trap "" TERM; sleep 1000 & echo $$ $! > ${f.path}; wait`], { name: `c${i}`, logPath: `c${i}/0.log` }));
      await own.startContainer(id);
      pids.push(...(await f.read()).split(' ').map(Number));
    }
    await own.close({ killAll: true });
    for (const pid of pids) assert.ok(await vanishes(pid), `process ${pid} survived close`);
    await assert.rejects(own.runPodSandbox(dir.sandbox()), /closed/);
  });

  it('reports its name and version', async () => {
    assert.deepEqual(await runtime.version(), { runtimeName: 'skiff-process', runtimeVersion: '0.1.0' });
    assert.equal(runtime.handler, 'process');
  });
});
