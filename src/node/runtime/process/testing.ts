/**
 * Helpers for the process runtime's tests: real processes, synchronised through the
 * runtime's events and through FIFOs the containers write to (no polling, no sleeps).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerConfig, ContainerEvent, PodSandboxConfig, Runtime } from '../types.js';

export class TestDir {
  readonly path = mkdtempSync(join(tmpdir(), 'skiff-process-runtime-'));
  private readonly fifos: string[] = [];
  private n = 0;

  sandbox(extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
    const n = this.n++;
    return { uid: `uid-${n}`, name: `pod-${n}`, namespace: 'default', attempt: 0, hostname: `pod-${n}`, logDirectory: join(this.path, `pod-${n}`), labels: {}, annotations: {}, ...extra };
  }

  /**
   * A FIFO a container writes a line to (`echo $! > $path`); `read()` resolves with what
   * was written once the writer closed it.
   */
  fifo(): { path: string; read(): Promise<string> } {
    const path = join(this.path, `fifo-${this.n++}`);
    execFileSync('mkfifo', [path]);
    this.fifos.push(path);
    return { path, read: async () => (await readFile(path, 'utf8')).trim() };
  }

  cleanup(): void {
    // A reader still waiting for a writer (a failed test) is released: open and close the write end.
    for (const f of this.fifos) {
      try {
        closeSync(openSync(f, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch { /* no reader waiting */ }
    }
    rmSync(this.path, { recursive: true, force: true });
  }
}

export function container(command: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return { name: 'main', attempt: 0, image: 'busybox', command, args: [], envs: [], mounts: [], logPath: 'main/0.log', stdin: false, stdinOnce: false, tty: false, labels: {}, annotations: {}, ...extra };
}

/** Resolves with the runtime's next event of `type` for the container. */
export function nextEvent(runtime: Runtime, id: string, type: ContainerEvent['type']): Promise<ContainerEvent> {
  return new Promise((resolve) => {
    const off = runtime.onEvent((e) => {
      if (e.containerId === id && e.type === type) {
        off();
        resolve(e);
      }
    });
  });
}

/**
 * Resolves true once the process is gone (a zombie waiting for its reaper counts), false
 * if it still runs after `withinMs`. A killed process closes its files (the pipes whose
 * closing the runtime waits for) a moment before it stops existing, and there is no event
 * for that last step: this is the one place that polls.
 */
export async function vanishes(pid: number, withinMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!gone(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** The process no longer runs (a zombie waiting for its reaper counts as gone). */
export function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

export interface LogRecord { stream: string; tag: string; content: string }

export function logRecords(path: string): LogRecord[] {
  const text = readFileSync(path, 'utf8');
  return text ? text.slice(0, -1).split('\n').map((l) => {
    const [, stream = '', tag = '', content = ''] = /^\S+ (\S+) (\S) (.*)$/s.exec(l) ?? [];
    return { stream, tag, content };
  }) : [];
}
