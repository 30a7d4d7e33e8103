import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessRuntime } from './runtime.js';
import { ProcessRecords, processStartTime } from './records.js';
import { container, gone, nextEvent, TestDir } from './testing.js';

const dir = new TestDir();
const strays: ChildProcess[] = [];
after(() => {
  for (const c of strays) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
  dir.cleanup();
});

/** A process group like one a crashed runtime left behind. */
function leftover(): { child: ChildProcess; exit: Promise<NodeJS.Signals | null> } {
  const child = spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' });
  strays.push(child);
  return { child, exit: new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal))) };
}

describe('process runtime: records of running containers', () => {
  it('records a running container under stateDir and forgets it at its exit', async () => {
    const stateDir = join(dir.path, 'state-a');
    const runtime = new ProcessRuntime({ stateDir });
    const sandbox = await runtime.runPodSandbox(dir.sandbox());
    const id = await runtime.createContainer(sandbox, container(['sleep', '1000']));
    await runtime.startContainer(id);
    assert.deepEqual(readdirSync(stateDir), [`${id}.json`]);
    const stopped = nextEvent(runtime, id, 'stopped');
    await runtime.stopContainer(id, 0);
    await stopped;
    assert.deepEqual(readdirSync(stateDir), []);
    await runtime.close({ killAll: true });
  });

  it('ends the process groups an earlier runtime left running, and only those', async () => {
    const stateDir = join(dir.path, 'state-b');
    const records = new ProcessRecords(stateDir);
    const left = leftover();
    records.add('left', { pid: left.child.pid!, sandboxId: 's', name: 'app' });
    // A recorded pid now used by another process (its start time differs) is not touched.
    const other = leftover();
    writeFileSync(join(stateDir, 'recycled.json'), JSON.stringify({ pid: other.child.pid, startTime: '1', sandboxId: 's', name: 'old' }));
    writeFileSync(join(stateDir, 'torn.json'), '{"pid": 12');
    assert.equal(processStartTime(other.child.pid!) !== '1', true);

    const runtime = new ProcessRuntime({ stateDir });
    assert.equal(await left.exit, 'SIGKILL');
    assert.ok(!gone(other.child.pid!), 'a process that is not the recorded one was killed');
    assert.deepEqual(readdirSync(stateDir), []);
    await runtime.close({ killAll: true });
  });
});
