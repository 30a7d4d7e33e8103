/**
 * The scheduler through the real kubectl, on three simulated nodes: a pod asking for
 * more cpu than any node has stays Pending with upstream's message in `kubectl describe`
 * and `kubectl get events`; nodeSelector and tolerations place pods on the labelled and
 * tainted nodes; a pod that tolerates nothing is kept off the tainted one.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestCluster } from '../support/cluster.js';

const pod = (name: string, spec: Record<string, unknown> = {}, cpu = '100m') => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu } } }], ...spec },
});

describe('scheduler (kubectl)', () => {
  const env = useTestCluster({ simulatedNodes: 3 });

  const kubectl = async (args: string[], input?: string) => {
    const res = await env.cluster.kubectl(args, { input });
    assert.equal(res.code, 0, `kubectl ${args.join(' ')}: ${res.stderr}`);
    return res.stdout;
  };
  const nodeOf = async (name: string) => {
    await kubectl(['wait', '--for=condition=PodScheduled', `pod/${name}`, '--timeout=30s']);
    return kubectl(['get', 'pod', name, '-o', 'jsonpath={.spec.nodeName}']);
  };
  const failedScheduling = async (name: string) => {
    await kubectl(['wait', '--for=condition=PodScheduled=false', `pod/${name}`, '--timeout=30s']);
    return kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].message}']);
  };

  it('keeps a pod larger than any node Pending and says why', async () => {
    await kubectl(['apply', '-f', '-'], pod('too-big', {}, '64'));
    const message = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    assert.equal(await failedScheduling('too-big'), message);
    assert.match(await kubectl(['get', 'pod', 'too-big']), /too-big\s+0\/1\s+Pending/);
    const describe = await kubectl(['describe', 'pod', 'too-big']);
    assert.match(describe, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 3 Insufficient cpu\. preemption: 0\/3 nodes are available: 3 Preemption is not helpful for scheduling\./);
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=too-big']);
    assert.match(events, /Warning\s+FailedScheduling\s+pod\/too-big\s+0\/3 nodes are available: 3 Insufficient cpu\./);
  });

  it('places a pod with a nodeSelector on the labelled node', async () => {
    await kubectl(['label', 'node', 'sim-node-1', 'disk=ssd']);
    await kubectl(['apply', '-f', '-'], pod('on-ssd', { nodeSelector: { disk: 'ssd' } }));
    assert.equal(await nodeOf('on-ssd'), 'sim-node-1');
    const describe = await kubectl(['describe', 'pod', 'on-ssd']);
    assert.match(describe, /Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned default\/on-ssd to sim-node-1/);
  });

  it('places a tolerating pod on a tainted node, and keeps others off it', async () => {
    await kubectl(['taint', 'node', 'sim-node-2', 'dedicated=gpu:NoSchedule']);
    await kubectl(['label', 'node', 'sim-node-2', 'pool=gpu']);
    await kubectl(['apply', '-f', '-'], pod('gpu-job', {
      nodeSelector: { pool: 'gpu' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
    }));
    assert.equal(await nodeOf('gpu-job'), 'sim-node-2');
    await kubectl(['apply', '-f', '-'], pod('intolerant', { nodeSelector: { pool: 'gpu' } }));
    assert.equal(await failedScheduling('intolerant'),
      "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    // Untainting is a node update the scheduler reacts to.
    await kubectl(['taint', 'node', 'sim-node-2', 'dedicated=gpu:NoSchedule-']);
    assert.equal(await nodeOf('intolerant'), 'sim-node-2');
  });
});
