/**
 * DaemonSet pods through the real scheduler on simulated nodes (all on the fake clock):
 * the scheduler binds each pod to the node its affinity names — also a cordoned one,
 * which the daemon tolerations allow — skipping a tainted node; a rolling update with
 * maxUnavailable 1 never has more than one node without an available pod, with graceful
 * deletion confirmed by the simulated kubelet.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, Node } from '../../api/objects/index.js';
import { resources } from '../../client/resources.js';
import { startSimulatedNodes, type SimulatedNodes } from '../../node/simulated/nodes.js';
import { waitFor, waitUntil } from '../../testing/controllers.js';
import { targetNode } from './pods.js';
import { daemonSet, startDsBed, type DsBed } from './testbed.js';

describe('daemonset controller with the scheduler and simulated nodes', () => {
  let bed: DsBed;
  let nodes: SimulatedNodes;
  const daemonSets = () => bed.env.client.resource<DaemonSet>(resources.daemonsets);
  const agentPods = () => bed.pods.list('default').filter((p) => p.metadata.ownerReferences?.[0]?.name === 'agent');

  before(async () => {
    bed = await startDsBed('ds-sched', { scheduler: true });
    nodes = await startSimulatedNodes({ client: bed.env.client, count: 4, clock: bed.clock });
    const nodeClient = bed.env.client.resource<Node>(resources.nodes);
    await nodeClient.patch('sim-node-3', undefined, 'merge', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
    await nodeClient.patch('sim-node-2', undefined, 'merge', { spec: { unschedulable: true } });
    await waitFor(bed.nodes, (n) => n.metadata.name === 'sim-node-2' && n.spec?.unschedulable === true, 'sim-node-2 cordoned');
    await waitFor(bed.nodes, (n) => n.metadata.name === 'sim-node-3' && (n.spec?.taints?.length ?? 0) > 0, 'sim-node-3 tainted');
  });
  after(async () => {
    await nodes.stop();
    await bed.stop();
  });

  it('binds every pod to its own node, cordoned included, tainted excluded', { timeout: 20_000 }, async () => {
    await daemonSets().create(daemonSet('agent', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }));
    await bed.dsWhen('agent', (d) => d.status?.numberAvailable === 3 && d.status.desiredNumberScheduled === 3, 'three available');
    const placed = agentPods().map((p) => [p.spec.nodeName, targetNode({ ...p, spec: { ...p.spec, nodeName: undefined } })]);
    assert.deepEqual(placed.map(([bound]) => bound).sort(), ['sim-node-0', 'sim-node-1', 'sim-node-2']);
    for (const [bound, pinned] of placed) assert.equal(bound, pinned);
  });

  it('rolls out with at most one node short of an available pod', { timeout: 30_000 }, async () => {
    let worst = 3;
    const watch = bed.daemonSets.addHandler({ update: (_o, d) => { if (d.metadata.name === 'agent') worst = Math.min(worst, d.status?.numberAvailable ?? 0); } });
    await daemonSets().patch('agent', 'default', 'merge', { spec: { template: { spec: { containers: [{ name: 'c', image: 'agent:2' }] } } } });
    await waitUntil([bed.pods as never, bed.daemonSets as never], () => {
      const d = bed.daemonSets.get('agent', 'default');
      return d?.status?.updatedNumberScheduled === 3 && d.status.numberAvailable === 3 && agentPods().length === 3 && agentPods().every((p) => p.spec.containers[0]!.image === 'agent:2' && p.spec.nodeName);
    }, 'rolled out');
    watch.remove();
    assert.ok(worst >= 2, `numberAvailable fell to ${worst}`);
    assert.deepEqual(bed.errors.map(String), []);
  });
});
