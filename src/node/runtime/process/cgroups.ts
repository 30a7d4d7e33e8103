/**
 * Resource limits for the process runtime through cgroups, when this host lets us make
 * them (root, or a delegated cgroup v2 subtree): one cgroup per container under this
 * process's own, with the memory limit (the kernel OOM-kills inside it; the exit is then
 * reported `OOMKilled`) and the CPU quota and weight from the container's resources, as
 * runc sets them. cgroup v2 (unified) and v1 (separate memory and cpu hierarchies) are
 * both handled. The container's process enters its cgroup before it executes the
 * command (a `sh` that writes its own pid, then `exec`s), so nothing runs unlimited.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a container asks for, in the units the kernel takes. */
export interface ContainerResources {
  /** Bytes; undefined: no limit. */
  memoryLimitBytes?: number;
  /** Millicores; undefined: no quota. */
  cpuLimitMillis?: number;
  /** Millicores requested (the share of CPU under contention). */
  cpuRequestMillis?: number;
}

/** The CFS period runc uses: 100 ms. */
const CFS_PERIOD_US = 100_000;
/** Upstream's MinShares / MaxShares / SharesPerCPU. */
const MIN_SHARES = 2;
const MAX_SHARES = 262_144;
const SHARES_PER_CPU = 1024;

export function cpuShares(millis: number | undefined): number {
  if (!millis) return MIN_SHARES;
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor((millis * SHARES_PER_CPU) / 1000)));
}

/** runc's conversion of v1 shares to a v2 weight (1–10000). */
export function sharesToWeight(shares: number): number {
  return 1 + Math.floor(((shares - 2) * 9999) / 262142);
}

export function cfsQuotaMicros(millis: number): number {
  // The kernel refuses quotas under 1 ms (upstream's MinQuotaPeriod).
  return Math.max(1000, Math.floor((millis * CFS_PERIOD_US) / 1000));
}

export interface ContainerCgroup {
  /** The cgroup.procs files the process writes its pid into before running the command. */
  procsFiles: string[];
  /** Whether the kernel OOM-killed something in it. */
  oomKilled(): boolean;
  /** Removes it (once its processes are gone). */
  remove(): void;
}

export interface Cgroups {
  /** `v2` or `v1`, for the node's status. */
  readonly version: 'v1' | 'v2';
  create(name: string, resources: ContainerResources): ContainerCgroup;
  /** Removes the subtree itself (its containers' cgroups first). */
  close(): void;
}

function ownPath(controller: string | undefined): string {
  // /proc/self/cgroup lines: `hierarchy-id:controllers:path` (v2: `0::path`).
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (path === undefined) continue;
    if (controller === undefined ? controllers === '' : controllers!.split(',').includes(controller)) return path;
  }
  return '/';
}

function tryWrite(file: string, value: string): void {
  writeFileSync(file, value);
}

function counter(file: string, name: string): number {
  try {
    const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function removeDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Still busy (a process not yet reaped) or already gone: the next start cleans leftovers.
  }
}

class CgroupsV2 implements Cgroups {
  readonly version = 'v2';

  constructor(private readonly root: string) {}

  create(name: string, r: ContainerResources): ContainerCgroup {
    const dir = join(this.root, name);
    mkdirSync(dir, { recursive: true });
    if (r.memoryLimitBytes !== undefined) {
      tryWrite(join(dir, 'memory.max'), String(r.memoryLimitBytes));
      // No swap beyond the limit, as the kubelet sets it without swap support.
      if (existsSync(join(dir, 'memory.swap.max'))) tryWrite(join(dir, 'memory.swap.max'), '0');
    }
    if (r.cpuLimitMillis !== undefined) tryWrite(join(dir, 'cpu.max'), `${cfsQuotaMicros(r.cpuLimitMillis)} ${CFS_PERIOD_US}`);
    tryWrite(join(dir, 'cpu.weight'), String(sharesToWeight(cpuShares(r.cpuRequestMillis))));
    return {
      procsFiles: [join(dir, 'cgroup.procs')],
      oomKilled: () => counter(join(dir, 'memory.events'), 'oom_kill') > 0,
      remove: () => removeDir(dir),
    };
  }

  close(): void {
    removeDir(this.root);
  }
}

class CgroupsV1 implements Cgroups {
  readonly version = 'v1';

  constructor(private readonly memoryRoot: string, private readonly cpuRoot: string) {}

  create(name: string, r: ContainerResources): ContainerCgroup {
    const memory = join(this.memoryRoot, name);
    const cpu = join(this.cpuRoot, name);
    mkdirSync(memory, { recursive: true });
    mkdirSync(cpu, { recursive: true });
    if (r.memoryLimitBytes !== undefined) {
      tryWrite(join(memory, 'memory.limit_in_bytes'), String(r.memoryLimitBytes));
      if (existsSync(join(memory, 'memory.memsw.limit_in_bytes'))) {
        try {
          tryWrite(join(memory, 'memory.memsw.limit_in_bytes'), String(r.memoryLimitBytes));
        } catch {
          // Swap accounting off: the memory limit alone applies.
        }
      }
    }
    if (r.cpuLimitMillis !== undefined) {
      tryWrite(join(cpu, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
      tryWrite(join(cpu, 'cpu.cfs_quota_us'), String(cfsQuotaMicros(r.cpuLimitMillis)));
    }
    tryWrite(join(cpu, 'cpu.shares'), String(cpuShares(r.cpuRequestMillis)));
    return {
      procsFiles: [join(memory, 'cgroup.procs'), join(cpu, 'cgroup.procs')],
      // `oom_kill` is counted in memory.oom_control since Linux 4.13; failcnt alone would also count reclaim.
      oomKilled: () => counter(join(memory, 'memory.oom_control'), 'oom_kill') > 0,
      remove: () => {
        removeDir(memory);
        removeDir(cpu);
      },
    };
  }

  close(): void {
    removeDir(this.memoryRoot);
    removeDir(this.cpuRoot);
  }
}

/**
 * The host's cgroups under `<own cgroup>/<subtree>`, or why they cannot be used (not
 * root, read-only, controllers missing) as a sentence for the node's status.
 */
export function openCgroups(subtree: string, mount = '/sys/fs/cgroup'): Cgroups | { unavailable: string } {
  try {
    if (existsSync(join(mount, 'cgroup.controllers'))) {
      const root = join(mount, ownPath(undefined), subtree);
      mkdirSync(root, { recursive: true });
      const available = readFileSync(join(root, '..', 'cgroup.controllers'), 'utf8').split(/\s+/);
      if (!available.includes('memory') || !available.includes('cpu')) return { unavailable: 'the memory and cpu cgroup controllers are not delegated to this process' };
      // Children get the controllers only when the parent passes them down.
      tryWrite(join(root, '..', 'cgroup.subtree_control'), '+memory +cpu');
      tryWrite(join(root, 'cgroup.subtree_control'), '+memory +cpu');
      return new CgroupsV2(root);
    }
    if (existsSync(join(mount, 'memory')) && existsSync(join(mount, 'cpu'))) {
      const memoryRoot = join(mount, 'memory', ownPath('memory'), subtree);
      const cpuRoot = join(mount, 'cpu', ownPath('cpu'), subtree);
      mkdirSync(memoryRoot, { recursive: true });
      mkdirSync(cpuRoot, { recursive: true });
      return new CgroupsV1(memoryRoot, cpuRoot);
    }
    return { unavailable: 'no cgroup filesystem is mounted' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return { unavailable: 'this process may not create cgroups (run as root, or in a delegated cgroup v2 subtree)' };
    return { unavailable: `cgroups are not usable: ${(err as Error).message}` };
  }
}

/** The argv that enters the cgroup and then executes `argv`: nothing of the command runs outside it. */
export function enterCgroup(procsFiles: string[], argv: string[]): string[] {
  if (!procsFiles.length) return argv;
  const writes = procsFiles.map((_f, i) => `echo $$ > "$${i + 1}"`).join(' && ');
  return ['/bin/sh', '-c', `${writes} && shift ${procsFiles.length} && exec "$@"`, 'skiff-cgroup', ...procsFiles, ...argv];
}
