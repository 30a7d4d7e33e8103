/**
 * The scheduling queue (upstream's PriorityQueue), with its three places a pending pod
 * can wait:
 *
 * - active: ready to be tried, highest priority first, then the longest waiting;
 * - backoff: tried and failed recently; it waits 1 s, doubling per attempt up to 10 s;
 * - unschedulable: fits nowhere as the cluster is now. A cluster change that may help
 *   (a node added or changed, a pod deleted, ...) moves all of them back (to backoff if
 *   their backoff has not yet passed), and any that waited 5 minutes are retried anyway.
 *
 * A change that arrives while a pod is being tried (`moveRequestCycle`) sends that pod to
 * backoff instead of unschedulable when its attempt fails, so the change is not missed.
 * Heap entries are invalidated lazily: moving a pod bumps its `seq`.
 */
import type { Pod } from '../api/objects/index.js';
import { deepEqual } from '../apiserver/patch/json.js';
import { Heap } from './heap.js';
import { newPodInfo, podKey, type PodInfo } from './types.js';

export const INITIAL_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 10_000;
/** Upstream's podMaxInUnschedulablePodsDuration. */
export const MAX_UNSCHEDULABLE_MS = 5 * 60_000;

export type Place = 'active' | 'backoff' | 'unschedulable' | 'popped';

export interface QueuedPod {
  key: string;
  info: PodInfo;
  /** When it last entered the queue (orders equal priorities). */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When the last attempt failed (backoff counts from here). */
  lastFailure: number;
  /** The scheduling cycle of its last attempt. */
  cycle: number;
  place: Place;
  seq: number;
  /** Plugins that rejected it on its last attempt (which cluster changes may help it). */
  unschedulablePlugins?: Set<string>;
}

interface HeapEntry { qp: QueuedPod; seq: number }

export class SchedulingQueue {
  private readonly pods = new Map<string, QueuedPod>();
  private readonly active = new Heap<HeapEntry>((a, b) => {
    const pa = a.qp.info.priority;
    const pb = b.qp.info.priority;
    return pa !== pb ? pa > pb : a.qp.timestamp < b.qp.timestamp;
  });
  private activeCount = 0;
  /** The pods in backoff and unschedulable, so flushes and moves do not scan the whole queue. */
  private readonly backoff = new Set<QueuedPod>();
  private readonly parked = new Set<QueuedPod>();
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private waiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly now: () => number) {}

  /** A new pending pod (or one seen again): to active unless it is already queued. */
  add(pod: Pod): void {
    const key = podKey(pod);
    const existing = this.pods.get(key);
    if (existing) return this.update(pod);
    const qp: QueuedPod = { key, info: newPodInfo(pod), timestamp: this.now(), attempts: 0, lastFailure: 0, cycle: 0, place: 'popped', seq: 0 };
    this.pods.set(key, qp);
    this.pushActive(qp);
  }

  /**
   * A queued pod changed. Its spec or labels changing may make it schedulable, so an
   * unschedulable pod is moved; a status-only change (our own condition) just refreshes it.
   */
  update(pod: Pod): void {
    const key = podKey(pod);
    const qp = this.pods.get(key);
    if (!qp) return this.add(pod);
    const old = qp.info.pod;
    const relevant = schedulingRelevantChange(old, pod);
    qp.info = relevant ? newPodInfo(pod) : { ...qp.info, pod };
    if (qp.place === 'unschedulable' && relevant) this.moveOne(qp);
    else if (qp.place === 'active' && relevant) this.pushActive(qp); // priority may have changed: re-file.
  }

  delete(key: string): void {
    const qp = this.pods.get(key);
    if (!qp) return;
    this.pods.delete(key);
    this.setPlace(qp, 'popped');
  }

  has(key: string): boolean {
    return this.pods.has(key);
  }

  /** The next pod to try, or undefined when none is active. */
  pop(): QueuedPod | undefined {
    for (;;) {
      const entry = this.active.pop();
      if (!entry) return undefined;
      const qp = entry.qp;
      if (entry.seq !== qp.seq || qp.place !== 'active' || this.pods.get(qp.key) !== qp) continue;
      this.setPlace(qp, 'popped');
      qp.attempts++;
      qp.cycle = ++this.schedulingCycle;
      return qp;
    }
  }

  /** Resolves when a pod is active (or the queue is closed). */
  waitForActive(): Promise<void> {
    if (this.activeCount > 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  activeLength(): number {
    return this.activeCount;
  }

  /** The attempt is over (the pod is being bound): it leaves the queue. */
  done(qp: QueuedPod): void {
    if (this.pods.get(qp.key) === qp) this.pods.delete(qp.key);
  }

  /**
   * The attempt failed because the pod fits nowhere: park it, unless the cluster changed
   * during the attempt (then back off and try again).
   */
  addUnschedulable(qp: QueuedPod): void {
    if (this.pods.get(qp.key) !== qp) return; // deleted meanwhile
    const now = this.now();
    qp.lastFailure = now;
    qp.timestamp = now;
    this.setPlace(qp, this.moveRequestCycle >= qp.cycle ? 'backoff' : 'unschedulable');
  }

  /** The attempt failed for another reason (an API error): back off and retry. */
  addBackoff(qp: QueuedPod, pod?: Pod): void {
    if (pod) qp.info = newPodInfo(pod);
    const now = this.now();
    qp.lastFailure = now;
    qp.timestamp = now;
    this.pods.set(qp.key, qp);
    this.setPlace(qp, 'backoff');
  }

  /**
   * A cluster change that may make parked pods schedulable. With `plugins`, only pods
   * some of those plugins rejected are moved (upstream's queueing hints, by plugin).
   */
  moveAllToActiveOrBackoff(plugins?: string[]): void {
    this.moveRequestCycle = this.schedulingCycle;
    if (!this.parked.size) return;
    for (const qp of [...this.parked]) {
      if (plugins && !plugins.some((p) => qp.unschedulablePlugins?.has(p))) continue;
      this.moveOne(qp);
    }
  }

  /** Pods whose backoff has passed go to active (upstream's flushBackoffQCompleted, every second). */
  flushBackoff(): void {
    if (!this.backoff.size) return;
    const now = this.now();
    for (const qp of [...this.backoff]) if (this.backoffExpiry(qp) <= now) this.pushActive(qp);
  }

  /** Pods parked longer than 5 minutes are retried (upstream's flushUnschedulablePodsLeftover). */
  flushUnschedulableLeftover(): void {
    const now = this.now();
    for (const qp of [...this.parked]) if (now - qp.timestamp >= MAX_UNSCHEDULABLE_MS) this.moveOne(qp);
  }

  backoffExpiry(qp: QueuedPod): number {
    if (qp.attempts === 0) return qp.lastFailure;
    return qp.lastFailure + Math.min(INITIAL_BACKOFF_MS * 2 ** (qp.attempts - 1), MAX_BACKOFF_MS);
  }

  /** Where a pod waits (tests, metrics). */
  placeOf(key: string): Place | undefined {
    return this.pods.get(key)?.place;
  }

  /** Counts per place. */
  stats(): Record<Place, number> {
    return { active: this.activeCount, backoff: this.backoff.size, unschedulable: this.parked.size, popped: this.pods.size - this.activeCount - this.backoff.size - this.parked.size };
  }

  close(): void {
    this.closed = true;
    for (const wake of this.waiters.splice(0)) wake();
  }

  private moveOne(qp: QueuedPod): void {
    if (this.backoffExpiry(qp) > this.now()) this.setPlace(qp, 'backoff');
    else this.pushActive(qp);
  }

  private pushActive(qp: QueuedPod): void {
    this.setPlace(qp, 'active');
    this.active.push({ qp, seq: qp.seq });
    if (this.waiters.length) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Moves the pod's bookkeeping to `place` (its heap entries, if any, go stale). */
  private setPlace(qp: QueuedPod, place: Place): void {
    if (qp.place === 'active') this.activeCount--;
    else if (qp.place === 'backoff') this.backoff.delete(qp);
    else if (qp.place === 'unschedulable') this.parked.delete(qp);
    qp.place = place;
    qp.seq++;
    if (place === 'active') this.activeCount++;
    else if (place === 'backoff') this.backoff.add(qp);
    else if (place === 'unschedulable') this.parked.add(qp);
  }
}

/** Whether an update to a pending pod could change where it fits (anything but status and bookkeeping). */
function schedulingRelevantChange(old: Pod, pod: Pod): boolean {
  if (old === pod) return false;
  return !deepEqual(old.spec, pod.spec) || !deepEqual(old.metadata.labels ?? {}, pod.metadata.labels ?? {});
}
