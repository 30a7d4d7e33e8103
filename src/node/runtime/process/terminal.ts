/**
 * `kubectl exec -t` on the process runtime: the command on a pseudo-terminal of its own
 * (node-pty, an optional dependency: a machine where it did not build says so clearly),
 * in a new session — so its process group is its own, as for other execs — with the
 * container's environment and working directory. Output and input are the terminal's;
 * the client's resizes reach it as window-size changes.
 */
import { PassThrough, Writable } from 'node:stream';
import type { ExecSession } from '../types.js';
import type { ExecContext } from './exec.js';
import { enterCgroup } from './cgroups.js';
import { execFailure, lookPath } from './process-group.js';
import { childOf, signalWrapped } from './namespaces.js';

type NodePty = typeof import('node-pty');
let loaded: Promise<NodePty> | undefined;

export function nodePty(): Promise<NodePty> {
  loaded ??= import('node-pty').then((m) => ((m as { default?: NodePty }).default ?? m) as NodePty);
  return loaded.catch((err: Error) => {
    throw new Error(`a TTY needs the optional node-pty module, which is not usable on this machine (${err.message}); run without -t`);
  });
}

export async function execOnTerminal(cmd: string[], ctx: ExecContext, options: { stdin: boolean }): Promise<ExecSession> {
  if (!cmd.length) throw new Error('failed to exec in container: no command given');
  const pty = await nodePty();
  // In namespaces the program is looked for where the container sees it (by the entering script).
  const missing = ctx.enter ? undefined : lookPath(cmd[0]!, ctx.env);
  if (missing) throw new Error(`failed to exec in container: ${execFailure(cmd[0]!, missing)}`);
  const argv = enterCgroup(ctx.procsFiles ?? [], ctx.enter ? ctx.enter(cmd, true) : cmd);
  const term = pty.spawn(argv[0]!, argv.slice(1), { name: 'xterm', cols: 80, rows: 24, cwd: ctx.enter ? '/' : ctx.cwd, env: ctx.env, encoding: null });
  const pgid = term.pid;
  ctx.groups.add(pgid);
  // In namespaces the command leads a session (and group) of its own under nsenter: found once it speaks.
  let inner: number | undefined;
  const stdout = new PassThrough();
  // With `encoding: null` the data are the terminal's bytes, whatever the typings say.
  term.onData((data: string | Buffer) => {
    if (ctx.enter && inner === undefined && !exited) {
      inner = childOf(pgid);
      if (inner !== undefined) ctx.groups.add(inner);
    }
    stdout.write(typeof data === 'string' ? Buffer.from(data) : data);
  });
  let exited = false;
  const exit = new Promise<number>((resolve) => {
    term.onExit(({ exitCode, signal }) => {
      exited = true;
      ctx.groups.delete(pgid);
      if (inner !== undefined) ctx.groups.delete(inner);
      // What the terminal still held arrives before its end.
      setImmediate(() => {
        stdout.end();
        resolve(signal ? 128 + signal : exitCode);
      });
    });
  });
  const stdin = options.stdin ? new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!exited) term.write(chunk);
      callback();
    },
  }) : undefined;
  return {
    stdin, stdout, exit,
    resize(width, height) {
      if (!exited && width > 0 && height > 0) term.resize(width, height);
    },
    kill() {
      if (!exited) signalWrapped(pgid, inner ?? (ctx.enter ? childOf(pgid) : undefined), 'SIGKILL');
    },
  };
}
