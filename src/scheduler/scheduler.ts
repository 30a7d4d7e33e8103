/**
 * The scheduling loop (upstream's scheduleOne): take the next pod from the queue, find
 * a node in the cache, assume the pod there and bind it in the background while the
 * next pod is scheduled. A pod that fits nowhere gets PodScheduled=False/Unschedulable
 * with upstream's message and a FailedScheduling event, and waits in the queue until
 * the cluster changes.
 */
import type { Pod } from '../api/objects/index.js';
import type { Client } from '../client/client.js';
import type { Clock } from '../client/clock.js';
import { isConflict, isNotFound } from '../client/errors.js';
import type { EventRecorder } from '../controllers/runtime/events.js';
import { bindPod, patchFailureStatus, statusUpToDate, type FailureStatus } from './binder.js';
import type { SchedulerCache } from './cache.js';
import { fitErrorMessage, type Framework, type Cycle, type Diagnosis, type Plugin } from './framework.js';
import type { QueuedPod, SchedulingQueue } from './queue.js';

export const NO_NODES_MESSAGE = 'no nodes available to schedule pods';

export interface PostFilter {
  /** Tries to make room for a pod that fits nowhere; returns the message for the diagnosis and the node nominated, if any. */
  postFilter(cycle: Cycle, filters: Plugin[], diagnosis: Diagnosis): { message?: string; nominatedNodeName?: string };
}

export interface LoopOptions {
  client: Client;
  clock: Clock;
  queue: SchedulingQueue;
  cache: SchedulerCache;
  framework: Framework;
  events: EventRecorder;
  /** Latest state of a pod from the informer (undefined once deleted). */
  currentPod(key: string): Pod | undefined;
  postFilter?: PostFilter;
  maxInFlightBinds?: number;
  onError(err: unknown): void;
}

/** Pods tried per turn of the event loop before yielding to I/O (bind answers, watch events). */
const BATCH = 64;

export class SchedulingLoop {
  private inFlight = 0;
  private slotWaiters: Array<() => void> = [];
  private stopped = false;
  private readonly done: Promise<void>;
  private idleWaiters: Array<() => void> = [];
  /** Counters for tests and benchmarks. */
  readonly stats = { scheduled: 0, bound: 0, bindFailures: 0, unschedulable: 0 };

  constructor(private readonly o: LoopOptions) {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.o.queue.close();
    for (const wake of this.slotWaiters.splice(0)) wake();
    await this.done;
  }

  /** Resolves when no pod is active and no binding is in flight (tests). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.o.queue.activeLength() === 0;
  }

  private checkIdle(): void {
    if (this.idleWaiters.length && this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async run(): Promise<void> {
    const max = this.o.maxInFlightBinds ?? 256;
    while (!this.stopped) {
      this.checkIdle();
      await this.o.queue.waitForActive();
      for (let n = 0; n < BATCH && !this.stopped; n++) {
        if (this.inFlight >= max) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
        if (this.stopped) break;
        const qp = this.o.queue.pop();
        if (!qp) break;
        try {
          this.scheduleOne(qp);
        } catch (err) {
          this.o.onError(err);
          this.o.queue.addBackoff(qp);
        }
      }
      // Let bind answers and watch events in before the next batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  scheduleOne(qp: QueuedPod): void {
    const pod = qp.info.pod;
    const { result, cycle, filters } = this.o.framework.schedule(qp.info);
    if (result.kind === 'scheduled') {
      this.stats.scheduled++;
      this.o.cache.assume(qp.info, result.node);
      this.o.framework.nominator.remove(qp.key);
      this.o.queue.done(qp);
      this.bind(qp, result.node, cycle);
      return;
    }
    this.stats.unschedulable++;
    let message: string;
    let nominatedNodeName: string | undefined;
    if (result.kind === 'noNodes') {
      message = NO_NODES_MESSAGE;
    } else {
      if (this.o.postFilter) {
        const outcome = this.o.postFilter.postFilter(cycle, filters, result.diagnosis);
        result.diagnosis.postFilterMessage = outcome.message;
        nominatedNodeName = outcome.nominatedNodeName;
      }
      qp.unschedulablePlugins = new Set([...result.diagnosis.statuses.values()].map((s) => s.plugin));
      if (result.diagnosis.preFilterPlugin) qp.unschedulablePlugins.add(result.diagnosis.preFilterPlugin);
      message = fitErrorMessage(result.numAllNodes, result.diagnosis);
    }
    this.o.queue.addUnschedulable(qp);
    this.recordFailure(pod, { reason: 'Unschedulable', message, nominatedNodeName });
  }

  /** FailedScheduling event every time; the condition only when it changes (as upstream). */
  private recordFailure(pod: Pod, failure: FailureStatus): void {
    this.o.events.event(podRef(pod), 'Warning', 'FailedScheduling', failure.message);
    if (statusUpToDate(pod, failure)) return;
    patchFailureStatus(this.o.client, pod, failure, this.o.clock.now()).catch((err: unknown) => {
      // Deleted or replaced meanwhile: nothing to report on.
      if (!isNotFound(err) && !isConflict(err)) this.o.onError(err);
    });
  }

  private bind(qp: QueuedPod, node: string, cycle: Cycle): void {
    this.inFlight++;
    const pod = qp.info.pod;
    this.preBind(cycle, node).then(() => bindPod(this.o.client, pod, node)).then(() => {
      this.stats.bound++;
      this.o.events.event(podRef(pod), 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`);
    }, (err: unknown) => {
      this.stats.bindFailures++;
      this.o.cache.forget(qp.key);
      const current = this.o.currentPod(qp.key);
      // Gone, bound by someone else, or being deleted: nothing left to schedule.
      if (!current || current.spec?.nodeName || current.metadata.deletionTimestamp || current.metadata.uid !== pod.metadata.uid) return;
      // A PreBind failure is the cluster's answer (provisioning given up, say), not the scheduler's error.
      const preBindFailed = err instanceof PreBindError;
      if (!preBindFailed && !isConflict(err) && !isNotFound(err)) this.o.onError(err);
      this.o.queue.addBackoff(qp, current);
      this.recordFailure(current, { reason: 'SchedulerError', message: preBindFailed ? err.message : `binding rejected: ${(err as Error).message}` });
    }).finally(() => {
      this.inFlight--;
      const wake = this.slotWaiters.shift();
      wake?.();
      this.checkIdle();
    });
  }

  /** The PreBind plugins in order; the first failure ends the binding (upstream's RunPreBindPlugins). */
  private async preBind(cycle: Cycle, node: string): Promise<void> {
    for (const p of this.o.framework.plugins) {
      if (!p.preBind) continue;
      try {
        await p.preBind(cycle, node);
      } catch (err) {
        throw new PreBindError(`running PreBind plugin "${p.name}": ${(err as Error).message}`);
      }
    }
  }
}

/** A PreBind plugin refused the binding; the message is the event's and the condition's. */
export class PreBindError extends Error {}

/** What events need of a pod (informer objects from lists may lack kind). */
export function podRef(pod: Pod): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata, spec: pod.spec };
}
