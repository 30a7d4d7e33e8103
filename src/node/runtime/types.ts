/**
 * The node agent's container runtime interface, shaped like the Kubernetes CRI
 * RuntimeService (k8s.io/cri-api runtime/v1): pod sandboxes, containers in them, their
 * statuses, logs written by the runtime in the CRI log format, exec. The agent speaks only
 * this interface, so the `process` runtime (host processes), `containerd` (CRI over gRPC)
 * and `simulated` are interchangeable, chosen per pod by `RuntimeClass.handler`.
 *
 * Times are nanoseconds since the epoch as bigint, as CRI reports them.
 */

export interface KeyValue {
  key: string;
  value: string;
}

export interface PodSandboxConfig {
  /** metadata.uid, name, namespace of the pod; `attempt` counts sandboxes made for it. */
  uid: string;
  name: string;
  namespace: string;
  attempt: number;
  hostname: string;
  /** Directory the pod's container logs go under (`/var/log/pods/<ns>_<name>_<uid>` upstream). */
  logDirectory: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** CRI's runtime_handler: the RuntimeClass handler to run the pod with; empty for the default. */
  runtimeHandler?: string;
  /** CRI's DNSConfig: the pod's resolv.conf (absent: the host's). */
  dnsConfig?: DnsConfig;
}

export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export type SandboxState = 'ready' | 'notready';

export interface PodSandboxStatus {
  id: string;
  config: PodSandboxConfig;
  state: SandboxState;
  createdAt: bigint;
  /** CRI's PodSandboxNetworkStatus: the pod's own address, when the runtime gave it one. */
  network?: { ip: string };
}

/** CRI's RuntimeConfig: what the kubelet tells the runtime about the node. */
export interface RuntimeConfig {
  /** The node's pod subnet (spec.podCIDR), which pod addresses come from. */
  podCIDR?: string;
}

export interface Mount {
  /** Path inside the container. */
  containerPath: string;
  /** Path on the host. */
  hostPath: string;
  readonly: boolean;
  /**
   * A path inside `hostPath` (a volumeMount's subPath, already checked relative without
   * `..`): the runtime opens it from `hostPath` without following symlinks and mounts what
   * it opened, so a symlink planted meanwhile cannot redirect the mount.
   */
  subPath?: string;
  /** The pod volume mounted, for runtimes that cannot mount and expose volumes by name. */
  volumeName?: string;
}

/** CRI LinuxContainerResources: what the kubelet derives from requests and limits (0: unset). */
export interface LinuxContainerResources {
  cpuPeriod: number;
  cpuQuota: number;
  cpuShares: number;
  memoryLimitInBytes: number;
}

/** A condition the runtime reports about itself (CRI RuntimeStatus), shown among the node's. */
export interface RuntimeCondition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export interface ContainerConfig {
  name: string;
  /** Restarts of this container in this pod so far (CRI ContainerMetadata.attempt). */
  attempt: number;
  image: string;
  /** The entrypoint and its arguments after `$(VAR)` expansion (`command` then `args`). */
  command: string[];
  args: string[];
  workingDir?: string;
  envs: KeyValue[];
  mounts: Mount[];
  /** Relative to the sandbox's logDirectory, e.g. `app/0.log`. */
  logPath: string;
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** CRI's linux.resources. */
  resources?: LinuxContainerResources;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  image: string;
  state: ContainerState;
  createdAt: bigint;
  /** 0n until started / finished. */
  startedAt: bigint;
  finishedAt: bigint;
  exitCode: number;
  /** E.g. `Completed`, `Error`, `OOMKilled`, `StartError` (as CRI implementations report). */
  reason: string;
  message: string;
  /** Absolute path of the container's CRI log file. */
  logPath: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** CRI ContainerStats: cumulative CPU and current memory of a running container. */
export interface ContainerStats {
  /** CPU time consumed since the container started, in nanoseconds (all its processes). */
  cpuNanos: bigint;
  /** Memory in use (working set; the process runtime reports resident memory). */
  memoryBytes: number;
  /** When sampled, ns since the epoch. */
  timestamp: bigint;
}

export interface ExecSyncResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

/** A command running in a container's context with its streams (CRI Exec, served by the agent). */
export interface ExecSession {
  stdin?: import('node:stream').Writable;
  stdout: import('node:stream').Readable;
  /** Absent with a TTY, where stderr goes to stdout. */
  stderr?: import('node:stream').Readable;
  /** Resolves with the exit code (128 + signal when killed). */
  exit: Promise<number>;
  kill(): void;
  /** The client's terminal size changed (with a TTY). */
  resize?(width: number, height: number): void;
}

export interface RuntimeVersion {
  runtimeName: string;
  runtimeVersion: string;
}

/** What happened to a container, pushed so the agent need not poll (CRI's container events). */
export interface ContainerEvent {
  containerId: string;
  sandboxId: string;
  type: 'started' | 'stopped' | 'created' | 'deleted';
}

export interface Runtime {
  /** The RuntimeClass handler this runtime serves, e.g. `process` (its default, when it serves several). */
  readonly handler: string;
  /** Every handler served, when more than `handler` (a runtime routing to others). */
  handlers?(): string[];
  /** Conditions of the runtime the node reports (e.g. whether resource limits are enforced). */
  conditions?(): RuntimeCondition[];
  version(): Promise<RuntimeVersion>;

  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops every container of the sandbox (forcibly: the agent stops them gracefully first). */
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  listPodSandboxes(): Promise<PodSandboxStatus[]>;
  /** Rejects with a RuntimeNotFound for an unknown id. */
  podSandboxStatus(id: string): Promise<PodSandboxStatus>;
  /** CRI's UpdateRuntimeConfig (the node's pod subnet, once the cluster gave it one). */
  updateRuntimeConfig(config: RuntimeConfig): Promise<void>;

  createContainer(sandboxId: string, config: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds` (0: at once); resolves when it has exited. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: { sandboxId?: string }): Promise<ContainerStatus[]>;
  /** Rejects with an error whose `code` is 'NotFound' for an unknown id. */
  containerStatus(id: string): Promise<ContainerStatus>;

  /** Resource usage of a running container (rejects for unknown ones). */
  containerStats(id: string): Promise<ContainerStats>;
  /** Usage of every running container at once (CRI ListContainerStats), by container id. */
  listContainerStats(): Promise<Map<string, ContainerStats>>;
  /** Runs `cmd` in the container's context (exec probes, hooks); kills it after `timeoutSeconds`. */
  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult>;
  /** Starts `cmd` in the container's context with streamed stdio (kubectl exec). */
  exec(id: string, cmd: string[], options: { stdin: boolean; tty: boolean }): Promise<ExecSession>;
  /** Joins the running container's own stdio (kubectl attach); `kill()` detaches. */
  attach(id: string, options: { stdin: boolean; tty: boolean }): Promise<ExecSession>;
  /** A connection to `port` inside the sandbox's network namespace (kubectl port-forward). */
  portForward(sandboxId: string, port: number): Promise<import('node:stream').Duplex>;
  /** Asks the runtime to reopen the container's log file (after rotation). */
  reopenContainerLog(id: string): Promise<void>;

  /** Container state changes as they happen. */
  onEvent(listener: (event: ContainerEvent) => void): () => void;
  /** Releases the runtime; with `killAll`, stops every container it runs. */
  close(options?: { killAll?: boolean }): Promise<void>;
}

export class RuntimeNotFound extends Error {
  readonly code = 'NotFound';
}
