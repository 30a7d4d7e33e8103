/**
 * `kubectl exec` and `attach` at the kubelet end, whatever carries them (WebSocket
 * channels or SPDY streams): the client's stdin goes to the command, its output to the
 * client, and when it ends one Status goes on the error stream — Success, or
 * NonZeroExitCode with the exit code as its cause (kubectl exits with that code) —
 * before the connection is closed.
 */
import type { Readable, Writable } from 'node:stream';
import type { ExecSession } from '../runtime/types.js';

/** The streams of one session, as the client opened them (absent: not asked for). */
export interface RemoteStreams {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** JSON `{"Width":…,"Height":…}` terminal sizes (with a TTY). */
  resize?: Readable;
  /** Writes the final Status and ends the session (closing the connection). */
  finish(status: Record<string, unknown>): void;
  /** Called once when the client goes away. */
  onClose(listener: () => void): void;
}

/** The options the kubelet's exec/attach endpoints take from the query, as upstream reads them. */
export interface RemoteCommandOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export function remoteCommandOptions(query: URLSearchParams): RemoteCommandOptions {
  const flag = (name: string) => query.get(name) === 'true' || query.get(name) === '1';
  const tty = flag('tty');
  // With a TTY, stderr is merged into stdout (upstream's rule: no separate stderr stream).
  return { stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr') && !tty, tty };
}

export function exitStatus(code: number, command: string[]): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {}, status: 'Failure', reason: 'NonZeroExitCode',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${code}`,
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function internalError(message: string): Record<string, unknown> {
  return { metadata: {}, status: 'Failure', reason: 'InternalError', code: 500, message: `Internal error occurred: ${message}` };
}

/**
 * Terminal sizes as the client sends them: JSON objects `{"Width":…,"Height":…}`, one per
 * WebSocket message or back to back on a SPDY stream.
 */
export function watchResizes(from: Readable, onSize: (width: number, height: number) => void): void {
  let text = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    text += chunk;
    let match: RegExpExecArray | null;
    const objects = /\{[^{}]*\}/g;
    let consumed = 0;
    while ((match = objects.exec(text))) {
      consumed = objects.lastIndex;
      try {
        const size = JSON.parse(match[0]) as { Width?: unknown; Height?: unknown };
        if (Number.isInteger(size.Width) && Number.isInteger(size.Height)) onSize(size.Width as number, size.Height as number);
      } catch {
        // Not a size: skipped, as the kubelet ignores what it cannot decode.
      }
    }
    text = text.slice(consumed);
    if (text.length > 4096) text = '';
  });
}

/** Copies `from` into `to` without ending `to`; resolves when `from` has ended or failed. */
function copy(from: Readable, to: Writable | undefined): Promise<void> {
  return new Promise((resolve) => {
    from.on('data', (chunk: Buffer) => {
      if (to && !to.destroyed && !to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
    from.once('end', resolve);
    from.once('error', () => resolve());
    from.once('close', resolve);
  });
}

/**
 * Runs one session. `start` begins the command (or attaches); `status` turns its exit
 * code into the final Status.
 */
export async function serveRemoteCommand(streams: RemoteStreams, start: () => Promise<ExecSession>, status: (code: number) => Record<string, unknown>): Promise<void> {
  let session: ExecSession;
  try {
    session = await start();
  } catch (err) {
    streams.finish(internalError(`error executing command in container: ${(err as Error).message}`));
    return;
  }
  streams.onClose(() => session.kill());
  if (streams.stdin && session.stdin) {
    const stdin = session.stdin;
    stdin.on('error', () => undefined);
    streams.stdin.pipe(stdin);
  } else {
    streams.stdin?.resume();
  }
  if (streams.resize) watchResizes(streams.resize, (width, height) => session.resize?.(width, height));
  const drained = [copy(session.stdout, streams.stdout)];
  if (session.stderr) drained.push(copy(session.stderr, streams.stderr));
  const code = await session.exit;
  await Promise.all(drained);
  for (const out of [streams.stdout, streams.stderr]) if (out && !out.destroyed) out.end();
  streams.finish(status(code));
}
