/**
 * exec/attach streams over SPDY (kubectl up to 1.29, and 1.30+ when WebSocket fails):
 * the client opens one stream per part, named by its `streamtype` header — error,
 * stdin, stdout, stderr, resize — and the session starts once every stream the query
 * asked for exists (upstream waits up to its stream-creation timeout). v4 and v5 behave
 * alike here: v5's stdin close is SPDY's own half-close.
 */
import type { RemoteCommandOptions, RemoteStreams } from './remotecommand.js';
import type { SpdySession, SpdyStream } from './spdy/index.js';

export const REMOTE_COMMAND_SPDY_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

/** Upstream kubelet's default --streaming-connection-idle-timeout is 4 h; stream creation waits 30 s. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

export function spdyStreams(session: SpdySession, options: RemoteCommandOptions): Promise<RemoteStreams> {
  const wanted = ['error', ...(options.stdin ? ['stdin'] : []), ...(options.stdout ? ['stdout'] : []), ...(options.stderr ? ['stderr'] : []), ...(options.tty ? ['resize'] : [])];
  const got = new Map<string, SpdyStream>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.off('stream', onStream);
      session.close();
      reject(new Error('timed out waiting for client to create streams'));
    }, STREAM_CREATION_TIMEOUT_MS);
    const onStream = (stream: SpdyStream) => {
      const type = stream.headers.streamtype ?? '';
      stream.on('error', () => undefined);
      if (!wanted.includes(type) || got.has(type)) {
        stream.destroy();
        return;
      }
      got.set(type, stream);
      if (got.size < wanted.length) return;
      clearTimeout(timer);
      session.off('stream', onStream);
      const error = got.get('error')!;
      error.resume();
      resolve({
        stdin: got.get('stdin'), stdout: got.get('stdout'), stderr: got.get('stderr'), resize: got.get('resize'),
        finish(status) {
          error.end(JSON.stringify(status), () => session.close());
        },
        onClose(listener) {
          session.once('close', listener);
        },
      });
    };
    session.on('stream', onStream);
    session.once('close', () => {
      clearTimeout(timer);
      reject(new Error('connection closed before its streams were created'));
    });
  });
}
