/**
 * Preemption against a real in-process API server: a high-priority pod that fits
 * nowhere evicts a low-priority one (DisruptionTarget condition, deletion, Preempted
 * event), is nominated to the node, and is bound there once the victim is gone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node, Pod } from '../api/objects/index.js';
import type { ResourceClient } from '../client/client.js';
import type { Informer } from '../client/informer.js';
import { resources } from '../client/resources.js';
import { startControllerTestBed, waitFor, type ControllerTestBed } from '../testing/controllers.js';
import { testNode, testPod } from './testing/objects.js';

describe('scheduler preemption (integration)', () => {
  let bed: ControllerTestBed;
  let pods: ResourceClient<Pod>;
  let podInformer: Informer<Pod>;
  let eventInformer: Informer<Event>;

  before(async () => {
    bed = await startControllerTestBed('preemption', [], { scheduler: true });
    pods = bed.ctx.client.resource<Pod>(resources.pods);
    podInformer = bed.ctx.informers.for<Pod>(resources.pods);
    eventInformer = bed.ctx.informers.for<Event>(resources.events);
    await eventInformer.waitForSync();
    const classes = bed.ctx.client.resource(resources.priorityclasses);
    await classes.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: 10 });
    await classes.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    await classes.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high-polite' }, value: 1000, preemptionPolicy: 'Never' });
    const nodes = bed.ctx.client.resource<Node>(resources.nodes);
    const node = testNode('solo', { cpu: '1' });
    const created = await nodes.create({ ...node, status: undefined });
    await nodes.updateStatus({ ...created, status: node.status });
    await waitFor(bed.ctx.informers.for<Node>(resources.nodes), (n) => Boolean(n.status?.allocatable), 'node solo');
  });
  after(async () => {
    await bed.stop();
  });

  it('evicts a lower-priority pod, nominates the node, then binds there', async () => {
    await pods.create(testPod('victim', { cpu: '1', spec: { priorityClassName: 'low' } }));
    await waitFor(podInformer, (p) => p.metadata.name === 'victim' && p.spec.nodeName === 'solo', 'victim bound');

    await pods.create(testPod('vip', { cpu: '1', spec: { priorityClassName: 'high' } }));
    const doomed = await waitFor(podInformer, (p) => p.metadata.name === 'victim' && Boolean(p.metadata.deletionTimestamp), 'victim being deleted');
    const target = doomed.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    assert.equal(target?.reason, 'PreemptionByScheduler');
    assert.equal(target?.message, 'default-scheduler: preempting to accommodate a higher priority pod');
    const vip = await waitFor(podInformer, (p) => p.metadata.name === 'vip' && p.status?.nominatedNodeName === 'solo', 'vip nominated');
    const event = await waitFor(eventInformer, (e) => e.involvedObject.name === 'victim' && e.reason === 'Preempted', 'Preempted event');
    assert.equal(event.message, `Preempted by pod ${vip.metadata.uid} on node solo`);
    assert.equal(vip.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message, '0/1 nodes are available: 1 Insufficient cpu.');

    // No kubelet here: confirm the deletion as one would, then let the backoff pass.
    await pods.delete('victim', 'default', { gracePeriodSeconds: 0 });
    await waitFor(podInformer, (_p, all) => !all.some((p) => p.metadata.name === 'victim'), 'victim gone');
    bed.clock.advance(1_000);
    const bound = await waitFor(podInformer, (p) => p.metadata.name === 'vip' && Boolean(p.spec.nodeName), 'vip bound');
    assert.equal(bound.spec.nodeName, 'solo');
  });

  it('leaves a pod that may not preempt pending, saying so', async () => {
    await pods.create(testPod('polite', { cpu: '1', spec: { priorityClassName: 'high-polite' } }));
    const pending = await waitFor(podInformer, (p) => p.metadata.name === 'polite' && Boolean(p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False')), 'polite unschedulable');
    assert.equal(pending.status!.conditions!.find((c) => c.type === 'PodScheduled')!.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
    assert.equal(pending.spec.nodeName, undefined);
  });
});
