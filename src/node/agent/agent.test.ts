/**
 * The agent's pod logic against a real in-process API server, on the `simulated` runtime
 * and a fake clock: registration, start, restart back-off steps, restartPolicy, init
 * ordering, activeDeadlineSeconds, adoption after a restart, graceful deletion. (Real processes: test/e2e/agent.test.ts.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, Pod } from '../../api/objects/index.js';
import { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { FakeClock, startInProcessCluster, type InProcessCluster } from '../../testing/in-process.js';
import { waitFor } from '../../testing/controllers.js';
import { SimulatedRuntime } from '../runtime/simulated/index.js';
import { startAgent, type Agent } from './index.js';

describe('node agent (simulated runtime, fake clock)', () => {
  let env: InProcessCluster;
  let agent: Agent;
  let pods: Informer<Pod>;
  const clock = new FakeClock('2026-11-22T10:00:00.000Z');
  const runtime = new SimulatedRuntime(clock);
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-agent-unit-'));

  before(async () => {
    env = await startInProcessCluster('agent', { controllers: [], scheduler: false });
    agent = await startAgent({ client: env.client, nodeName: 'n1', runtime, dataDir, clock });
    pods = new Informer<Pod>(env.client.resource<Pod>(resources.pods), {});
    pods.start();
    await pods.waitForSync();
  });
  after(async () => {
    pods.stop();
    await agent.stop({ killPods: true });
    await env.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const create = (name: string, spec: Partial<Pod['spec']>) =>
    env.client.resource<Pod>(resources.pods).create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'main', image: 'x', command: ['run'] }], ...spec } } as Pod);
  const running = async (podName: string, container = 'main') => {
    const list = await runtime.listContainers();
    return list.filter((c) => c.state === 'running' && c.name === container && pods.get(podName, 'default')?.metadata.uid && c.labels['io.kubernetes.pod.uid'] === pods.get(podName, 'default')!.metadata.uid);
  };
  const status = (name: string) => pods.get(name, 'default')?.status;

  it('registers a Ready node with capacity', async () => {
    const node = await env.client.resource<Node>(resources.nodes).get('n1');
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.ok(Number(node.status?.capacity?.cpu) >= 1);
    assert.equal(node.status?.nodeInfo?.containerRuntimeVersion, 'simulated://0.1.0');
  });

  it('starts a pod and reports it Running and Ready', async () => {
    await create('web', {});
    const pod = await waitFor(pods, (p) => p.metadata.name === 'web' && p.status?.phase === 'Running', 'web Running');
    assert.equal(pod.status?.containerStatuses?.[0]?.ready, true);
    assert.equal(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal((await running('web')).length, 1);
  });

  it('restarts a crashing container at once, then after 10 s, then 20 s (CrashLoopBackOff between)', async () => {
    await create('crash', {});
    await waitFor(pods, (p) => p.metadata.name === 'crash' && p.status?.phase === 'Running', 'crash Running');
    runtime.exit((await running('crash'))[0]!.id, 1);
    await waitFor(pods, (p) => p.metadata.name === 'crash' && p.status?.containerStatuses?.[0]?.restartCount === 1 && !!p.status.containerStatuses[0].state?.running, 'first restart, at once');
    runtime.exit((await running('crash'))[0]!.id, 1);
    const looping = await waitFor(pods, (p) => p.metadata.name === 'crash' && p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 'CrashLoopBackOff');
    assert.match(looping.status!.containerStatuses![0]!.state!.waiting!.message!, /^back-off 10s restarting failed container=main pod=crash_default\(/);
    clock.advance(9_000);
    assert.equal((await running('crash')).length, 0, 'still backing off after 9 s');
    clock.advance(1_000);
    await waitFor(pods, (p) => p.metadata.name === 'crash' && p.status?.containerStatuses?.[0]?.restartCount === 2 && !!p.status.containerStatuses[0].state?.running, 'second restart after 10 s');
    runtime.exit((await running('crash'))[0]!.id, 1);
    const again = await waitFor(pods, (p) => p.metadata.name === 'crash' && p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 'back-off again');
    assert.match(again.status!.containerStatuses![0]!.state!.waiting!.message!, /^back-off 20s /);
    clock.advance(20_000);
    await waitFor(pods, (p) => p.metadata.name === 'crash' && p.status?.containerStatuses?.[0]?.restartCount === 3, 'third restart after 20 s');
    const uid = pods.get('crash', 'default')!.metadata.uid;
    const kept = (await runtime.listContainers()).filter((c) => c.labels['io.kubernetes.pod.uid'] === uid);
    assert.deepEqual(kept.map((c) => c.attempt).sort(), [2, 3], 'the running instance and the one before it are kept');
  });

  it('restartPolicy Never: an exit 0 is Succeeded; OnFailure restarts only failures', async () => {
    await create('once', { restartPolicy: 'Never' });
    await waitFor(pods, (p) => p.metadata.name === 'once' && p.status?.phase === 'Running', 'once Running');
    runtime.exit((await running('once'))[0]!.id, 0);
    const done = await waitFor(pods, (p) => p.metadata.name === 'once' && p.status?.phase === 'Succeeded', 'once Succeeded');
    assert.equal(done.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    await create('retry', { restartPolicy: 'OnFailure' });
    await waitFor(pods, (p) => p.metadata.name === 'retry' && p.status?.phase === 'Running', 'retry Running');
    runtime.exit((await running('retry'))[0]!.id, 2);
    await waitFor(pods, (p) => p.metadata.name === 'retry' && p.status?.containerStatuses?.[0]?.restartCount === 1 && !!p.status.containerStatuses[0].state?.running, 'retry restarted');
    runtime.exit((await running('retry'))[0]!.id, 0);
    await waitFor(pods, (p) => p.metadata.name === 'retry' && p.status?.phase === 'Succeeded', 'retry Succeeded');
  });

  it('runs init containers one after the other before the app containers', async () => {
    await create('staged', { initContainers: [{ name: 'a', image: 'x', command: ['a'] }, { name: 'b', image: 'x', command: ['b'] }] });
    await waitFor(pods, (p) => p.metadata.name === 'staged' && p.status?.initContainerStatuses?.[0]?.state?.running !== undefined, 'init a running');
    assert.equal((await running('staged', 'b')).length, 0);
    assert.equal(status('staged')?.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
    runtime.exit((await running('staged', 'a'))[0]!.id, 0);
    await waitFor(pods, (p) => p.metadata.name === 'staged' && p.status?.initContainerStatuses?.[1]?.state?.running !== undefined, 'init b running');
    runtime.exit((await running('staged', 'b'))[0]!.id, 0);
    const pod = await waitFor(pods, (p) => p.metadata.name === 'staged' && p.status?.phase === 'Running', 'staged Running');
    assert.equal(pod.status?.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
  });

  it('activeDeadlineSeconds: past the deadline from its start the pod fails and its containers stop', async () => {
    await create('bounded', { activeDeadlineSeconds: 30 });
    await waitFor(pods, (p) => p.metadata.name === 'bounded' && p.status?.phase === 'Running', 'bounded Running');
    clock.advance(29_000);
    assert.equal((await running('bounded')).length, 1, 'still running a second before the deadline');
    clock.advance(1_000);
    const failed = await waitFor(pods, (p) => p.metadata.name === 'bounded' && p.status?.phase === 'Failed', 'bounded Failed');
    assert.equal(failed.status?.reason, 'DeadlineExceeded');
    assert.equal(failed.status?.message, 'Pod was active on the node longer than the specified deadline');
    assert.equal((await running('bounded')).length, 0);
  });

  it('a restarted agent adopts what the runtime runs (no restarts) and ends pods deleted meanwhile', async () => {
    await create('kept', {});
    await create('dropped', {});
    await waitFor(pods, (_p, all) => ['kept', 'dropped'].every((n) => all.some((p) => p.metadata.name === n && p.status?.phase === 'Running')), 'kept and dropped Running');
    const keptId = (await running('kept'))[0]!.id;
    const droppedId = (await running('dropped'))[0]!.id;
    await agent.stop();
    const stopped = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the container of the pod deleted meanwhile was never stopped')), 10_000);
      const off = runtime.onEvent((e) => { if (e.containerId === droppedId && e.type === 'stopped') { off(); clearTimeout(timer); resolve(); } });
    });
    await env.client.resource(resources.pods).delete('dropped', 'default', { gracePeriodSeconds: 0 });
    agent = await startAgent({ client: env.client, nodeName: 'n1', runtime, dataDir, clock });
    await stopped;
    assert.deepEqual((await running('kept')).map((c) => c.id), [keptId], 'the same instance runs on');
    const kept = await waitFor(pods, (p) => p.metadata.name === 'kept' && p.status?.phase === 'Running', 'kept still Running');
    assert.equal(kept.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal(kept.status?.containerStatuses?.[0]?.containerID, `simulated://${keptId}`);
    await env.client.resource(resources.pods).delete('kept', 'default', { gracePeriodSeconds: 0 });
    await waitFor(pods, (_p, all) => !all.some((p) => p.metadata.name === 'kept'), 'kept deleted');
  });

  it('a deleted pod has its containers stopped, then is removed for good', async () => {
    await create('gone', {});
    await waitFor(pods, (p) => p.metadata.name === 'gone' && p.status?.phase === 'Running', 'gone Running');
    await env.client.resource(resources.pods).delete('gone', 'default');
    await waitFor(pods, (_p, all) => !all.some((p) => p.metadata.name === 'gone'), 'gone deleted');
    assert.equal((await runtime.listContainers()).filter((c) => c.labels['io.kubernetes.pod.uid'] && c.name === 'main' && c.state === 'running').length, 3, 'only web, crash and staged still run');
  });
});
