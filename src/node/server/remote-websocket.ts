/**
 * exec/attach streams over WebSocket (`v5.channel.k8s.io`, what kubectl 1.30+ speaks;
 * `v4.channel.k8s.io` for other clients): every binary message starts with its channel
 * — 0 stdin, 1 stdout, 2 stderr, 3 the final Status, 4 resize — and v5's `[255, 0]`
 * closes stdin. The session ends with the Status and a normal close (1000); kubectl
 * takes any other close code as an error.
 */
import { PassThrough, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { RemoteCommandOptions, RemoteStreams } from './remotecommand.js';

export const REMOTE_COMMAND_WEBSOCKET_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const STDIN = 0, STDOUT = 1, STDERR = 2, ERROR = 3, RESIZE = 4, CLOSE = 255;

export function webSocketStreams(ws: WebSocket, options: RemoteCommandOptions): RemoteStreams {
  const v5 = ws.protocol === 'v5.channel.k8s.io';
  const stdin = options.stdin ? new PassThrough() : undefined;
  const resize = options.tty ? new PassThrough() : undefined;
  const send = (channel: number, data: Buffer | string, done?: (err?: Error) => void) => {
    if (ws.readyState !== ws.OPEN) return done?.(new Error('connection closed'));
    ws.send(Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]), { binary: true }, done);
  };
  const output = (channel: number) => new Writable({
    write(chunk: Buffer, _encoding, callback) {
      // A closed connection swallows output: the command is being killed anyway.
      send(channel, chunk, () => callback());
    },
  });
  ws.on('message', (data: Buffer) => {
    const payload = data.subarray(1);
    if (data[0] === STDIN) stdin?.write(payload);
    else if (data[0] === RESIZE) resize?.write(payload);
    else if (data[0] === CLOSE && v5 && payload[0] === STDIN) stdin?.end();
  });
  ws.on('close', () => {
    stdin?.end();
    resize?.end();
  });
  return {
    stdin, resize,
    stdout: options.stdout ? output(STDOUT) : undefined,
    stderr: options.stderr ? output(STDERR) : undefined,
    finish(status) {
      send(ERROR, JSON.stringify(status));
      ws.close(1000);
    },
    onClose(listener) {
      ws.once('close', listener);
    },
  };
}
