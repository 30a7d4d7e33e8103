/**
 * Two candidates for one Lease on a fake clock: only the leader runs its components;
 * when it stops, the other takes over at once (the lease is released, not left to expire).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, startInProcessCluster, type InProcessCluster } from '../testing/in-process.js';
import { runElected } from './elected.js';

describe('runElected', () => {
  let env: InProcessCluster;
  before(async () => { env = await startInProcessCluster('elected', { controllers: [] }); });
  after(async () => { await env.stop(); });

  it('runs the components of the leader only, and hands over when the leader stops', async () => {
    const clock = new FakeClock(new Date().toISOString());
    const log: string[] = [];
    const candidate = (id: string) => {
      let started: () => void;
      const startedOnce = new Promise<void>((resolve) => { started = resolve; });
      const handle = runElected({
        client: env.client, leaseName: 'test-elected', identity: id, clock,
        start: async () => { log.push(`${id} start`); started(); return { stop: async () => { log.push(`${id} stop`); } }; },
      });
      return { handle, startedOnce };
    };
    const a = candidate('a');
    await a.startedOnce;
    const b = candidate('b');
    // b has tried once and is asleep until its next retry: it must not have started.
    await clock.parked(2);
    assert.deepEqual(log, ['a start']);
    assert.equal(b.handle.isLeader(), false);
    await a.handle.stop();
    assert.deepEqual(log, ['a start', 'a stop']);
    clock.advance(2_000);
    await b.startedOnce;
    assert.deepEqual(log, ['a start', 'a stop', 'b start']);
    await b.handle.stop();
    assert.deepEqual(log, ['a start', 'a stop', 'b start', 'b stop']);
  });
});
