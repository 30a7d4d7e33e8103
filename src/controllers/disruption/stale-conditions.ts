/**
 * Stale DisruptionTarget conditions (upstream's stalePodDisruption worker in the
 * disruption controller): a pod marked as about to be disrupted (by the taint manager,
 * an eviction, preemption) that is still not terminating 2 minutes later was not
 * disrupted after all; its DisruptionTarget condition is set back to False. Conditions
 * the kubelet set, and pods that have finished, are left alone.
 */
import type { Pod } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import type { ResourceClient } from '../../client/client.js';
import { isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { ControllerContext } from '../runtime/context.js';

export const STALE_DISRUPTION_TIMEOUT_MS = 2 * 60_000;

/** Milliseconds until the pod's DisruptionTarget condition is stale (≤ 0: now); undefined if it has none that can be. */
function staleIn(pod: Pod, now: Date): number | undefined {
  if (pod.metadata.deletionTimestamp) return undefined;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return undefined;
  const c = pod.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
  if (!c || c.status !== 'True' || c.reason === 'TerminationByKubelet') return undefined;
  const since = Date.parse(c.lastTransitionTime ?? '');
  return Number.isFinite(since) ? since + STALE_DISRUPTION_TIMEOUT_MS - now.getTime() : 0;
}

export function staleDisruptionCleanup(ctx: ControllerContext, pods: Informer<Pod>, podClient: ResourceClient<Pod>, component: string): { podChanged(pod: Pod): void; stop(): void } {
  const queue = new WorkQueue({
    clock: ctx.clock,
    onError: (key, err) => ctx.onError(component, new Error(`clearing DisruptionTarget of pod ${key}: ${String(err)}`)),
    reconcile: async (key) => {
      const [namespace, name] = key.split('/') as [string, string];
      const pod = pods.get(name, namespace);
      if (!pod) return undefined;
      const wait = staleIn(pod, ctx.clock.now());
      if (wait === undefined) return undefined;
      if (wait > 0) return { requeueAfterMs: wait };
      const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === 'DisruptionTarget' ? { type: 'DisruptionTarget', status: 'False' as const, lastTransitionTime: metaTime(ctx.clock.now()) } : c));
      try {
        await podClient.updateStatus({ ...pod, status: { ...pod.status, conditions } });
      } catch (err) {
        if (!isNotFound(err)) throw err; // a conflict: the retry reads the pod again
      }
      return undefined;
    },
  });
  return {
    podChanged(pod) {
      if (staleIn(pod, ctx.clock.now()) !== undefined) queue.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
    },
    stop: () => queue.stop(),
  };
}
