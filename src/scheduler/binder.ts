/**
 * Binding and status writes, the scheduler's only API writes besides events and
 * preemption's deletions: POST pods/binding (upstream's DefaultBinder), and the
 * PodScheduled=False condition with `nominatedNodeName` through the status subresource.
 */
import type { Pod } from '../api/objects/index.js';
import type { Client } from '../client/client.js';
import { ApiError } from '../client/errors.js';
import { resources } from '../client/resources.js';
import { metaTime } from '../api/time.js';

export async function bindPod(client: Client, pod: Pod, nodeName: string): Promise<void> {
  const { name, namespace, uid } = pod.metadata;
  // A POST to a subresource, which ResourceClient.create does not make.
  const res = await client.transport.request({
    method: 'POST',
    path: client.resource(resources.pods).path(namespace ?? 'default', name ?? '', 'binding'),
    body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, ...(uid ? { uid } : {}) }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } },
  });
  if (res.status < 200 || res.status >= 300) throw ApiError.fromStatus(res.status, res.body);
}

export interface FailureStatus {
  reason: 'Unschedulable' | 'SchedulerError';
  message: string;
  /** '' clears it; undefined leaves it. */
  nominatedNodeName?: string;
}

/**
 * Whether the pod's status already says this (upstream's UpdatePodCondition compares all
 * but the timestamps): then nothing is written, so repeated failures cost no API calls.
 */
export function statusUpToDate(pod: Pod, f: FailureStatus): boolean {
  const c = pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
  const same = c?.status === 'False' && c.reason === f.reason && c.message === f.message;
  const nominated = f.nominatedNodeName === undefined || (pod.status?.nominatedNodeName ?? '') === f.nominatedNodeName;
  return same && nominated;
}

export async function patchFailureStatus(client: Client, pod: Pod, f: FailureStatus, now: Date): Promise<void> {
  const previous = pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
  const condition = {
    type: 'PodScheduled', status: 'False', reason: f.reason, message: f.message, lastProbeTime: null,
    lastTransitionTime: previous?.status === 'False' && previous.lastTransitionTime ? previous.lastTransitionTime : metaTime(now),
  };
  const status: Record<string, unknown> = { conditions: [condition] };
  if (f.nominatedNodeName !== undefined) status.nominatedNodeName = f.nominatedNodeName || null;
  // The resourceVersion makes it conditional: a pod bound or changed since we looked is left alone.
  const { name, namespace, uid, resourceVersion } = pod.metadata;
  await client.resource<Pod>(resources.pods).patch(name ?? '', namespace ?? 'default', 'strategic', { metadata: { uid, resourceVersion }, status }, { subresource: 'status' });
}
