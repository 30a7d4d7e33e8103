/**
 * Leader election against a real API server, on a fake clock: each round ends with the
 * candidates parked in `sleep`, the test checks who leads, then moves time on. Nothing
 * here waits on wall-clock time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, startInProcessCluster, type InProcessCluster } from '../testing/in-process.js';
import type { ResourceClient } from './client.js';
import { LeaderElector } from './leader-election.js';

describe('leader election on Leases', () => {
  let env: InProcessCluster;
  let leases: ResourceClient;

  before(async () => {
    env = await startInProcessCluster('election');
    leases = env.client.resource({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true });
  });
  after(() => env.stop());

  function candidate(name: string, identity: string, clock: FakeClock, log: string[]): LeaderElector {
    return new LeaderElector({
      leases, namespace: 'kube-system', name, identity, clock,
      onStartedLeading: () => log.push(`${identity} leads`),
      onStoppedLeading: () => log.push(`${identity} stops`),
      onError: (err) => log.push(`${identity} error ${String(err)}`),
    });
  }

  it('a lease whose holder stopped renewing passes on only once it has expired', async () => {
    const clock = new FakeClock();
    const log: string[] = [];
    // Held by a candidate that crashed just now: it will never renew or release.
    await leases.create({
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'test-expiry', namespace: 'kube-system' },
      spec: { holderIdentity: 'crashed', leaseDurationSeconds: 15, acquireTime: clock.now().toISOString(), renewTime: clock.now().toISOString(), leaseTransitions: 0 },
    });
    const b = candidate('test-expiry', 'b', clock, log).start();
    await clock.parked(1);
    for (let t = 2000; t <= 14_000; t += 2000) {
      clock.advance(2000);
      await clock.parked(1);
      assert.deepEqual(log, [], `b took over ${t} ms after the last renewal`);
    }
    clock.advance(2000); // 16 s: the 15 s lease has expired
    await clock.parked(1);
    assert.deepEqual(log, ['b leads']);
    const taken = await leases.get('test-expiry', 'kube-system');
    assert.equal((taken.spec as { holderIdentity: string }).holderIdentity, 'b');
    assert.equal((taken.spec as { leaseTransitions: number }).leaseTransitions, 1);
    await b.stop();
    assert.deepEqual(log, ['b leads', 'b stops']);
  });

  it('a leader that stops gives the lease up, and the next takes it at once', async () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const a = candidate('test-release', 'a', clock, log).start();
    await clock.parked(1);
    const b = candidate('test-release', 'b', clock, log).start();
    await clock.parked(2);
    await a.stop();
    clock.advance(2000);
    await clock.parked(1);
    assert.deepEqual(log, ['a leads', 'a stops', 'b leads']);
    await b.stop();
  });

  it('of candidates racing for a free lease, exactly one wins', async () => {
    const clock = new FakeClock();
    const log: string[] = [];
    const all = ['p', 'q', 'r', 's'].map((id) => candidate('test-race', id, clock, log).start());
    await clock.parked(all.length);
    assert.equal(log.filter((l) => l.endsWith('leads')).length, 1, JSON.stringify(log));
    assert.equal(all.filter((e) => e.isLeader()).length, 1);
    for (let i = 0; i < 3; i++) {
      clock.advance(2000);
      await clock.parked(all.length);
    }
    assert.equal(log.filter((l) => l.endsWith('leads')).length, 1, 'the leader kept renewing');
    await Promise.all(all.map((e) => e.stop()));
  });
});
