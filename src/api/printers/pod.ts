/**
 * The Pod printer, following `printPod` in kubernetes' pkg/printers/internalversion:
 * READY counts ready containers (restartable init containers, i.e. sidecars,
 * included), STATUS is the phase refined by container states (Init:0/1,
 * ContainerCreating, CrashLoopBackOff, Completed, Terminating …), RESTARTS carries
 * "(5m ago)" when a container restarted.
 */
import type { KObject, TablePrinter } from '../types.js';
import { translateTimestampSince } from './duration.js';
import { a, ageCol, col, nameCol, o, s, spec, status, type Json } from './util.js';

const NODE_UNREACHABLE_REASON = 'NodeLost';

function isRestartableInit(c: Json | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function later(current: number, ts: unknown): number {
  const t = typeof ts === 'string' ? Date.parse(ts) : NaN;
  return !Number.isNaN(t) && t > current ? t : current;
}

function conditionTrue(conditions: unknown[], type: string): boolean {
  return conditions.some((c) => o(c).type === type && o(c).status === 'True');
}

export interface PodSummary {
  ready: string;
  reason: string;
  restarts: string;
}

export function podSummary(pod: KObject, now: Date): PodSummary {
  const sp = spec(pod);
  const st = status(pod);
  const conditions = a(st.conditions);
  const initSpecs = a(sp.initContainers).map(o);
  let restarts = 0;
  let sidecarRestarts = 0;
  let total = a(sp.containers).length;
  let ready = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;

  const phase = s(st.phase);
  let reason = s(st.reason) || phase;
  for (const c of conditions) {
    if (o(c).type === 'PodScheduled' && o(c).reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initByName = new Map<string, Json>();
  for (const c of initSpecs) {
    initByName.set(s(c.name), c);
    if (isRestartableInit(c)) total++;
  }

  let initializing = false;
  const initStatuses = a(st.initContainerStatuses).map(o);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const state = o(cs.state);
    const terminated = state.terminated ? o(state.terminated) : undefined;
    const waiting = state.waiting ? o(state.waiting) : undefined;
    const lastTerminated = o(cs.lastState).terminated;
    const restartCount = typeof cs.restartCount === 'number' ? cs.restartCount : 0;
    restarts += restartCount;
    if (lastTerminated) lastRestart = later(lastRestart, o(lastTerminated).finishedAt);
    const sidecar = isRestartableInit(initByName.get(s(cs.name)));
    if (sidecar) {
      sidecarRestarts += restartCount;
      if (lastTerminated) lastSidecarRestart = later(lastSidecarRestart, o(lastTerminated).finishedAt);
    }
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) {
      if (!s(terminated.reason)) {
        reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode ?? 0}`;
      } else reason = `Init:${s(terminated.reason)}`;
    } else if (waiting && s(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${s(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = a(st.containerStatuses).map(o);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      const state = o(cs.state);
      restarts += typeof cs.restartCount === 'number' ? cs.restartCount : 0;
      const lastTerminated = o(cs.lastState).terminated;
      if (lastTerminated) lastRestart = later(lastRestart, o(lastTerminated).finishedAt);
      const waiting = state.waiting ? o(state.waiting) : undefined;
      const terminated = state.terminated ? o(state.terminated) : undefined;
      if (waiting && s(waiting.reason)) reason = s(waiting.reason);
      else if (terminated && s(terminated.reason)) reason = s(terminated.reason);
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      else if (cs.ready === true && state.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && st.reason === NODE_UNREACHABLE_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') reason = 'Terminating';

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart !== 0) restartsStr = `${restarts} (${translateTimestampSince(new Date(lastRestart).toISOString(), now)} ago)`;
  return { ready: `${ready}/${total}`, reason, restarts: restartsStr };
}

export const podPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageCol(),
    col('IP', 'string', 'IP address allocated to the pod.', 1),
    col('Node', 'string', 'The node the pod is scheduled onto.', 1),
    col('Nominated Node', 'string', 'The node the scheduler nominated while preempting for this pod.', 1),
    col('Readiness Gates', 'string', 'Pod conditions that must be true for the pod to be ready.', 1),
  ],
  row(pod, now) {
    const sum = podSummary(pod, now);
    const sp = spec(pod);
    const st = status(pod);
    const podIP = s(o(a(st.podIPs)[0]).ip) || '<none>';
    let gates = '<none>';
    const readinessGates = a(sp.readinessGates).map(o);
    if (readinessGates.length > 0) {
      const conditions = a(st.conditions).map(o);
      let trueCount = 0;
      for (const g of readinessGates) {
        const c = conditions.find((x) => x.type === g.conditionType);
        if (c?.status === 'True') trueCount++;
      }
      gates = `${trueCount}/${readinessGates.length}`;
    }
    return [
      pod.metadata?.name ?? '',
      sum.ready,
      sum.reason,
      sum.restarts,
      translateTimestampSince(pod.metadata?.creationTimestamp, now),
      podIP,
      s(sp.nodeName) || '<none>',
      s(st.nominatedNodeName) || '<none>',
      gates,
    ];
  },
};
