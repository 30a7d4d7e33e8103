/**
 * Playing the kubelet in controller tests: report pods Running and Ready, Succeeded or
 * Failed through the status subresource, as a node would.
 */
import type { Pod } from '../api/objects/index.js';
import type { Client } from '../client/client.js';
import type { Clock } from '../client/clock.js';
import type { Informer } from '../client/informer.js';
import { resources } from '../client/resources.js';
import { runningStatus, succeededStatus } from '../node/simulated/pods.js';
import { metaTime } from '../api/time.js';

export async function reportPod(client: Client, pod: Pod, outcome: 'Running' | 'Succeeded' | 'Failed' | 'NotReady', now: Date): Promise<Pod> {
  const pods = client.resource<Pod>(resources.pods);
  let status: Record<string, unknown>;
  if (outcome === 'Running') status = runningStatus(pod, now);
  else if (outcome === 'Succeeded') status = succeededStatus(pod, now);
  else if (outcome === 'NotReady') {
    status = runningStatus(pod, now);
    status.conditions = (status.conditions as Array<{ type: string; status: string }>).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c));
  } else {
    const at = metaTime(now);
    status = {
      ...succeededStatus(pod, now), phase: 'Failed',
      containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: false, started: false, restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error', finishedAt: at } } })),
    };
  }
  return pods.updateStatus({ ...pod, status } as Pod);
}

/**
 * From now on, reports every pending pod `filter` accepts Running and Ready (at the
 * clock's time) as it appears or changes; returns a stop function. A pod deleted or
 * changed meanwhile is simply not reported.
 */
export function autoReadyPods(client: Client, pods: Informer<Pod>, clock: Clock, filter: (pod: Pod) => boolean = () => true): () => void {
  const report = (pod: Pod) => {
    if (pod.status?.phase === 'Pending' && !pod.metadata.deletionTimestamp && filter(pod)) {
      reportPod(client, pod, 'Running', clock.now()).catch(() => undefined);
    }
  };
  const handle = pods.addHandler({ add: report, update: (_old, pod) => report(pod) });
  return () => handle.remove();
}
