/**
 * The gRPC transport against a small HTTP/2 server playing the other side: messages
 * split across and packed into DATA frames, statuses in trailers and in trailers-only
 * answers, deadlines, streams, and a server that goes away. (etcd itself is exercised by
 * the store contract in etcd.test.ts.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import { createServer as createTcpServer, connect as tcpConnect, type AddressInfo, type Socket } from 'node:net';
import { GrpcChannel, GrpcError, GrpcStatus, MessageReader } from './grpc.js';

function frame(message: Buffer): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

describe('MessageReader', () => {
  it('reassembles messages split across chunks and splits packed ones', () => {
    const messages = [Buffer.from('a'), Buffer.alloc(0), Buffer.from('x'.repeat(70_000)), Buffer.from('bc')];
    const wire = Buffer.concat(messages.map(frame));
    for (const size of [1, 3, 5, 7, 4096, wire.length]) {
      const reader = new MessageReader();
      const out: Buffer[] = [];
      for (let i = 0; i < wire.length; i += size) out.push(...reader.push(wire.subarray(i, i + size)));
      assert.deepEqual(out.map(String), messages.map(String), `chunks of ${size}`);
      assert.ok(reader.empty);
    }
  });

  it('refuses compressed messages', () => {
    assert.throws(() => new MessageReader().push(Buffer.from([1, 0, 0, 0, 0])), /compressed/);
  });
});

describe('GrpcChannel', () => {
  let server: Http2Server;
  let endpoint: string;
  const streams = new Set<ServerHttp2Stream>();

  before(async () => {
    server = createServer();
    server.on('stream', (stream, headers) => {
      streams.add(stream);
      stream.on('error', () => { /* closed with an error code on purpose below */ });
      stream.on('close', () => streams.delete(stream));
      const chunks: Buffer[] = [];
      const path = headers[':path'];
      if (path === '/t/Echo') {
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const body = Buffer.concat(chunks);
          stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
          stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
          // One byte per write: the client must reassemble.
          for (const byte of body) stream.write(Buffer.from([byte]));
          stream.end();
        });
      } else if (path === '/t/Fail') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '11', 'grpc-message': 'etcdserver%3A mvcc%3A required revision has been compacted' }, { endStream: true });
      } else if (path === '/t/Hang') {
        stream.resume();
      } else if (path === '/t/Stream') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
        stream.on('data', (c: Buffer) => stream.write(c)); // echo every frame back
      } else {
        stream.respond({ ':status': 404 }, { endStream: true });
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('makes unary calls', async () => {
    const channel = new GrpcChannel({ endpoints: [endpoint] });
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => channel.unary('/t/Echo', Buffer.from(`hello ${i}`))));
      assert.deepEqual(answers.map(String), Array.from({ length: 20 }, (_, i) => `hello ${i}`));
    } finally {
      channel.close();
    }
  });

  it('reports a trailers-only status with its decoded message', async () => {
    const channel = new GrpcChannel({ endpoints: [endpoint] });
    try {
      await assert.rejects(channel.unary('/t/Fail', Buffer.alloc(0)), (err: GrpcError) =>
        err.code === GrpcStatus.OUT_OF_RANGE && err.details === 'etcdserver: mvcc: required revision has been compacted');
      await assert.rejects(channel.unary('/t/Nope', Buffer.alloc(0)), /HTTP status 404/);
    } finally {
      channel.close();
    }
  });

  it('gives up at the deadline', async () => {
    const channel = new GrpcChannel({ endpoints: [endpoint] });
    try {
      await assert.rejects(channel.unary('/t/Hang', Buffer.alloc(0), { timeoutMs: 100 }), (err: GrpcError) => err.code === GrpcStatus.DEADLINE_EXCEEDED);
    } finally {
      channel.close();
    }
  });

  it('streams both ways, and reports the end when the server goes away', async () => {
    const channel = new GrpcChannel({ endpoints: [endpoint] });
    try {
      const got: string[] = [];
      let ended: GrpcError | null | undefined;
      const stream = channel.stream('/t/Stream', { onMessage: (m) => got.push(String(m)), onEnd: (err) => { ended = err; } });
      stream.write(Buffer.from('one'));
      stream.write(Buffer.from('two'));
      for (let i = 0; i < 200 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
      assert.deepEqual(got, ['one', 'two']);
      for (const s of streams) s.close(2); // INTERNAL_ERROR, as a dying server would
      for (let i = 0; i < 200 && ended === undefined; i++) await new Promise((r) => setTimeout(r, 5));
      assert.ok(ended instanceof GrpcError && ended.code === GrpcStatus.UNAVAILABLE, String(ended));
    } finally {
      channel.close();
    }
  });

  it('fails calls to an endpoint that is not there, and moves on to the next', async () => {
    const dead = '127.0.0.1:1';
    const channel = new GrpcChannel({ endpoints: [dead, endpoint] });
    try {
      await assert.rejects(channel.unary('/t/Echo', Buffer.from('x')), (err: GrpcError) => err.code === GrpcStatus.UNAVAILABLE);
      assert.equal(String(await channel.unary('/t/Echo', Buffer.from('x'))), 'x');
    } finally {
      channel.close();
    }
  });

  it('drops a connection whose peer stops answering, ending its streams', async () => {
    // A TCP relay that can go silent without closing anything, like a vanished host.
    let silent = false;
    const sockets: Socket[] = [];
    const relay = createTcpServer((client) => {
      const upstream = tcpConnect(Number(endpoint.split(':')[1]), '127.0.0.1');
      sockets.push(client, upstream);
      client.on('data', (d) => { if (!silent) upstream.write(d); });
      upstream.on('data', (d) => { if (!silent) client.write(d); });
      client.on('error', () => {});
      upstream.on('error', () => {});
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const channel = new GrpcChannel({ endpoints: [`127.0.0.1:${(relay.address() as AddressInfo).port}`], keepaliveMs: 100, keepaliveTimeoutMs: 200 });
    try {
      const got: string[] = [];
      let ended: GrpcError | null | undefined;
      const stream = channel.stream('/t/Stream', { onMessage: (m) => got.push(String(m)), onEnd: (err) => { ended = err; } });
      stream.write(Buffer.from('ping'));
      for (let i = 0; i < 200 && got.length < 1; i++) await new Promise((r) => setTimeout(r, 5));
      assert.deepEqual(got, ['ping']);
      silent = true;
      const started = Date.now();
      for (let i = 0; i < 400 && ended === undefined; i++) await new Promise((r) => setTimeout(r, 5));
      assert.ok(ended instanceof GrpcError && ended.code === GrpcStatus.UNAVAILABLE, String(ended));
      assert.ok(Date.now() - started < 1500);
    } finally {
      channel.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => relay.close(() => r()));
    }
  });
});
