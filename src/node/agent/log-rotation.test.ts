import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ProcessRuntime } from '../runtime/process/index.js';
import { readContainerLogs } from '../logs/reader.js';
import { rotateIfLarge } from './log-rotation.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-log-rotation-'));
const runtime = new ProcessRuntime();
after(async () => {
  await runtime.close({ killAll: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('log rotation', () => {
  it('renames a log past its size, the runtime continues in a new file, a follower reads across, old files are pruned', async () => {
    const sandbox = await runtime.runPodSandbox({ uid: 'u', name: 'p', namespace: 'default', attempt: 0, hostname: 'p', logDirectory: dir, labels: {}, annotations: {} });
    const id = await runtime.createContainer(sandbox, {
      name: 'main', attempt: 0, image: 'x', command: ['sh', '-c', 'i=0; while [ $i -lt 400 ]; do i=$((i+1)); echo "line $i"; sleep 0.012; done'], args: [],
      envs: [], mounts: [], logPath: 'main/0.log', stdin: false, stdinOnce: false, tty: false, labels: {}, annotations: {},
    });
    await runtime.startContainer(id);
    const { logPath } = await runtime.containerStatus(id);
    let running = true;
    runtime.onEvent((e) => { if (e.containerId === id && e.type === 'stopped') running = false; });
    let out = '';
    const follower = readContainerLogs(logPath, { follow: true }, (c) => { out += c; }, { isRunning: () => running, signal: new AbortController().signal });
    let rotations = 0;
    let t = Date.parse('2026-11-22T10:00:00Z');
    while (running) {
      if (await rotateIfLarge(runtime, id, logPath, 1024, 3, new Date((t += 1000)))) rotations++;
      // Slower than a follower's polling (≤ 250 ms): a follower more than one rotation behind skips a file, as the kubelet's does.
      await new Promise((r) => setTimeout(r, 800));
    }
    await follower;
    assert.ok(rotations >= 3, `rotated ${rotations} times`);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 400, 'every line reached the follower across the rotations');
    assert.deepEqual(lines.slice(0, 2), ['line 1', 'line 2']);
    assert.equal(lines.at(-1), 'line 400');
    const files = readdirSync(dirname(logPath));
    assert.ok(files.includes('0.log'));
    assert.ok(files.filter((f) => f.startsWith('0.log.')).length <= 2, `at most maxFiles - 1 rotated files: ${files}`);
  });
});
