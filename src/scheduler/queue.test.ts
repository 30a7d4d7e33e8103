import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulingQueue } from './queue.js';
import { testPod } from './testing/objects.js';

function setup() {
  let now = 1_000_000;
  const queue = new SchedulingQueue(() => now);
  return { queue, advance: (ms: number) => { now += ms; } };
}

describe('scheduling queue', () => {
  it('pops by priority, then by time queued', () => {
    const { queue, advance } = setup();
    queue.add(testPod('low-early', { priority: 0 }));
    advance(1);
    queue.add(testPod('high', { priority: 100 }));
    advance(1);
    queue.add(testPod('low-late', { priority: 0 }));
    assert.deepEqual([queue.pop()?.key, queue.pop()?.key, queue.pop()?.key, queue.pop()], ['default/high', 'default/low-early', 'default/low-late', undefined]);
  });

  it('parks unschedulable pods until a cluster change, then backs off 1 s doubling to 10 s', () => {
    const { queue, advance } = setup();
    queue.add(testPod('p'));
    let qp = queue.pop()!;
    queue.addUnschedulable(qp);
    assert.equal(queue.placeOf('default/p'), 'unschedulable');
    queue.flushBackoff();
    assert.equal(queue.pop(), undefined);
    // A change 0.5 s after the failure: still backing off.
    advance(500);
    queue.moveAllToActiveOrBackoff();
    assert.equal(queue.placeOf('default/p'), 'backoff');
    queue.flushBackoff();
    assert.equal(queue.placeOf('default/p'), 'backoff');
    advance(500);
    queue.flushBackoff();
    assert.equal(queue.placeOf('default/p'), 'active');
    qp = queue.pop()!;
    assert.equal(qp.attempts, 2);
    assert.equal(queue.backoffExpiry(qp) - qp.lastFailure, 2_000 - 0 * qp.lastFailure);
    qp.attempts = 10;
    assert.equal(queue.backoffExpiry(qp) - qp.lastFailure, 10_000);
  });

  it('sends a pod that failed while the cluster changed to backoff, not unschedulable', () => {
    const { queue } = setup();
    queue.add(testPod('p'));
    const qp = queue.pop()!;
    queue.moveAllToActiveOrBackoff(); // e.g. a node was added during the attempt
    queue.addUnschedulable(qp);
    assert.equal(queue.placeOf('default/p'), 'backoff');
  });

  it('moves only the pods a change may help, and retries parked pods after 5 minutes', () => {
    const { queue, advance } = setup();
    queue.add(testPod('affinity'));
    queue.add(testPod('resources'));
    const a = queue.pop()!;
    const r = queue.pop()!;
    a.unschedulablePlugins = new Set(['InterPodAffinity']);
    r.unschedulablePlugins = new Set(['NodeResourcesFit']);
    queue.addUnschedulable(a);
    queue.addUnschedulable(r);
    advance(2_000);
    queue.moveAllToActiveOrBackoff(['InterPodAffinity']);
    assert.equal(queue.placeOf('default/affinity'), 'active');
    assert.equal(queue.placeOf('default/resources'), 'unschedulable');
    advance(5 * 60_000);
    queue.flushUnschedulableLeftover();
    assert.equal(queue.placeOf('default/resources'), 'active');
  });

  it('requeues a parked pod whose spec changed, not one whose status changed', () => {
    const { queue, advance } = setup();
    const pod = testPod('p');
    queue.add(pod);
    queue.addUnschedulable(queue.pop()!);
    advance(5_000);
    queue.update({ ...pod, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } });
    assert.equal(queue.placeOf('default/p'), 'unschedulable');
    queue.update({ ...pod, spec: { ...pod.spec, tolerations: [{ operator: 'Exists' }] } });
    assert.equal(queue.placeOf('default/p'), 'active');
  });

  it('forgets deleted pods', () => {
    const { queue } = setup();
    queue.add(testPod('a'));
    queue.add(testPod('b'));
    queue.delete('default/a');
    assert.equal(queue.activeLength(), 1);
    assert.equal(queue.pop()?.key, 'default/b');
    assert.equal(queue.pop(), undefined);
  });
});
