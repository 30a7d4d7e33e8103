/**
 * One pod's convergence, level-based as the kubelet's syncPod: the desired pod from the
 * API, the actual containers from the runtime, and the step that brings them closer —
 * init containers one at a time, then every app container, restarts by the pod's
 * restartPolicy with CrashLoopBackOff, graceful termination on deletion (SIGTERM, then
 * SIGKILL after the grace period, then the final delete with a zero grace period, as
 * kubelet confirms it) — followed by a status write when anything a user sees changed.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, Pod } from '../../api/objects/index.js';
import { deepEqual } from '../../apiserver/patch/json.js';
import type { EventRecorder } from '../../controllers/runtime/events.js';
import type { ResourceClient } from '../../client/client.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import type { Clock } from '../../client/clock.js';
import type { ReconcileResult } from '../../client/workqueue.js';
import type { ContainerStatus, LinuxContainerResources, Runtime } from '../runtime/types.js';
import { quantityNanos } from '../../api/defaults/pod.js';
import { RestartBackoff } from './backoff.js';
import { ContainerConfigError, containerEnv, expand, type EnvSources } from './env.js';
import { killContainer, PostStartHookError, runPostStart, type HookContext } from './lifecycle.js';
import type { Prober } from './probes.js';
import { podStatus, type Waiting } from './status.js';
import { podDnsConfig, type DnsSettings } from './pod-dns.js';
import type { PodVolumes } from './volumes/index.js';

export interface PodSyncContext {
  pods: ResourceClient<Pod>;
  runtime: Runtime;
  runtimeName: string;
  /** Root of the per-pod log directories (`<ns>_<name>_<uid>/<container>/<attempt>.log`). */
  logRoot: string;
  hostIP: string;
  allocatable: Record<string, string>;
  envSources: EnvSources;
  events: EventRecorder;
  prober: Prober;
  /** The cluster DNS pods are given (kubelet's --cluster-dns, --cluster-domain); without, pods see the host's resolv.conf. */
  dns?: DnsSettings;
  /** The pods' volumes on this node (volumes/index.ts). */
  volumes: PodVolumes;
  clock: Clock;
  /** The runtime handler of the pod's RuntimeClass (undefined: the default); throws when the class is missing. */
  runtimeHandlerOf(pod: Pod): Promise<string | undefined>;
}

/** What the agent remembers of a pod between syncs. */
interface Tracked {
  uid: string;
  sandboxId: string;
  waiting: Map<string, Waiting>;
  /** When a container last failed to be created or configured (no instance records it). */
  failedAt: Map<string, number>;
  /** Set once the kubelet has failed the whole pod (past activeDeadlineSeconds). */
  failure?: { reason: string; message: string };
  /** An eviction's event was recorded and its containers stopped. */
  evictionDone?: boolean;
  /** The sandbox's own address (none: the pod reports the node's, as a hostNetwork pod). */
  podIP?: string;
}

const DEFAULT_GRACE_SECONDS = 30;
/** How soon a pod whose volumes could not all be set up is tried again (changed ConfigMaps and Secrets requeue it sooner). */
const VOLUME_RETRY_MS = 2_000;

/** Go's time.Duration formatting for whole seconds (`10s`, `1m20s`, `5m0s`), as back-off messages print it. */
export function goDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

/** upstream format.Pod: `name_namespace(uid)`. */
function podRef(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

export class PodSync {
  private readonly tracked = new Map<string, Tracked>();
  /** Runtime events name sandboxes; every container event looks its pod up here. */
  private readonly keyBySandbox = new Map<string, string>();
  private readonly backoff = new RestartBackoff();
  /** The pod uid whose volumes were set up, by pod key. */
  private readonly volumeOwners = new Map<string, string>();

  private readonly hooks: HookContext;

  constructor(private readonly ctx: PodSyncContext) {
    this.hooks = { runtime: ctx.runtime, events: ctx.events, clock: ctx.clock, podIP: (pod) => this.podIPOf(pod) };
  }

  /**
   * Takes over what the runtime already runs, as a restarted kubelet does: each ready
   * sandbox is its pod's again (by the namespace, name and uid it was made for), so
   * running containers keep running and their restart counts stand. A pod with several
   * keeps its newest; the others are torn down. Returns the keys adopted: each must be
   * synced once the pods are known, which also ends those deleted meanwhile.
   */
  async adopt(): Promise<string[]> {
    const sandboxes = (await this.ctx.runtime.listPodSandboxes()).filter((s) => s.state === 'ready').sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    for (const s of sandboxes) {
      const key = `${s.config.namespace}/${s.config.name}`;
      if (this.tracked.has(key)) {
        await this.ctx.runtime.stopPodSandbox(s.id);
        await this.ctx.runtime.removePodSandbox(s.id);
        continue;
      }
      this.tracked.set(key, { uid: s.config.uid, sandboxId: s.id, waiting: new Map(), failedAt: new Map(), podIP: s.network?.ip });
      this.keyBySandbox.set(s.id, key);
    }
    // Volumes of pods not running any more (the agent stopped or crashed meanwhile) go; the adopted keep theirs.
    await this.ctx.volumes.cleanupOrphans(new Set([...this.tracked.values()].map((t) => t.uid)));
    return [...this.tracked.keys()];
  }

  /** The pod's address: its sandbox's own, else (no address of its own, or hostNetwork) the node's. */
  podIPOf(pod: Pod): string {
    if (pod.spec.hostNetwork) return this.ctx.hostIP;
    return this.tracked.get(`${pod.metadata.namespace}/${pod.metadata.name}`)?.podIP ?? this.ctx.hostIP;
  }

  /** The pod key a sandbox belongs to, for runtime events. */
  keyOfSandbox(sandboxId: string): string | undefined {
    return this.keyBySandbox.get(sandboxId);
  }

  async sync(key: string, pod: Pod | undefined): Promise<ReconcileResult> {
    const known = this.tracked.get(key);
    if (known && (!pod || pod.metadata.uid !== known.uid)) await this.teardown(key, known, 0);
    await this.forgetVolumesOf(key, pod);
    if (!pod) return undefined;
    if (pod.metadata.deletionTimestamp) return this.terminate(key, pod);
    const phase = pod.status?.phase;
    if ((phase === 'Succeeded' || phase === 'Failed') && !this.tracked.has(key)) return undefined;
    if (phase !== 'Succeeded' && phase !== 'Failed') {
      // As the kubelet's WaitForAttachAndMount: volumes before the sandbox; refreshed on every sync after.
      this.volumeOwners.set(key, pod.metadata.uid ?? '');
      const volumes = await this.ctx.volumes.setUp(pod);
      for (const failure of volumes.failures) this.ctx.events.event(pod, 'Warning', 'FailedMount', failure);
      if (!volumes.ready && !this.tracked.has(key)) {
        await this.writeStatusOf(pod, [], new Map(), false, false);
        return { requeueAfterMs: VOLUME_RETRY_MS };
      }
    }
    let t: Tracked;
    try {
      t = await this.ensureSandbox(key, pod);
    } catch (err) {
      // The kubelet's FailedCreatePodSandBox: reported, retried, the containers wait in ContainerCreating.
      this.ctx.events.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(err as Error).message}`);
      await this.writeStatusOf(pod, [], new Map(), false, false);
      return { requeueAfterMs: 10_000 };
    }
    let requeueAfterMs: number | undefined;
    const later = (ms: number) => { requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, ms); };
    const deadlineIn = activeDeadlineRemainingMs(pod, this.ctx.clock.now());
    if (deadlineIn !== undefined && deadlineIn > 0) later(deadlineIn);
    if (deadlineIn !== undefined && deadlineIn <= 0 && !t.failure && phase !== 'Succeeded' && phase !== 'Failed') await this.failPastDeadline(pod, t);
    if (t.failure?.reason === 'Evicted' && !t.evictionDone) {
      t.evictionDone = true;
      this.ctx.events.event(pod, 'Warning', 'Evicted', t.failure.message);
      await this.stopRunning(pod, t);
    }
    const instances = await this.ctx.runtime.listContainers({ sandboxId: t.sandboxId });
    if (phase !== 'Succeeded' && phase !== 'Failed' && !t.failure) {
      const initDone = await this.syncInitContainers(pod, t, instances, later);
      if (initDone) for (const c of pod.spec.containers) await this.syncContainer(pod, t, c, instances, later);
    }
    // One listing after the changes serves the probes (they follow the running app containers) and the status.
    const now = await this.ctx.runtime.listContainers({ sandboxId: t.sandboxId });
    const running = pod.spec.containers.flatMap((c) => now.filter((i) => i.name === c.name && i.state === 'running').map((i) => ({ container: c, id: i.id })));
    this.ctx.prober.sync(key, pod, running);
    await this.writeStatusOf(pod, now, t.waiting, true, false, t.failure);
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  }

  /** activeDeadlineSeconds passed (upstream's activeDeadlineHandler): the pod fails and its containers are stopped. */
  private failPastDeadline(pod: Pod, t: Tracked): Promise<void> {
    return this.failPod(pod, t, 'DeadlineExceeded', 'Pod was active on the node longer than the specified deadline');
  }

  /**
   * The kubelet evicts the pod (an emptyDir past its sizeLimit): it fails with reason
   * Evicted and its containers are stopped (at its next sync); its controller replaces it.
   * Returns the pod's key to requeue.
   */
  evict(uid: string, message: string): string | undefined {
    for (const [key, t] of this.tracked) {
      if (t.uid !== uid || t.failure) continue;
      t.failure = { reason: 'Evicted', message };
      return key;
    }
    return undefined;
  }

  private async failPod(pod: Pod, t: Tracked, reason: string, message: string): Promise<void> {
    t.failure = { reason, message };
    this.ctx.events.event(pod, 'Warning', reason, message);
    await this.stopRunning(pod, t);
  }

  private async stopRunning(pod: Pod, t: Tracked): Promise<void> {
    const running = (await this.ctx.runtime.listContainers({ sandboxId: t.sandboxId })).filter((i) => i.state === 'running');
    const specOf = (name: string) => [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === name);
    for (const i of running) this.ctx.events.event(pod, 'Normal', 'Killing', `Stopping container ${i.name}`);
    await Promise.all(running.map((i) => killContainer(pod, specOf(i.name), i.id, graceSecondsOf(pod), this.hooks)));
  }

  /** Init containers in order; true once every one has exited 0. */
  private async syncInitContainers(pod: Pod, t: Tracked, instances: ContainerStatus[], later: (ms: number) => void): Promise<boolean> {
    for (const c of pod.spec.initContainers ?? []) {
      const latest = newest(instances, c.name);
      if (latest?.state === 'exited' && latest.exitCode === 0) continue;
      if (latest?.state === 'running') return false;
      if (latest?.state === 'exited' && (pod.spec.restartPolicy ?? 'Always') === 'Never') return false; // the pod has failed
      await this.startOrBackOff(pod, t, c, instances, later);
      return false;
    }
    return true;
  }

  private async syncContainer(pod: Pod, t: Tracked, c: Container, instances: ContainerStatus[], later: (ms: number) => void): Promise<void> {
    const latest = newest(instances, c.name);
    if (latest?.state === 'running') {
      t.waiting.delete(c.name);
      return;
    }
    if (latest?.state === 'exited') {
      const policy = pod.spec.restartPolicy ?? 'Always';
      const restart = policy === 'Always' || (policy === 'OnFailure' && latest.exitCode !== 0);
      if (!restart) {
        t.waiting.delete(c.name);
        return;
      }
    }
    await this.startOrBackOff(pod, t, c, instances, later);
  }

  /** Starts the container's next instance, unless its restart back-off still runs. */
  private async startOrBackOff(pod: Pod, t: Tracked, c: Container, instances: ContainerStatus[], later: (ms: number) => void): Promise<void> {
    const latest = newest(instances, c.name);
    const key = `${pod.metadata.uid}/${c.name}`;
    const now = this.ctx.clock.now().getTime();
    const failedBefore = latest?.state === 'exited' ? Number(latest.finishedAt / 1_000_000n) : t.failedAt.get(c.name);
    if (failedBefore !== undefined) {
      const wait = this.backoff.remaining(key, failedBefore, now);
      if (wait > 0) {
        if (latest?.state === 'exited') {
          const message = `back-off ${goDuration(this.backoff.current(key))} restarting failed container=${c.name} pod=${podRef(pod)}`;
          if (t.waiting.get(c.name)?.reason !== 'CrashLoopBackOff') this.ctx.events.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podRef(pod)}`);
          t.waiting.set(c.name, { reason: 'CrashLoopBackOff', message });
        }
        later(wait);
        return;
      }
      this.backoff.restarted(key, failedBefore);
    }
    if (latest && latest.state === 'created') await this.ctx.runtime.removeContainer(latest.id).catch(() => undefined);
    // Only the instance before the new one is kept (lastState, logs --previous), as the kubelet's container GC keeps one.
    for (const old of instances) {
      if (old.name !== c.name || !latest || old.attempt >= latest.attempt || old.state !== 'exited') continue;
      await this.ctx.runtime.removeContainer(old.id).catch(() => undefined);
      await rm(old.logPath, { force: true });
    }
    const attempt = latest ? latest.attempt + (latest.state === 'created' ? 0 : 1) : 0;
    const waiting = await this.startContainer(pod, t, c, attempt);
    if (waiting) {
      t.waiting.set(c.name, waiting);
      t.failedAt.set(c.name, this.ctx.clock.now().getTime());
      later(this.backoff.current(key));
    } else {
      t.waiting.delete(c.name);
      t.failedAt.delete(c.name);
    }
  }

  /** Creates and starts one instance; a Waiting when it could not. */
  private async startContainer(pod: Pod, t: Tracked, c: Container, attempt: number): Promise<Waiting | undefined> {
    const { runtime, events } = this.ctx;
    const hostIP = this.ctx.hostIP;
    let envs;
    let mounts;
    try {
      envs = await containerEnv(c, { pod, hostIP, podIP: this.podIPOf(pod), allocatable: this.ctx.allocatable, sources: this.ctx.envSources });
      mounts = this.ctx.volumes.mountsFor(pod, c, envs);
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      events.event(pod, 'Warning', 'Failed', `Error: ${err.message}`);
      return { reason: 'CreateContainerConfigError', message: err.message };
    }
    const vars = new Map(envs.map((e) => [e.key, e.value]));
    const lookup = (name: string) => vars.get(name);
    let id: string;
    try {
      id = await runtime.createContainer(t.sandboxId, {
        name: c.name, attempt, image: c.image ?? '',
        command: (c.command ?? []).map((s) => expand(s, lookup)), args: (c.args ?? []).map((s) => expand(s, lookup)),
        workingDir: typeof c.workingDir === 'string' && c.workingDir ? c.workingDir : undefined,
        envs, mounts, logPath: join(c.name, `${attempt}.log`), resources: linuxResources(c),
        stdin: c.stdin === true, stdinOnce: c.stdinOnce === true, tty: c.tty === true,
        labels: { 'io.kubernetes.pod.uid': pod.metadata.uid ?? '', 'io.kubernetes.container.name': c.name }, annotations: {},
      });
    } catch (err) {
      const message = (err as Error).message;
      events.event(pod, 'Warning', 'Failed', `Error: ${message}`);
      return { reason: 'CreateContainerError', message };
    }
    events.event(pod, 'Normal', 'Created', `Created container: ${c.name}`);
    try {
      await runtime.startContainer(id);
    } catch (err) {
      const message = (err as Error).message;
      events.event(pod, 'Warning', 'Failed', `Error: ${message}`);
      return undefined; // the instance has exited with StartError; its restart goes through back-off
    }
    events.event(pod, 'Normal', 'Started', `Started container ${c.name}`);
    try {
      await runPostStart(pod, c, id, graceSecondsOf(pod), this.hooks);
    } catch (err) {
      if (err instanceof PostStartHookError) return { reason: 'PostStartHookError', message: err.message };
      throw err;
    }
    return undefined;
  }

  private async ensureSandbox(key: string, pod: Pod): Promise<Tracked> {
    const known = this.tracked.get(key);
    if (known) return known;
    const meta = pod.metadata;
    const runtimeHandler = await this.ctx.runtimeHandlerOf(pod);
    const sandboxId = await this.ctx.runtime.runPodSandbox({
      runtimeHandler,
      uid: meta.uid ?? '', name: meta.name ?? '', namespace: meta.namespace ?? 'default', attempt: 0,
      hostname: pod.spec.hostname ?? meta.name ?? '',
      logDirectory: join(this.ctx.logRoot, `${meta.namespace}_${meta.name}_${meta.uid}`),
      labels: { ...meta.labels }, annotations: { ...meta.annotations },
      dnsConfig: podDnsConfig(pod, this.ctx.dns, hostResolvConf()),
    });
    // A hostNetwork pod shares the node's address; the others get the one their sandbox has.
    const ip = pod.spec.hostNetwork ? undefined : (await this.ctx.runtime.podSandboxStatus(sandboxId)).network?.ip;
    const t: Tracked = { uid: meta.uid ?? '', sandboxId, waiting: new Map(), failedAt: new Map(), podIP: ip };
    this.tracked.set(key, t);
    this.keyBySandbox.set(sandboxId, key);
    return t;
  }

  /** Deletion: stop every container within the grace period, report, confirm the delete. */
  private async terminate(key: string, pod: Pod): Promise<ReconcileResult> {
    const t = this.tracked.get(key);
    if (t) {
      const grace = pod.metadata.deletionGracePeriodSeconds ?? graceSecondsOf(pod);
      const running = (await this.ctx.runtime.listContainers({ sandboxId: t.sandboxId })).filter((i) => i.state === 'running');
      for (const i of running) this.ctx.events.event(pod, 'Normal', 'Killing', `Stopping container ${i.name}`);
      const specOf = (name: string) => [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === name);
      await Promise.all(running.map((i) => killContainer(pod, specOf(i.name), i.id, grace, this.hooks)));
      await this.writeStatus(pod, t, true);
    }
    try {
      await this.ctx.pods.delete(pod.metadata.name!, pod.metadata.namespace, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
    if (t) await this.teardown(key, t, 0);
    return undefined;
  }

  /** Forgets a pod: its containers are killed (after `graceSeconds`) and its sandbox removed. */
  private async teardown(key: string, t: Tracked, graceSeconds: number): Promise<void> {
    const { runtime } = this.ctx;
    const instances = await runtime.listContainers({ sandboxId: t.sandboxId });
    await Promise.all(instances.filter((i) => i.state === 'running').map((i) => runtime.stopContainer(i.id, graceSeconds)));
    await runtime.stopPodSandbox(t.sandboxId);
    await runtime.removePodSandbox(t.sandboxId);
    this.backoff.forgetPrefix(`${t.uid}/`);
    this.ctx.prober.forgetPod(key);
    this.tracked.delete(key);
    this.keyBySandbox.delete(t.sandboxId);
    // Containers are gone: their volumes can go (memory-backed ones unmounted first).
    this.volumeOwners.delete(key);
    await this.ctx.volumes.tearDown(t.uid);
  }

  /** Volumes set up for a pod that never got a sandbox (waiting for a claim, say) and is now gone or replaced. */
  private async forgetVolumesOf(key: string, pod: Pod | undefined): Promise<void> {
    const uid = this.volumeOwners.get(key);
    if (uid === undefined || this.tracked.has(key)) return;
    if (pod && pod.metadata.uid === uid && !pod.metadata.deletionTimestamp) return;
    this.volumeOwners.delete(key);
    await this.ctx.volumes.tearDown(uid);
  }

  private async writeStatus(pod: Pod, t: Tracked, terminal: boolean): Promise<void> {
    const instances = await this.ctx.runtime.listContainers({ sandboxId: t.sandboxId });
    await this.writeStatusOf(pod, instances, t.waiting, true, terminal, t.failure);
  }

  private async writeStatusOf(pod: Pod, instances: ContainerStatus[], waiting: Map<string, Waiting>, sandboxReady: boolean, terminal: boolean, failure?: Tracked['failure']): Promise<void> {
    const status = podStatus({
      pod, instances, waiting, sandboxReady, terminal, failure,
      hostIP: this.ctx.hostIP, podIP: this.tracked.has(`${pod.metadata.namespace}/${pod.metadata.name}`) ? this.podIPOf(pod) : undefined, runtimeName: this.ctx.runtimeName, now: this.ctx.clock.now(), probes: this.ctx.prober,
    });
    if (sameStatus(pod.status, status)) return;
    try {
      await this.ctx.pods.updateStatus({ ...pod, status }, { fieldManager: 'kubelet' });
    } catch (err) {
      // A newer pod is on its way through the informer, and with it another sync.
      if (!isConflict(err) && !isNotFound(err)) throw err;
    }
  }

  /** Every pod this agent runs, for shutdown. */
  async stopAll(graceSeconds: number): Promise<void> {
    await Promise.all([...this.tracked].map(([key, t]) => this.teardown(key, t, graceSeconds)));
  }
}

/** Milliseconds until the pod's activeDeadlineSeconds run out, counted from its startTime; undefined without one. */
function activeDeadlineRemainingMs(pod: Pod, now: Date): number | undefined {
  const seconds = pod.spec.activeDeadlineSeconds;
  const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
  if (typeof seconds !== 'number' || Number.isNaN(start)) return undefined;
  return start + seconds * 1000 - now.getTime();
}

function graceSecondsOf(pod: Pod): number {
  return pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
}

/** The kubelet's generateLinuxContainerResources: memory limit in bytes, CPU shares from the request, CFS quota from the limit. */
export function linuxResources(c: Container): LinuxContainerResources {
  const nanos = (q: unknown) => (typeof q === 'string' || typeof q === 'number' ? quantityNanos(String(q)) ?? 0n : 0n);
  const cpuLimitMillis = Number(nanos(c.resources?.limits?.cpu) / 1_000_000n);
  const cpuRequestMillis = Number(nanos(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu) / 1_000_000n);
  return {
    cpuPeriod: 100_000,
    cpuQuota: cpuLimitMillis > 0 ? Math.max(1000, Math.floor((cpuLimitMillis * 100_000) / 1000)) : 0,
    cpuShares: cpuRequestMillis > 0 ? Math.max(2, Math.floor((cpuRequestMillis * 1024) / 1000)) : 2,
    memoryLimitInBytes: Number(nanos(c.resources?.limits?.memory) / 1_000_000_000n),
  };
}

function newest(instances: ContainerStatus[], name: string): ContainerStatus | undefined {
  let best: ContainerStatus | undefined;
  for (const i of instances) if (i.name === name && (!best || i.attempt > best.attempt)) best = i;
  return best;
}

/** Conditions' transition times only move with their status, so a plain comparison tells a real change. */
function sameStatus(a: unknown, b: unknown): boolean {
  return deepEqual(a ?? {}, b);
}

/** The host's resolv.conf, read for each new pod as the kubelet reads --resolv-conf (a host without one: nothing). */
function hostResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}
