/**
 * `kubectl attach` on the process runtime: the container's own output from now on (what
 * it already wrote is in its log), and its stdin pipe when the container keeps one
 * (`stdin: true`); a TTY container's terminal follows the client's size. Leaving detaches without touching the container; with `stdinOnce`
 * the container's stdin closes when the first attached client's input ends, as CRI says.
 */
import { PassThrough, Writable } from 'node:stream';
import type { ContainerConfig, ExecSession } from '../types.js';
import type { ContainerProcess } from './container-process.js';
import type { TerminalProcess } from './terminal-process.js';

export function attachSession(proc: ContainerProcess | TerminalProcess, config: ContainerConfig, options: { stdin: boolean; tty: boolean }): ExecSession {
  const stdout = new PassThrough();
  const stderr = options.tty ? undefined : new PassThrough();
  let settle!: (code: number) => void;
  const exit = new Promise<number>((resolve) => { settle = resolve; });
  const unwatch = proc.watchOutput((stream, chunk) => (stream === 'stderr' && stderr ? stderr : stdout).write(chunk));
  const end = (code: number) => {
    unwatch();
    stdout.end();
    stderr?.end();
    settle(code);
  };
  void proc.exited.then(end);
  const pipe = proc.stdin;
  const stdin = options.stdin && pipe ? new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (pipe.writable) pipe.write(chunk, () => callback());
      else callback();
    },
    final(callback) {
      if (config.stdinOnce) pipe.end();
      callback();
    },
  }) : undefined;
  const resize = 'resize' in proc ? (width: number, height: number) => proc.resize(width, height) : undefined;
  return { stdin, stdout, stderr, exit, kill: () => end(0), resize };
}
