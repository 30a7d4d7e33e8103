/** kubectl run on a pseudo-terminal, as a person at a terminal runs it, so `-it` is really interactive. */
import * as pty from 'node-pty';
import { kubectlBinary } from './cluster.js';

export interface Terminal {
  write(text: string): void;
  resize(columns: number, rows: number): void;
  /** Resolves once the screen so far matches; rejects after `timeoutMs` showing what it shows. */
  expect(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number>;
  screen(): string;
  kill(): void;
}

export function kubectlOnTerminal(version: string, args: string[], env: { kubeconfig: string; home: string; cwd: string }, size = { columns: 100, rows: 30 }): Terminal {
  const term = pty.spawn(kubectlBinary(version), args, {
    cols: size.columns, rows: size.rows, cwd: env.cwd,
    env: { ...process.env, KUBECONFIG: env.kubeconfig, HOME: env.home, TERM: 'xterm' } as Record<string, string>,
  });
  let seen = '';
  const changed: Array<() => void> = [];
  term.onData((d) => { seen += d; changed.splice(0).forEach((f) => f()); });
  return {
    write: (text) => term.write(text),
    resize: (columns, rows) => term.resize(columns, rows),
    expect: (pattern, timeoutMs = 60_000) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; the terminal shows:\n${seen}`)), timeoutMs);
      const check = () => (pattern.test(seen) ? (clearTimeout(timer), resolve()) : changed.push(check));
      check();
    }),
    exited: new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode))),
    screen: () => seen,
    kill: () => term.kill(),
  };
}
