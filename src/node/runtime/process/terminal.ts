/**
 * `kubectl exec -t` on the process runtime: the command on a pseudo-terminal of its own
 * (node-pty, an optional dependency: a machine where it did not build says so clearly),
 * in a new session — so its process group is its own, as for other execs — with the
 * container's environment and working directory. Output and input are the terminal's;
 * the client's resizes reach it as window-size changes.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { ExecSession } from '../types.js';
import type { ExecContext } from './exec.js';
import { signalGroup } from './process-group.js';

type NodePty = typeof import('node-pty');
let loaded: Promise<NodePty> | undefined;

function nodePty(): Promise<NodePty> {
  loaded ??= import('node-pty').then((m) => ((m as { default?: NodePty }).default ?? m) as NodePty);
  return loaded.catch((err: Error) => {
    throw new Error(`a TTY needs the optional node-pty module, which is not usable on this machine (${err.message}); run without -t`);
  });
}

/** As a Go runtime words a command it cannot find (what `kubectl exec` users see from containerd). */
function resolveCommand(command: string, env: Record<string, string>): string {
  const executable = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/')) {
    if (!executable(command)) throw new Error(`failed to exec in container: exec: "${command}": stat ${command}: no such file or directory`);
    return command;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, command))) return join(dir, command);
  }
  throw new Error(`failed to exec in container: exec: "${command}": executable file not found in $PATH`);
}

export async function execOnTerminal(cmd: string[], ctx: ExecContext, options: { stdin: boolean }): Promise<ExecSession> {
  if (!cmd.length) throw new Error('failed to exec in container: no command given');
  const pty = await nodePty();
  const file = resolveCommand(cmd[0]!, ctx.env);
  const term = pty.spawn(file, cmd.slice(1), { name: 'xterm', cols: 80, rows: 24, cwd: ctx.cwd, env: ctx.env, encoding: null });
  const pgid = term.pid;
  ctx.groups.add(pgid);
  const stdout = new PassThrough();
  // With `encoding: null` the data are the terminal's bytes, whatever the typings say.
  term.onData((data: string | Buffer) => stdout.write(typeof data === 'string' ? Buffer.from(data) : data));
  let exited = false;
  const exit = new Promise<number>((resolve) => {
    term.onExit(({ exitCode, signal }) => {
      exited = true;
      ctx.groups.delete(pgid);
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
      if (!exited) signalGroup(pgid, 'SIGKILL');
    },
  };
}
