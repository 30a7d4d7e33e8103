/**
 * Preemption's API writes: evicting a victim (the DisruptionTarget condition, then the
 * delete, then a Preempted event on it, as upstream's PreemptPod) and clearing a
 * lower-priority pod's nomination.
 */
import type { Pod } from '../api/objects/index.js';
import { metaTime } from '../api/time.js';
import type { Client } from '../client/client.js';
import type { Clock } from '../client/clock.js';
import { isConflict, isNotFound } from '../client/errors.js';
import { resources } from '../client/resources.js';
import type { EventRecorder } from '../controllers/runtime/events.js';
import { podRef } from './scheduler.js';

export class SchedulerWrites {
  constructor(
    private readonly client: Client,
    private readonly events: EventRecorder,
    private readonly clock: Clock,
    private readonly schedulerName: string,
    private readonly onError: (err: unknown) => void,
  ) {}

  async evict(victim: Pod, preemptor: Pod, node: string): Promise<void> {
    const pods = this.client.resource<Pod>(resources.pods);
    const { name, namespace, uid } = victim.metadata;
    try {
      await pods.patch(name!, namespace, 'strategic', {
        metadata: { uid },
        status: { conditions: [{
          type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler',
          message: `${this.schedulerName}: preempting to accommodate a higher priority pod`, lastTransitionTime: metaTime(this.clock.now()),
        }] },
      }, { subresource: 'status', fieldManager: this.schedulerName });
      await pods.delete(name!, namespace, { preconditions: { uid } });
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return; // already gone
      throw err;
    }
    this.events.event(podRef(victim), 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.uid} on node ${node}`);
  }

  async clearNomination(pod: Pod): Promise<void> {
    try {
      await this.client.resource<Pod>(resources.pods).patch(pod.metadata.name!, pod.metadata.namespace, 'merge', { status: { nominatedNodeName: null } }, { subresource: 'status', fieldManager: this.schedulerName });
    } catch (err) {
      if (!isNotFound(err)) this.onError(err);
    }
  }
}
