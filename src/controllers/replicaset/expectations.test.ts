/** Expectations (creates/deletes not yet seen) and slow-start batches. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../testing/in-process.js';
import { ControllerExpectations } from './expectations.js';
import { slowStartBatch } from '../runtime/slow-start.js';

describe('controller expectations', () => {
  it('holds a set back until every create is observed', () => {
    const e = new ControllerExpectations(new FakeClock());
    assert.ok(e.satisfied('ns/a'), 'nothing expected yet');
    e.expectCreations('ns/a', 2);
    assert.ok(!e.satisfied('ns/a'));
    e.creationObserved('ns/a');
    assert.ok(!e.satisfied('ns/a'));
    e.creationObserved('ns/a');
    assert.ok(e.satisfied('ns/a'));
  });

  it('tracks deletions by pod, so an unrelated pod going away does not count', () => {
    const e = new ControllerExpectations(new FakeClock());
    e.expectDeletions('ns/a', ['ns/p1', 'ns/p2']);
    e.deletionObserved('ns/a', 'ns/other');
    e.deletionObserved('ns/a', 'ns/p1');
    assert.ok(!e.satisfied('ns/a'));
    e.deletionObserved('ns/a', 'ns/p2');
    assert.ok(e.satisfied('ns/a'));
  });

  it('gives up on expectations after five minutes', () => {
    const clock = new FakeClock();
    const e = new ControllerExpectations(clock);
    e.expectCreations('ns/a', 1);
    clock.advance(5 * 60_000);
    assert.ok(!e.satisfied('ns/a'));
    clock.advance(1);
    assert.ok(e.satisfied('ns/a'));
  });
});

describe('slow start batches', () => {
  it('runs 1, 2, 4, … at a time', async () => {
    const sizes: number[] = [];
    let inFlight = 0;
    let peak = 0;
    let started = 0;
    const result = await slowStartBatch(10, 1, async () => {
      started++;
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      if (inFlight === peak) sizes.push(peak);
      inFlight--;
      peak = inFlight === 0 ? 0 : peak;
    });
    assert.deepEqual(result, { successes: 10 });
    assert.equal(started, 10);
    assert.deepEqual(sizes, [1, 2, 4, 3]);
  });

  it('stops after the first batch with a failure', async () => {
    let calls = 0;
    const result = await slowStartBatch(20, 1, async () => {
      calls++;
      if (calls >= 3) throw new Error('quota');
    });
    // Batches of 1 and 2; the second holds the failing third call, so 4 and 8 are never tried.
    assert.equal(calls, 3);
    assert.equal(result.successes, 2);
    assert.equal((result.error as Error).message, 'quota');
  });
});
