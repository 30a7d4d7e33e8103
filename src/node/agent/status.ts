/**
 * A pod's status as the kubelet reports it (kubelet_pods.go generateAPIPodStatus): the
 * container statuses from the runtime's instances — the newest instance is `state`, the
 * one before it `lastState`, restarts counted by attempts — the phase by upstream's
 * getPhase, and the Initialized / ContainersReady / Ready / PodReadyToStartContainers
 * conditions with their reasons and messages. Pure: what kubectl shows (READY, STATUS,
 * RESTARTS) follows from these fields exactly as upstream's.
 */
import type { Container, ContainerStatus as ApiContainerStatus, Pod, PodStatus } from '../../api/objects/index.js';
import type { Condition } from '../../api/objects/index.js';
import type { ContainerStatus } from '../runtime/types.js';
import { metaTime } from '../../api/time.js';

/** Why a container that has no running instance is waiting, decided by the pod worker. */
export interface Waiting {
  reason: string;
  message?: string;
}

export interface StatusInput {
  pod: Pod;
  /** Every instance of the pod's containers the runtime has, any order. */
  instances: ContainerStatus[];
  /** Waiting reasons by container name (CrashLoopBackOff, CreateContainerConfigError …). */
  waiting: Map<string, Waiting>;
  sandboxReady: boolean;
  /** The pod is being torn down for good (deleted or past its deadline): exited means final. */
  terminal: boolean;
  hostIP: string;
  /** The pod's address; none before it has a sandbox (an earlier one stays). */
  podIP?: string;
  runtimeName: string;
  now: Date;
  /** The kubelet failed the pod as a whole (activeDeadlineSeconds): phase Failed with this reason and message. */
  failure?: { reason: string; message: string };
  /** Probe results of running instances; absent: running means started and ready. */
  probes?: { ready(container: Container, id: string): boolean; started(container: Container, id: string): boolean };
}

const iso = (ns: bigint) => (ns > 0n ? metaTime(new Date(Number(ns / 1_000_000n))) : undefined);

function byAttempt(instances: ContainerStatus[], name: string): ContainerStatus[] {
  return instances.filter((i) => i.name === name).sort((a, b) => b.attempt - a.attempt || Number(b.createdAt - a.createdAt));
}

function stateOf(i: ContainerStatus, runtimeName: string): ApiContainerStatus['state'] {
  if (i.state === 'running') return { running: { startedAt: iso(i.startedAt) } };
  if (i.state === 'exited') {
    const terminated: Record<string, unknown> = { exitCode: i.exitCode, reason: i.reason || (i.exitCode === 0 ? 'Completed' : 'Error'), startedAt: iso(i.startedAt) ?? null, finishedAt: iso(i.finishedAt), containerID: `${runtimeName}://${i.id}` };
    if (i.message) terminated.message = i.message;
    return { terminated: terminated as never };
  }
  return { waiting: { reason: 'ContainerCreating' } };
}

function containerStatus(c: Container, input: StatusInput, defaultWaiting: string): ApiContainerStatus {
  const [latest, previous] = byAttempt(input.instances, c.name);
  const waiting = input.waiting.get(c.name);
  const status: ApiContainerStatus = { name: c.name, ready: false, restartCount: latest?.attempt ?? 0, image: c.image ?? '', imageID: '', started: false };
  if (latest && (latest.state !== 'exited' || !waiting)) {
    status.state = stateOf(latest, input.runtimeName);
    status.containerID = `${input.runtimeName}://${latest.id}`;
    if (previous?.state === 'exited') status.lastState = stateOf(previous, input.runtimeName);
    const running = latest.state === 'running';
    status.started = running && (input.probes?.started(c, latest.id) ?? true);
    status.ready = running && (input.probes?.ready(c, latest.id) ?? true);
  } else {
    status.state = { waiting: waiting ? { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } : { reason: defaultWaiting } };
    if (latest?.state === 'exited') {
      status.lastState = stateOf(latest, input.runtimeName);
      status.containerID = `${input.runtimeName}://${latest.id}`;
    }
  }
  if (!status.lastState) status.lastState = {};
  return status;
}

/** Upstream getPhase. */
export function podPhase(pod: Pod, init: ApiContainerStatus[], main: ApiContainerStatus[], terminal: boolean): NonNullable<PodStatus['phase']> {
  const policy = pod.spec.restartPolicy ?? 'Always';
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of init) {
    if (s.state?.running) pendingInit++;
    else if (s.state?.terminated) { if (s.state.terminated.exitCode !== 0) failedInit++; }
    else if (s.state?.waiting && s.lastState?.terminated) { if (s.lastState.terminated.exitCode !== 0) failedInit++; }
    else pendingInit++;
  }
  let running = 0, waiting = 0, stopped = 0, succeeded = 0, unknown = 0;
  for (const s of main) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) { stopped++; if (s.state.terminated.exitCode === 0) succeeded++; }
    else if (s.state?.waiting) { if (s.lastState?.terminated) stopped++; else waiting++; }
    else unknown++;
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if ((pendingInit > 0 && !terminal) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (terminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(previous: Condition[] | undefined, type: string, ok: boolean, now: string, reason?: string, message?: string): Condition {
  const status = ok ? 'True' : 'False';
  const before = previous?.find((c) => c.type === type);
  const c: Condition = { type, status, lastProbeTime: null, lastTransitionTime: before && before.status === status ? before.lastTransitionTime : now } as Condition;
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

export function podStatus(input: StatusInput): PodStatus {
  const { pod } = input;
  const previous = pod.status;
  const initStatuses = (pod.spec.initContainers ?? []).map((c) => containerStatus(c, input, 'PodInitializing'));
  const initDone = initStatuses.every((s) => s.state?.terminated?.exitCode === 0);
  const mainStatuses = pod.spec.containers.map((c) => containerStatus(c, input, initDone ? 'ContainerCreating' : 'PodInitializing'));
  for (const s of initStatuses) s.ready = s.state?.terminated?.exitCode === 0;
  const phase = input.failure ? 'Failed' : podPhase(pod, initStatuses, mainStatuses, input.terminal);
  const now = iso(BigInt(input.now.getTime()) * 1_000_000n)!;
  const incompleteInit = initStatuses.filter((s) => !s.ready).map((s) => s.name);
  const unready = mainStatuses.filter((s) => !s.ready).map((s) => s.name);
  const done = phase === 'Succeeded' || phase === 'Failed';
  const conditions: Condition[] = [
    condition(previous?.conditions, 'PodReadyToStartContainers', input.sandboxReady && !done, now),
    condition(previous?.conditions, 'Initialized', incompleteInit.length === 0, now, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.join(' ')}]`),
    condition(previous?.conditions, 'Ready', unready.length === 0 && !done, now, done ? 'PodCompleted' : 'ContainersNotReady', done ? undefined : `containers with unready status: [${unready.join(' ')}]`),
    condition(previous?.conditions, 'ContainersReady', unready.length === 0 && !done, now, done ? 'PodCompleted' : 'ContainersNotReady', done ? undefined : `containers with unready status: [${unready.join(' ')}]`),
  ];
  const scheduled = previous?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled) conditions.push(scheduled);
  const status: PodStatus = {
    ...previous,
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(input.podIP ? { podIP: input.podIP, podIPs: [{ ip: input.podIP }] } : {}),
    startTime: previous?.startTime ?? now,
    containerStatuses: mainStatuses,
  };
  if (initStatuses.length) status.initContainerStatuses = initStatuses;
  else delete status.initContainerStatuses;
  if (input.failure) Object.assign(status, input.failure);
  return status;
}
