/**
 * upstream's MarkPodsNotReady: when a node stops being Ready, the pods on it are no
 * longer Ready either (so Services and PodDisruptionBudgets stop counting them), with a
 * `NodeNotReady` warning on each. The kubelet, if it comes back, reports the truth again.
 */
import type { Pod } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import type { ResourceClient } from '../../client/client.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import type { ControllerContext } from '../runtime/context.js';
import { podCondition, setCondition } from '../runtime/pods.js';

export const NODE_CONTROLLER = 'node-controller';

export async function markPodsNotReady(ctx: ControllerContext, podClient: ResourceClient<Pod>, pods: Pod[], nodeName: string): Promise<void> {
  const errors: unknown[] = [];
  for (const pod of pods) {
    if (pod.spec.nodeName !== nodeName) continue;
    try {
      if (await markNotReady(ctx, podClient, pod)) ctx.events(NODE_CONTROLLER).event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length) throw new Error(`unable to mark all pods NotReady on node ${nodeName}: ${errors.map(String).join('; ')}`);
}

/** Ready=False on one pod; a conflicting write (the taint manager's, the kubelet's) means reading it again. False if nothing was changed. */
async function markNotReady(ctx: ControllerContext, podClient: ResourceClient<Pod>, known: Pod): Promise<boolean> {
  let pod = known;
  for (let attempt = 1; ; attempt++) {
    const ready = podCondition(pod, 'Ready');
    if (!ready || ready.status === 'False' || pod.metadata.uid !== known.metadata.uid) return false;
    const conditions = setCondition(pod.status?.conditions, { ...ready, status: 'False', lastTransitionTime: metaTime(ctx.clock.now()) });
    try {
      await podClient.updateStatus({ ...pod, status: { ...pod.status, conditions } });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      if (!isConflict(err) || attempt >= 3) throw err;
    }
    try {
      pod = await podClient.get(known.metadata.name!, known.metadata.namespace);
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}
