/**
 * The simulated runtime's pod side: pods bound to simulated nodes are reported Running
 * (containers started and ready) without running anything; run-to-completion pods
 * (restartPolicy Never or OnFailure) are reported Succeeded after `completeAfterMs`;
 * a pod marked for deletion is confirmed deleted, as a kubelet does once its containers
 * have stopped. Level-based: each reconcile looks at the pod as the informer has it now.
 */
import { metaTime } from '../../api/time.js';
import type { Container, Pod } from '../../api/objects/index.js';
import { podQOSClass } from '../../api/defaults/pod.js';
import { resources } from '../../client/resources.js';
import type { Client } from '../../client/client.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { Informer, objectKey } from '../../client/informer.js';
import { realClock, type Clock } from '../../client/clock.js';
import { WorkQueue } from '../../client/workqueue.js';

export interface SimulatedPodsOptions {
  client: Client;
  /** Whether a node is one of ours. */
  ownsNode(name: string): boolean;
  /** How long a run-to-completion pod runs; default 5 s. */
  completeAfterMs?: number;
  /** A pods informer to share (in `skiff server`, the controllers' one) instead of watching on its own. */
  podsInformer?: Informer<Pod>;
  clock?: Clock;
  onError?(err: unknown): void;
}

export function startSimulatedPods(o: SimulatedPodsOptions): { informer: Informer<Pod>; stop(): void } {
  const clock = o.clock ?? realClock;
  const completeAfterMs = o.completeAfterMs ?? 5_000;
  const pods = o.client.resource<Pod>(resources.pods);
  const informer = o.podsInformer ?? new Informer(pods, { onError: o.onError });

  const reconcile = async (key: string) => {
    const [namespace, name] = key.split('/') as [string, string];
    const pod = informer.get(name, namespace);
    const spec = pod?.spec;
    if (!pod || !spec?.nodeName || !o.ownsNode(spec.nodeName)) return;
    try {
      if (pod.metadata?.deletionTimestamp) {
        // Containers "stopped": confirm the deletion, as the kubelet does with a zero grace period.
        await pods.delete(name, namespace, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
        return;
      }
      const phase = pod.status?.phase;
      const now = clock.now();
      if (!phase || phase === 'Pending') {
        await pods.updateStatus({ ...pod, status: runningStatus(pod, now) });
        return;
      }
      if (phase === 'Running' && (spec.restartPolicy === 'Never' || spec.restartPolicy === 'OnFailure')) {
        const started = Date.parse(pod.status?.startTime ?? '') || now.getTime();
        const due = started + completeAfterMs - now.getTime();
        if (due > 0) return { requeueAfterMs: due };
        await pods.updateStatus({ ...pod, status: succeededStatus(pod, now) });
      }
    } catch (err) {
      // Gone, or changed meanwhile: the informer brings the newer state and requeues.
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
    return undefined;
  };

  // Many kubelets at once: pods on different nodes are reported concurrently.
  const queue = new WorkQueue({ reconcile, workers: 16, clock, onError: (_key, err) => o.onError?.(err) });
  const enqueue = (pod: Pod) => {
    const node = pod.spec?.nodeName;
    if (node && o.ownsNode(node)) queue.add(objectKey(pod));
  };
  const handle = informer.addHandler({ add: enqueue, update: (_old, pod) => enqueue(pod) });
  if (!o.podsInformer) informer.start();
  return {
    informer,
    stop() {
      handle.remove();
      if (!o.podsInformer) informer.stop();
      queue.stop();
    },
  };
}

function containersOf(pod: Pod): Container[] {
  return (pod.spec?.containers ?? []).filter((c) => c && typeof c.name === 'string');
}

function conditions(ready: boolean, at: string, reason?: string): Array<Record<string, unknown>> {
  const c = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: at, ...(status || !reason ? {} : { reason }) });
  return [c('PodReadyToStartContainers', true), c('Initialized', true), c('Ready', ready), c('ContainersReady', ready), c('PodScheduled', true)];
}

function base(pod: Pod, now: Date): Record<string, unknown> {
  return {
    hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }], podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }],
    startTime: pod.status?.startTime ?? metaTime(now),
    // The class the API server computed at creation; a kubelet reports it unchanged.
    qosClass: pod.status?.qosClass ?? podQOSClass(pod.spec as never),
  };
}

/** The status a kubelet reports for a pod whose containers all run and are ready. */
export function runningStatus(pod: Pod, now: Date): Record<string, unknown> {
  const at = metaTime(now);
  return {
    ...base(pod, now), phase: 'Running', conditions: conditions(true, at),
    containerStatuses: containersOf(pod).map((c) => ({
      name: c.name, image: c.image ?? '', imageID: '', containerID: `simulated://${pod.metadata?.uid}/${c.name}`,
      ready: true, started: true, restartCount: 0, state: { running: { startedAt: at } }, lastState: {},
    })),
  };
}

/** The status of a pod whose containers all exited 0. */
export function succeededStatus(pod: Pod, now: Date): Record<string, unknown> {
  const at = metaTime(now);
  const startedAt = pod.status?.startTime ?? at;
  return {
    ...base(pod, now), phase: 'Succeeded', conditions: conditions(false, at, 'PodCompleted'),
    containerStatuses: containersOf(pod).map((c) => ({
      name: c.name, image: c.image ?? '', imageID: '', containerID: `simulated://${pod.metadata?.uid}/${c.name}`,
      ready: false, started: false, restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: at, containerID: `simulated://${pod.metadata?.uid}/${c.name}` } }, lastState: {},
    })),
  };
}
