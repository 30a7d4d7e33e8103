/**
 * The kubelet API's streaming endpoints below kubectl (which test/e2e/streaming.test.ts
 * drives): a SPDY client written from the framing alone checks exec streams, exit
 * statuses and output well past SPDY's initial window; the channel protocol of
 * `@kubernetes/client-node`'s port-forward; refusals before the upgrade.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect, createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { connect, type TLSSocket } from 'node:tls';
import { WebSocket } from 'ws';
import { ensureClusterCredentials, type ClusterCredentials } from '../../pki/index.js';
import type { ExecSession } from '../runtime/types.js';
import { startKubeletServer, LogLookupError, type KubeletServer } from './index.js';
import { HeaderDeflater, HeaderInflater } from './spdy/compression.js';
import { controlFrame, dataFrame, encodeHeaderBlock, FLAG_FIN, FrameType, readFrames, uint32s } from './spdy/frames.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-kubelet-streaming-'));
let creds: ClusterCredentials;
let server: KubeletServer;
let echo: NetServer;

/** `big N` writes N bytes and exits 0; `cat` echoes stdin and exits 7 when it ends. */
function fakeExec(command: string[]): ExecSession {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  if (command[0] === 'big') {
    stdout.end(Buffer.alloc(Number(command[1]), 'x'));
    stderr.end('done\n');
    return { stdout, stderr, exit: Promise.resolve(0), kill: () => undefined };
  }
  const stdin = new PassThrough();
  stdin.pipe(stdout);
  stderr.end();
  return { stdin, stdout, stderr, exit: new Promise((resolve) => stdin.once('end', () => resolve(7))), kill: () => undefined };
}

before(async () => {
  creds = await ensureClusterCredentials({ dataDir: join(dir, 'cluster'), hostname: 'node-1' });
  echo = createServer((c) => c.pipe(c));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const echoPort = (echo.address() as { port: number }).port;
  const serving = creds.issueServingCertificate({ commonName: 'node-1', dnsNames: ['node-1', 'localhost'], ips: ['127.0.0.1'] });
  server = await startKubeletServer({
    bindAddress: '127.0.0.1', port: 0, tls: { ...serving, ca: creds.caCert },
    logs: { containerLog: async () => { throw new LogLookupError(404, 'no logs here'); } },
    stats: { summary: async () => ({}) },
    streaming: {
      exec: async (_ns, _pod, _c, command) => fakeExec(command),
      attach: async () => { throw new Error('nothing to attach to'); },
      pod: async (namespace, name) => {
        if (name !== 'web') throw new LogLookupError(404, `pod not found ("${name}_${namespace}")`);
        return { namespace, name, dial: async (port) => {
          if (port !== 80) throw new Error(`dial tcp 127.0.0.1:${port}: connect: connection refused`);
          return netConnect({ host: '127.0.0.1', port: echoPort });
        } };
      },
    },
  });
});
after(async () => {
  await server?.stop();
  echo?.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = () => creds.issueClientCertificate({ commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] });

/** Sends an upgrade request and resolves with the status line, headers and the socket after them. */
function upgrade(path: string, headers: string[]): Promise<{ head: string; socket: TLSSocket; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: server.port, ca: creds.caCert, ...client(), servername: 'localhost' }, () => {
      socket.write([`POST ${path} HTTP/1.1`, 'Host: node-1', ...headers, '', ''].join('\r\n'));
    });
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      resolve({ head: buffered.subarray(0, end).toString(), socket, rest: buffered.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** Just enough of a SPDY client: opens streams, collects what each receives until it is finished. */
class SpdyClient {
  private readonly deflater = new HeaderDeflater();
  private readonly inflater = new HeaderInflater();
  private nextId = 1;
  private pending: Buffer = Buffer.alloc(0);
  readonly received = new Map<number, Buffer[]>();
  readonly finished = new Set<number>();
  readonly replied = new Set<number>();
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly socket: TLSSocket, rest: Buffer) {
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.resume();
    if (rest.length) this.feed(rest);
  }

  async open(headers: Record<string, string>, fin = false): Promise<number> {
    const id = this.nextId;
    this.nextId += 2;
    const block = await this.deflater.code(encodeHeaderBlock(headers));
    this.socket.write(controlFrame(FrameType.SynStream, fin ? FLAG_FIN : 0, Buffer.concat([uint32s(id, 0), Buffer.from([0, 0]), block])));
    return id;
  }

  send(id: number, data: Buffer, fin = false): void {
    this.socket.write(dataFrame(id, fin ? FLAG_FIN : 0, data));
  }

  text(id: number): string {
    return Buffer.concat(this.received.get(id) ?? []).toString();
  }

  async until(what: string, check: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => { this.waiters.push(resolve); setTimeout(resolve, 50); });
    }
  }

  close(): void {
    this.deflater.close();
    this.inflater.close();
    this.socket.destroy();
  }

  private feed(chunk: Buffer): void {
    const { frames, rest } = readFrames(Buffer.concat([this.pending, chunk]));
    this.pending = rest;
    for (const f of frames) {
      if (f.control && f.type === FrameType.SynReply) {
        this.replied.add(f.payload.readUInt32BE(0));
        void this.inflater.code(f.payload.subarray(4));
      } else if (!f.control) {
        if (!this.received.has(f.streamId)) this.received.set(f.streamId, []);
        this.received.get(f.streamId)!.push(f.payload);
        if (f.flags & FLAG_FIN) this.finished.add(f.streamId);
      }
    }
    this.waiters.splice(0).forEach((w) => w());
  }
}

describe('kubelet streaming endpoints', () => {
  it('exec over SPDY: every stream answered, 1 MiB of output past the 64 KiB window, the Status last', async () => {
    const { head, socket, rest } = await upgrade('/exec/default/web/app?command=big&command=1048576&stdout=true&stderr=true', ['Connection: Upgrade', 'Upgrade: SPDY/3.1', 'X-Stream-Protocol-Version: v4.channel.k8s.io', 'X-Stream-Protocol-Version: v3.channel.k8s.io']);
    assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(head, /\r\nX-Stream-Protocol-Version: v4\.channel\.k8s\.io(\r\n|$)/);
    const spdy = new SpdyClient(socket, rest);
    const error = await spdy.open({ streamtype: 'error' });
    const stdout = await spdy.open({ streamtype: 'stdout' });
    const stderr = await spdy.open({ streamtype: 'stderr' });
    await spdy.until('the three streams finished', () => [error, stdout, stderr].every((id) => spdy.finished.has(id)));
    assert.deepEqual([...spdy.replied].sort(), [error, stdout, stderr]);
    assert.equal(spdy.text(stdout).length, 1048576);
    assert.equal(spdy.text(stderr), 'done\n');
    assert.deepEqual(JSON.parse(spdy.text(error)), { metadata: {}, status: 'Success' });
    spdy.close();
  });

  it('exec over SPDY: stdin half-closed by FIN; a non-zero exit is NonZeroExitCode with the code', async () => {
    const { socket, rest } = await upgrade('/exec/default/web/app?command=cat&stdin=true&stdout=true', ['Connection: Upgrade', 'Upgrade: SPDY/3.1', 'X-Stream-Protocol-Version: v5.channel.k8s.io']);
    const spdy = new SpdyClient(socket, rest);
    const error = await spdy.open({ streamtype: 'error' });
    const stdin = await spdy.open({ streamtype: 'stdin' });
    const stdout = await spdy.open({ streamtype: 'stdout' });
    await spdy.until('replies', () => spdy.replied.size === 3);
    spdy.send(stdin, Buffer.from('hello '));
    spdy.send(stdin, Buffer.from('there'), true);
    await spdy.until('the error stream', () => spdy.finished.has(error));
    assert.equal(spdy.text(stdout), 'hello there');
    const status = JSON.parse(spdy.text(error));
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '7' }]);
    spdy.close();
  });

  it('port-forward over SPDY pairs streams by requestid; a refused dial is reported on the error stream', async () => {
    const { head, socket, rest } = await upgrade('/portForward/default/web', ['Connection: Upgrade', 'Upgrade: SPDY/3.1', 'X-Stream-Protocol-Version: portforward.k8s.io']);
    assert.match(head, /X-Stream-Protocol-Version: portforward\.k8s\.io/);
    const spdy = new SpdyClient(socket, rest);
    const error0 = await spdy.open({ streamtype: 'error', port: '80', requestid: '0' });
    const error1 = await spdy.open({ streamtype: 'error', port: '81', requestid: '1' });
    const data1 = await spdy.open({ streamtype: 'data', port: '81', requestid: '1' });
    const data0 = await spdy.open({ streamtype: 'data', port: '80', requestid: '0' });
    await spdy.until('the refused pair to finish', () => spdy.finished.has(error1));
    assert.equal(spdy.text(error1), 'error forwarding port 81 to pod web_default: dial tcp 127.0.0.1:81: connect: connection refused');
    spdy.send(data0, Buffer.from('ping'));
    await spdy.until('the echo', () => spdy.text(data0) === 'ping');
    spdy.send(data0, Buffer.alloc(0), true);
    await spdy.until('the forwarded connection to end', () => spdy.finished.has(data0) && spdy.finished.has(error0));
    assert.equal(spdy.text(error0), '');
    assert.ok(spdy.finished.has(data1));
    spdy.close();
  });

  it('port-forward over WebSocket channels (client-node): the port first on both channels, then data', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${server.port}/portForward/default/web?ports=80`, ['v4.channel.k8s.io'], { ca: creds.caCert, ...client() });
    const messages: Buffer[] = [];
    ws.on('message', (m: Buffer) => messages.push(m));
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    assert.equal(ws.protocol, 'v4.channel.k8s.io');
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('over ws')]));
    const deadline = Date.now() + 10_000;
    while (!messages.some((m) => m[0] === 0 && m.subarray(1).toString() === 'over ws')) {
      if (Date.now() > deadline) assert.fail(`no echo; got ${messages.map((m) => m.toString('hex')).join(' ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(messages.slice(0, 2).map((m) => [...m]), [[0, 80, 0], [1, 80, 0]]);
    ws.close();
  });

  it('refuses before upgrading: no common protocol (403), unknown pod (404), no command (400)', async () => {
    const spdy = ['Connection: Upgrade', 'Upgrade: SPDY/3.1'];
    const answers = await Promise.all([
      upgrade('/exec/default/web/app?command=x&stdout=true', [...spdy, 'X-Stream-Protocol-Version: channel.k8s.io']),
      upgrade('/portForward/default/web', [...spdy, 'X-Stream-Protocol-Version: v4.channel.k8s.io']),
      upgrade('/portForward/default/nope', [...spdy, 'X-Stream-Protocol-Version: portforward.k8s.io']),
      upgrade('/exec/default/web/app?stdout=true', [...spdy, 'X-Stream-Protocol-Version: v4.channel.k8s.io']),
      upgrade('/exec/default/web/app?command=x', [...spdy, 'X-Stream-Protocol-Version: v4.channel.k8s.io']),
    ]);
    for (const a of answers) a.socket.destroy();
    assert.match(answers[0]!.head, /^HTTP\/1\.1 403 /);
    assert.equal(answers[0]!.rest.toString(), 'unable to upgrade: unable to negotiate protocol: client supports [channel.k8s.io], server supports [v5.channel.k8s.io v4.channel.k8s.io]');
    assert.match(answers[1]!.head, /^HTTP\/1\.1 403 /);
    assert.match(answers[2]!.head, /^HTTP\/1\.1 404 /);
    assert.equal(answers[2]!.rest.toString(), 'pod not found ("nope_default")');
    assert.equal(answers[3]!.rest.toString(), 'you must specify at least 1 command');
    assert.equal(answers[4]!.rest.toString(), 'you must specify at least 1 of stdin, stdout, stderr');
  });
});
