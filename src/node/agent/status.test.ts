import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/objects/index.js';
import type { ContainerStatus } from '../runtime/types.js';
import { podStatus, type StatusInput } from './status.js';
import { RestartBackoff } from './backoff.js';
import { goDuration } from './pod-sync.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

function pod(spec: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] } } as Pod;
}

function instance(name: string, attempt: number, state: ContainerStatus['state'], exitCode = 0, reason = ''): ContainerStatus {
  return {
    id: `${name}-${attempt}`, sandboxId: 's', name, attempt, image: 'busybox', state, createdAt: ns('2026-11-22T09:59:00Z') + BigInt(attempt),
    startedAt: ns('2026-11-22T09:59:01Z'), finishedAt: state === 'exited' ? ns('2026-11-22T09:59:02Z') : 0n, exitCode, reason, message: '', logPath: '/x', labels: {}, annotations: {},
  };
}

function status(p: Pod, instances: ContainerStatus[], waiting: StatusInput['waiting'] = new Map(), terminal = false) {
  return podStatus({ pod: p, instances, waiting, sandboxReady: true, terminal, hostIP: '127.0.0.1', podIP: '127.0.0.1', runtimeName: 'process', now: NOW });
}

describe('pod status', () => {
  it('a running container: Running, ready, conditions true, PodScheduled kept', () => {
    const s = status(pod(), [instance('app', 0, 'running')]);
    assert.equal(s.phase, 'Running');
    assert.deepEqual(s.containerStatuses![0]!.state, { running: { startedAt: '2026-11-22T09:59:01Z' } });
    assert.equal(s.containerStatuses![0]!.ready, true);
    assert.equal(s.containerStatuses![0]!.containerID, 'process://app-0');
    assert.deepEqual(s.conditions!.map((c) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    assert.equal(s.startTime, '2026-11-22T10:00:00Z');
  });

  it('nothing started yet: Pending, ContainerCreating, unready with upstream message', () => {
    const s = status(pod(), []);
    assert.equal(s.phase, 'Pending');
    assert.deepEqual(s.containerStatuses![0]!.state, { waiting: { reason: 'ContainerCreating' } });
    const ready = s.conditions!.find((c) => c.type === 'Ready')!;
    assert.equal(ready.reason, 'ContainersNotReady');
    assert.equal(ready.message, 'containers with unready status: [app]');
  });

  it('crash loop: waiting CrashLoopBackOff, lastState terminated, restarts counted, phase Running (restartPolicy Always)', () => {
    const waiting = new Map([['app', { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=p_default(u1)' }]]);
    const s = status(pod(), [instance('app', 0, 'exited', 1), instance('app', 1, 'exited', 1)], waiting);
    const c = s.containerStatuses![0]!;
    assert.equal(s.phase, 'Running');
    assert.equal(c.restartCount, 1);
    assert.equal(c.state!.waiting!.reason, 'CrashLoopBackOff');
    assert.equal(c.lastState!.terminated!.exitCode, 1);
    assert.equal(c.lastState!.terminated!.reason, 'Error');
  });

  it('run to completion: Succeeded with Ready False PodCompleted; a failure with Never: Failed', () => {
    const ok = status(pod({ restartPolicy: 'Never' }), [instance('app', 0, 'exited', 0)]);
    assert.equal(ok.phase, 'Succeeded');
    assert.equal(ok.containerStatuses![0]!.state!.terminated!.reason, 'Completed');
    assert.equal(ok.conditions!.find((c) => c.type === 'Ready')!.reason, 'PodCompleted');
    assert.equal(status(pod({ restartPolicy: 'Never' }), [instance('app', 0, 'exited', 2)]).phase, 'Failed');
    assert.equal(status(pod({ restartPolicy: 'OnFailure' }), [instance('app', 0, 'exited', 2)]).phase, 'Running');
  });

  it('init containers: app containers wait in PodInitializing; Initialized lists the incomplete ones', () => {
    const p = pod({ initContainers: [{ name: 'setup', image: 'busybox' }] });
    const s = status(p, [instance('setup', 0, 'running')]);
    assert.equal(s.phase, 'Pending');
    assert.deepEqual(s.containerStatuses![0]!.state, { waiting: { reason: 'PodInitializing' } });
    assert.equal(s.conditions!.find((c) => c.type === 'Initialized')!.message, 'containers with incomplete status: [setup]');
    const done = status(p, [instance('setup', 0, 'exited', 0), instance('app', 0, 'running')]);
    assert.equal(done.phase, 'Running');
    assert.equal(done.initContainerStatuses![0]!.ready, true);
    assert.equal(status(pod({ restartPolicy: 'Never', initContainers: [{ name: 'setup', image: 'b' }] }), [instance('setup', 0, 'exited', 1)]).phase, 'Failed');
  });

  it('keeps a condition transition time while its status holds', () => {
    const first = status(pod(), [instance('app', 0, 'running')]);
    const again = podStatus({ pod: { ...pod(), status: first }, instances: [instance('app', 0, 'running')], waiting: new Map(), sandboxReady: true, terminal: false, hostIP: '127.0.0.1', podIP: '127.0.0.1', runtimeName: 'process', now: new Date('2026-11-22T11:00:00Z') });
    assert.deepEqual(again, first);
  });
});

describe('restart back-off', () => {
  it('restarts at once, then after 10 s, 20 s … up to 5 minutes; resets after a long run', () => {
    const b = new RestartBackoff();
    const t0 = 1_000_000;
    assert.equal(b.remaining('k', t0, t0), 0);
    b.restarted('k', t0);
    assert.equal(b.remaining('k', t0 + 1000, t0 + 1000), 10_000);
    b.restarted('k', t0 + 1000);
    assert.equal(b.remaining('k', t0 + 12_000, t0 + 12_000), 20_000);
    for (let i = 0; i < 10; i++) b.restarted('k', t0 + 2000 + i);
    assert.equal(b.current('k'), 300_000);
    assert.equal(b.remaining('k', t0 + 700_000, t0 + 700_000), 0);
    assert.equal(goDuration(10_000), '10s');
    assert.equal(goDuration(80_000), '1m20s');
    assert.equal(goDuration(300_000), '5m0s');
  });
});
