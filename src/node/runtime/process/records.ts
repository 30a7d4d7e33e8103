/**
 * What the process runtime keeps on disk: one record per running container's process
 * group (`<stateDir>/<container id>.json`: pid, the process's start time, sandbox and
 * name), written at start and removed at exit. A runtime that stopped without killing its
 * containers (a crash, or `close()` without `killAll`) leaves records behind; the next one
 * on the same directory ends those groups, since their output pipes died with the old
 * runtime and the agent starts its pods afresh. The start time (from /proc) guards
 * against a pid the system has since given to another process.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupAlive, signalGroup } from './process-group.js';

export interface ProcessRecord {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot when the process started. */
  startTime: string;
  sandboxId: string;
  name: string;
}

/** When the process started (ticks after boot), or undefined when there is no such process. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command (which may hold spaces and parentheses): state is field 3, starttime field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export class ProcessRecords {
  /** A record that cannot be written or removed fails no container: `onError` hears of it. */
  constructor(private readonly dir: string, private readonly onError: (err: Error) => void = () => {}) {
    mkdirSync(dir, { recursive: true });
  }

  add(containerId: string, record: Omit<ProcessRecord, 'startTime'>): void {
    const startTime = processStartTime(record.pid);
    if (startTime === undefined) return; // already gone
    try {
      writeFileSync(this.path(containerId), JSON.stringify({ ...record, startTime } satisfies ProcessRecord));
    } catch (err) {
      this.onError(new Error(`recording container ${containerId}'s process in ${this.dir} failed: ${(err as Error).message}`));
    }
  }

  remove(containerId: string): void {
    try {
      rmSync(this.path(containerId), { force: true });
    } catch (err) {
      this.onError(new Error(`removing container ${containerId}'s process record from ${this.dir} failed: ${(err as Error).message}`));
    }
  }

  /** SIGKILLs the process groups an earlier runtime left running and forgets them; returns their pids. */
  endLeftovers(): number[] {
    const ended: number[] = [];
    for (const file of readdirSync(this.dir).filter((f) => f.endsWith('.json'))) {
      const path = join(this.dir, file);
      let record: ProcessRecord | undefined;
      try {
        record = JSON.parse(readFileSync(path, 'utf8')) as ProcessRecord;
      } catch { /* torn or foreign file: nothing to act on */ }
      if (record && Number.isInteger(record.pid) && record.pid > 1 && ours(record)) {
        signalGroup(record.pid, 'SIGKILL');
        ended.push(record.pid);
      }
      rmSync(path, { force: true });
    }
    return ended;
  }

  private path(containerId: string): string {
    return join(this.dir, `${containerId}.json`);
  }
}

/**
 * The recorded group is still the container's: its leader lives with the recorded start
 * time, or the leader is gone and its group lingers (a group id is not reused while the
 * group has members).
 */
function ours(record: ProcessRecord): boolean {
  const startTime = processStartTime(record.pid);
  if (startTime !== undefined) return startTime === record.startTime;
  return groupAlive(record.pid);
}
