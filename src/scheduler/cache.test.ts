import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerCache } from './cache.js';
import { info, testNode, testPod } from './testing/objects.js';

const bound = (name: string, node: string, cpu = '1') => testPod(name, { cpu, nodeName: node });

describe('scheduler cache', () => {
  it('counts bound pods per node, incrementally', () => {
    const cache = new SchedulerCache();
    cache.setNode(testNode('a', { cpu: '4' }));
    cache.upsertPod(bound('p1', 'a'));
    cache.upsertPod(bound('p2', 'a', '500m'));
    const a = cache.nodeInfo('a')!;
    assert.equal(a.requested.cpu, 1500);
    assert.equal(a.pods.size, 2);
    cache.removePod('default/p1');
    assert.equal(a.requested.cpu, 500);
    // A finished pod holds nothing.
    cache.upsertPod({ ...bound('p2', 'a', '500m'), status: { phase: 'Succeeded' } });
    assert.equal(a.requested.cpu, 0);
    assert.equal(a.pods.size, 0);
  });

  it('assumes a pod at once, confirms it when the binding is seen, forgets it when binding fails', () => {
    const cache = new SchedulerCache();
    cache.setNode(testNode('a', { cpu: '4' }));
    cache.setNode(testNode('b', { cpu: '4' }));
    const pod = testPod('p', { cpu: '1' });
    cache.assume(info(pod), 'a');
    assert.equal(cache.isAssumed('default/p'), true);
    assert.equal(cache.nodeInfo('a')!.requested.cpu, 1000);
    cache.forget('default/p');
    assert.equal(cache.nodeInfo('a')!.requested.cpu, 0);
    assert.equal(cache.nodeOf('default/p'), undefined);

    cache.assume(info(pod), 'a');
    cache.upsertPod({ ...pod, spec: { ...pod.spec, nodeName: 'a' } });
    assert.equal(cache.isAssumed('default/p'), false);
    assert.equal(cache.nodeInfo('a')!.requested.cpu, 1000);
    cache.forget('default/p'); // confirmed: a late failure report changes nothing
    assert.equal(cache.nodeInfo('a')!.requested.cpu, 1000);
  });

  it('keeps pods of a deleted node until they go, and lists only nodes with a Node object', () => {
    const cache = new SchedulerCache();
    cache.setNode(testNode('a'));
    cache.upsertPod(bound('p', 'a'));
    cache.upsertPod(bound('early', 'later-node'));
    assert.deepEqual(cache.nodeList().map((n) => n.name), ['a']);
    cache.setNode(testNode('later-node', { cpu: '4' }));
    assert.equal(cache.nodeInfo('later-node')!.requested.cpu, 1000);
    cache.removeNode('a');
    assert.deepEqual(cache.nodeList().map((n) => n.name), ['later-node']);
    assert.equal(cache.nodeOf('default/p'), 'a');
    cache.removePod('default/p');
    assert.equal(cache.nodeOf('default/p'), undefined);
  });

  it('tracks host ports and pods with affinity', () => {
    const cache = new SchedulerCache();
    cache.setNode(testNode('a'));
    cache.upsertPod(testPod('web', { nodeName: 'a', containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080 }] }], spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname' }] } } } }));
    const a = cache.nodeInfo('a')!;
    assert.deepEqual([...a.usedPorts.keys()], ['0.0.0.0/TCP/8080']);
    assert.equal(cache.podsWithRequiredAntiAffinity, 1);
    cache.removePod('default/web');
    assert.equal(a.usedPorts.size, 0);
    assert.equal(cache.podsWithRequiredAntiAffinity, 0);
  });
});
