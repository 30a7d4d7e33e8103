/**
 * Simulated nodes against a real API server: registered Ready with capacity, labels
 * and taints, shown by kubectl like kubelet-run nodes, leases renewed on a fake clock
 * (no wall-clock waits), registration repeatable over existing objects.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Client } from '../../client/client.js';
import { Informer } from '../../client/informer.js';
import type { KObject } from '../../api/types.js';
import { FakeClock as BaseClock, startInProcessCluster, type InProcessCluster } from '../../testing/in-process.js';
import { SIMULATED_KUBELET_VERSION, startSimulatedNodes } from './nodes.js';

const run = promisify(execFile);

/** The tests' clock starts on a fixed morning so lease times can be asserted exactly. */
class FakeClock extends BaseClock {
  constructor() {
    super('2026-03-01T10:00:00.000Z');
  }
}

describe('simulated nodes', () => {
  let env: InProcessCluster;
  let client: Client;

  before(async () => {
    env = await startInProcessCluster('sim');
    client = env.client;
  });
  after(() => env.stop());

  it('registers Ready nodes with capacity, labels and taints, and renews their leases', async () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const sim = await startSimulatedNodes({
      client, count: 3, clock, capacity: { cpu: '4' }, labels: { zone: 'a' },
      taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }], onError: (e) => errors.push(e),
    });
    try {
      assert.deepEqual(sim.names, ['sim-node-0', 'sim-node-1', 'sim-node-2']);
      const nodes = client.resource({ group: '', version: 'v1', plural: 'nodes', namespaced: false });
      const node = await nodes.get('sim-node-1');
      assert.equal((node.metadata?.labels as Record<string, string>).zone, 'a');
      assert.equal((node.metadata?.labels as Record<string, string>)['kubernetes.io/hostname'], 'sim-node-1');
      assert.deepEqual((node.spec as { taints: unknown[] }).taints, [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }]);
      const status = node.status as { capacity: Record<string, string>; allocatable: Record<string, string>; conditions: Array<{ type: string; status: string }>; nodeInfo: { kubeletVersion: string } };
      assert.equal(status.capacity.cpu, '4');
      assert.equal(status.allocatable.pods, '110');
      assert.deepEqual(status.conditions.map((c) => `${c.type}=${c.status}`), ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
      assert.equal(status.nodeInfo.kubeletVersion, SIMULATED_KUBELET_VERSION);

      const { stdout } = await run('kubectl', ['--kubeconfig', env.cluster.kubeconfigPath, 'get', 'nodes']);
      assert.match(stdout, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
      assert.match(stdout, new RegExp(`sim-node-0\\s+Ready\\s+<none>\\s+\\S+\\s+${SIMULATED_KUBELET_VERSION}`));

      const leases = client.resource({ group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true });
      const renewTime = async () => ((await leases.get('sim-node-2', 'kube-node-lease')).spec as { renewTime: string; holderIdentity: string });
      const first = await renewTime();
      assert.equal(first.holderIdentity, 'sim-node-2');
      assert.equal(first.renewTime, '2026-03-01T10:00:00.000000Z');
      const renewed = sim.nextRenewal();
      clock.advance(10_000); // a quarter of the 40 s lease
      await renewed;
      assert.equal((await renewTime()).renewTime, '2026-03-01T10:00:10.000000Z');
      assert.deepEqual(errors, []);
    } finally {
      await sim.stop();
    }
    // Registering again over existing nodes and leases works (a restarted simulator).
    const again = await startSimulatedNodes({ client, count: 3, clock: new FakeClock() });
    await again.stop();
  });

  it('runs pods bound to its nodes, completes run-to-completion ones, and confirms deletions', async () => {
    const sim = await startSimulatedNodes({ client, count: 1, namePrefix: 'pods-node-', clock: new FakeClock(), completeAfterMs: 0 });
    const pods = client.resource({ group: '', version: 'v1', plural: 'pods', namespaced: true });
    const watcher = new Informer(pods, { namespace: 'default' }).start();
    /** Resolves when the named pod is in the wanted state (or gone, for `undefined`), as the informer sees it. */
    const until = (name: string, test: (pod: KObject | undefined) => boolean) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pod ${name} never reached the expected state`)), 15_000);
      const check = () => { if (test(watcher.get(name, 'default'))) { clearTimeout(timer); handle.remove(); resolve(); } };
      const handle = watcher.addHandler({ add: check, update: check, delete: check });
      void watcher.waitForSync().then(check);
    });
    const pod = (name: string, restartPolicy: string, nodeName = 'pods-node-0'): KObject => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
      spec: { nodeName, restartPolicy, containers: [{ name: 'app', image: 'busybox' }] },
    });
    const phase = (p: KObject | undefined) => (p?.status as { phase?: string } | undefined)?.phase;
    try {
      await pods.create(pod('server', 'Always'));
      await until('server', (p) => phase(p) === 'Running');
      const running = watcher.get('server', 'default')!;
      const status = running.status as { containerStatuses: Array<{ ready: boolean; state: { running?: unknown } }>; conditions: Array<{ type: string; status: string }> };
      assert.equal(status.containerStatuses[0]!.ready, true);
      assert.ok(status.containerStatuses[0]!.state.running);
      assert.equal(status.conditions.find((c) => c.type === 'Ready')?.status, 'True');

      await pods.create(pod('job', 'Never'));
      await until('job', (p) => phase(p) === 'Succeeded');
      const done = (watcher.get('job', 'default')!.status as { containerStatuses: Array<{ state: { terminated?: { reason: string; exitCode: number } } }> }).containerStatuses[0]!.state.terminated;
      assert.deepEqual({ reason: done?.reason, exitCode: done?.exitCode }, { reason: 'Completed', exitCode: 0 });

      await pods.create(pod('elsewhere', 'Always', 'not-ours'));
      await pods.delete('server', 'default'); // graceful: marked, then confirmed by the simulated kubelet
      await until('server', (p) => p === undefined);
      assert.equal(phase(await pods.get('elsewhere', 'default')), 'Pending', 'a pod on a node that is not simulated is left alone');
    } finally {
      watcher.stop();
      await sim.stop();
    }
  });
});
