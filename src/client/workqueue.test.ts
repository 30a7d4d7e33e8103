import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../testing/in-process.js';
import { WorkQueue } from './workqueue.js';

describe('WorkQueue', () => {
  it('dedupes waiting keys and never runs one key twice at once', async () => {
    const seen: string[] = [];
    let concurrent = 0;
    let maxSameKey = 0;
    const running = new Map<string, number>();
    const gate: Array<() => void> = [];
    const queue = new WorkQueue({
      workers: 2,
      reconcile: async (key) => {
        concurrent++;
        running.set(key, (running.get(key) ?? 0) + 1);
        maxSameKey = Math.max(maxSameKey, running.get(key)!);
        seen.push(key);
        await new Promise<void>((resolve) => gate.push(resolve));
        running.set(key, running.get(key)! - 1);
        concurrent--;
      },
    });
    queue.add('a');
    queue.add('b'); // two workers: a and b run
    queue.add('c');
    queue.add('c'); // waiting: deduped
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, ['a', 'b']);
    queue.add('a'); // running: marked dirty, runs again afterwards, never beside itself
    queue.add('a');
    while (gate.length) { gate.shift()!(); await new Promise((r) => setImmediate(r)); }
    await new Promise((r) => setImmediate(r));
    while (gate.length) { gate.shift()!(); await new Promise((r) => setImmediate(r)); }
    await queue.idle();
    assert.deepEqual(seen, ['a', 'b', 'c', 'a']);
    assert.equal(maxSameKey, 1);
    assert.equal(concurrent, 0);
    queue.stop();
  });

  it('retries failures with back-off and requeues after clock time', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const errors: unknown[] = [];
    const queue = new WorkQueue({
      clock, baseDelayMs: 1,
      onError: (_k, err) => errors.push(err),
      reconcile: async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        if (calls === 2) return { requeueAfterMs: 60_000 };
        return undefined;
      },
    });
    queue.add('k');
    while (calls < 2) await new Promise((r) => setTimeout(r, 1));
    assert.equal(errors.length, 1);
    await clock.parked(1);
    assert.equal(calls, 2);
    clock.advance(60_000);
    while (calls < 3) await new Promise((r) => setImmediate(r));
    await queue.idle();
    assert.equal(calls, 3);
    queue.stop();
  });

  it('folds a burst of batched adds for one key into one reconcile', async () => {
    const seen: string[] = [];
    const queue = new WorkQueue({ reconcile: async (key) => { seen.push(key); } });
    for (let i = 0; i < 20; i++) queue.addBatched('rs', 20);
    queue.addBatched('other', 20);
    assert.deepEqual(seen, []);
    while (seen.length < 2) await new Promise((r) => setTimeout(r, 5));
    await queue.idle();
    assert.deepEqual(seen.sort(), ['other', 'rs']);
    queue.stop();
  });
});

