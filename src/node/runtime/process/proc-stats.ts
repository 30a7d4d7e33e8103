/**
 * Resource usage of a process group from /proc, the process runtime's stand-in for
 * cgroup accounting: CPU time (utime + stime) and resident memory summed over every
 * live process whose group is the container's. Time spent by processes that already
 * exited is not counted (a cgroup would keep it).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: clock ticks per second in /proc (100 on every Linux ABI Node runs on). */
const TICK_NANOS = 10_000_000n;
const PAGE_BYTES = 4096;

export interface GroupUsage {
  cpuNanos: bigint;
  memoryBytes: number;
}

/** Fields of /proc/<pid>/stat after the command (which may hold spaces and parentheses). */
function statFields(pid: string): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Usage of the given process groups, from one pass over /proc. */
export function processGroupsUsage(pgids: Iterable<number>): Map<number, GroupUsage> {
  const out = new Map<number, GroupUsage>();
  for (const g of pgids) out.set(g, { cpuNanos: 0n, memoryBytes: 0 });
  if (!out.size) return out;
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const f = statFields(entry);
    // After the command: state(0) ppid(1) pgrp(2) … utime(11) stime(12) … rss(21).
    const usage = f && out.get(Number(f[2]));
    if (!usage) continue;
    usage.cpuNanos += (BigInt(f[11] ?? 0) + BigInt(f[12] ?? 0)) * TICK_NANOS;
    usage.memoryBytes += Number(f[21] ?? 0) * PAGE_BYTES;
  }
  return out;
}

/** The machine's busy CPU time and memory in use (MemTotal − MemAvailable), for node metrics. */
export function hostUsage(): GroupUsage {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map((v) => BigInt(v));
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const busy = (cpu[0] ?? 0n) + (cpu[1] ?? 0n) + (cpu[2] ?? 0n) + (cpu[5] ?? 0n) + (cpu[6] ?? 0n) + (cpu[7] ?? 0n);
  const mem = Object.fromEntries(readFileSync('/proc/meminfo', 'utf8').split('\n').map((l) => {
    const m = /^(\w+):\s+(\d+)/.exec(l);
    return m ? [m[1], Number(m[2]) * 1024] : ['', 0];
  }));
  return { cpuNanos: busy * TICK_NANOS, memoryBytes: (mem.MemTotal ?? 0) - (mem.MemAvailable ?? 0) };
}
