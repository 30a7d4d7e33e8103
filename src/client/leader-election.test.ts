/**
 * Leader election against a real API server, on a fake clock: each round ends with the
 * candidates parked in `sleep`, the test checks who leads, then moves time on. Nothing
 * here waits on wall-clock time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startCluster, type Cluster } from '../cli/cluster.js';
import { Client, type ResourceClient } from './client.js';
import { HttpsTransport } from './https.js';
import { LeaderElector, type Clock } from './leader-election.js';

class FakeClock implements Clock {
  private t = Date.parse('2026-01-01T00:00:00.000Z');
  private sleepers: Array<{ until: number; resolve(): void }> = [];
  private waiting: Array<() => void> = [];

  now(): Date {
    return new Date(this.t);
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = { until: this.t + ms, resolve };
      this.sleepers.push(sleeper);
      signal.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      }, { once: true });
      for (const wake of this.waiting.splice(0)) wake();
    });
  }

  /** Resolves once `n` candidates have finished their round and sleep. */
  async parked(n: number): Promise<void> {
    while (this.sleepers.length < n) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  advance(ms: number): void {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.until <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.until > this.t);
    for (const s of due) s.resolve();
  }
}

describe('leader election on Leases', () => {
  let dir: string;
  let cluster: Cluster;
  let client: Client;
  let leases: ResourceClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-election-'));
    cluster = await startCluster({ dataDir: dir, port: 0, bindAddress: '127.0.0.1', logger: pino({ level: 'silent' }) });
    const tls = (f: string) => readFileSync(join(dir, 'tls', f), 'utf8');
    client = new Client(new HttpsTransport({ server: cluster.api.url, ca: tls('ca.crt'), cert: tls('admin.crt'), key: tls('admin.key') }));
    leases = client.resource({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true });
  });
  after(async () => {
    client.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

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
