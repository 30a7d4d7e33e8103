/**
 * The scheduler against a real in-process API server (Node objects created directly,
 * no kubelets): binds a pod and reports Scheduled; a pod that fits nowhere gets
 * PodScheduled=False/Unschedulable with upstream's message and a FailedScheduling
 * event, and is bound once a node with room appears; nodeSelector and taints steer pods.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node, Pod } from '../api/objects/index.js';
import type { ResourceClient } from '../client/client.js';
import type { Informer } from '../client/informer.js';
import { resources } from '../client/resources.js';
import { startControllerTestBed, waitFor, type ControllerTestBed } from '../testing/controllers.js';
import { testNode, testPod } from './testing/objects.js';

describe('scheduler (integration)', () => {
  let bed: ControllerTestBed;
  let pods: ResourceClient<Pod>;
  let nodes: ResourceClient<Node>;
  let podInformer: Informer<Pod>;
  let eventInformer: Informer<Event>;

  const createNode = async (node: Node) => {
    const created = await nodes.create({ ...node, status: undefined });
    await nodes.updateStatus({ ...created, status: node.status });
  };
  const boundPod = (name: string) => waitFor(podInformer, (p) => p.metadata.name === name && Boolean(p.spec.nodeName), `${name} bound`);

  before(async () => {
    bed = await startControllerTestBed('scheduler', [], { scheduler: true });
    pods = bed.ctx.client.resource<Pod>(resources.pods);
    nodes = bed.ctx.client.resource<Node>(resources.nodes);
    podInformer = bed.ctx.informers.for<Pod>(resources.pods);
    eventInformer = bed.ctx.informers.for<Event>(resources.events);
    await eventInformer.waitForSync();
    await createNode(testNode('node-a', { cpu: '2', labels: { disk: 'ssd' } }));
    await createNode(testNode('node-b', { cpu: '2' }));
    await createNode(testNode('control', { cpu: '2', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }));
    await waitFor(bed.ctx.informers.for<Node>(resources.nodes), (_n, all) => all.length === 3, 'three nodes');
  });
  after(async () => {
    await bed.stop();
  });

  it('binds a pod to a node and records Scheduled', async () => {
    await pods.create(testPod('web', { cpu: '100m' }));
    const pod = await boundPod('web');
    assert.ok(['node-a', 'node-b'].includes(pod.spec.nodeName!), pod.spec.nodeName);
    const event = await waitFor(eventInformer, (e) => e.involvedObject.name === 'web' && e.reason === 'Scheduled', 'Scheduled event');
    assert.equal(event.message, `Successfully assigned default/web to ${pod.spec.nodeName}`);
    assert.equal(event.type, 'Normal');
    assert.equal(event.source?.component, 'default-scheduler');
  });

  it('honours nodeSelector and tolerations', async () => {
    await pods.create(testPod('on-ssd', { spec: { nodeSelector: { disk: 'ssd' } } }));
    assert.equal((await boundPod('on-ssd')).spec.nodeName, 'node-a');
    await pods.create(testPod('on-control', {
      spec: { nodeSelector: { 'kubernetes.io/hostname': 'control' }, tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] },
    }));
    assert.equal((await boundPod('on-control')).spec.nodeName, 'control');
  });

  it('marks a pod that fits nowhere Unschedulable, then binds it when room appears', async () => {
    await pods.create(testPod('huge', { cpu: '3' }));
    const pending = await waitFor(podInformer, (p) => p.metadata.name === 'huge' && Boolean(p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False')), 'huge unschedulable');
    const condition = pending.status!.conditions!.find((c) => c.type === 'PodScheduled')!;
    assert.equal(condition.reason, 'Unschedulable');
    assert.equal(condition.message, '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    const event = await waitFor(eventInformer, (e) => e.involvedObject.name === 'huge' && e.reason === 'FailedScheduling', 'FailedScheduling event');
    assert.equal(event.type, 'Warning');
    assert.equal(event.message, condition.message);

    await createNode(testNode('big', { cpu: '8' }));
    // The new node moves the pod to backoff (1 s after its failed attempt), then to active.
    await waitFor(bed.ctx.informers.for<Node>(resources.nodes), (n) => n.metadata.name === 'big' && Boolean(n.status?.allocatable), 'node big with allocatable');
    assert.equal(bed.scheduler!.queue.placeOf('default/huge'), 'backoff');
    bed.clock.advance(1_000);
    assert.equal((await boundPod('huge')).spec.nodeName, 'big');
  });
});
