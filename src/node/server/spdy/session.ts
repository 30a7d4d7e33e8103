/**
 * The server end of a SPDY/3.1 connection as Kubernetes' streaming clients use it
 * (moby/spdystream under client-go's httpstream): the client opens every stream with
 * SYN_STREAM, its headers (`streamtype`, `port`, `requestid`) saying what it carries;
 * the server answers each with SYN_REPLY, since the client waits for the reply. Data
 * runs both ways until each side sends FIN; the client ends with RST_STREAM per stream
 * and GOAWAY, and pings now and then.
 *
 * Flow control is left out on purpose: spdystream never sends WINDOW_UPDATE, so a
 * sender that honoured the 64 KiB initial window would stall, and it ignores ours.
 * Back-pressure comes from the socket instead.
 */
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { HeaderDeflater, HeaderInflater } from './compression.js';
import { controlFrame, dataFrame, decodeHeaderBlock, encodeHeaderBlock, FLAG_FIN, FrameType, MAX_PAYLOAD, readFrames, RstStatus, uint32s, type Frame } from './frames.js';

/** Larger writes are cut into frames of this size, so streams share the connection fairly. */
const CHUNK = 64 * 1024;

export class SpdyStream extends Duplex {
  /** Set when the peer reset the stream. */
  reset = false;

  constructor(readonly id: number, readonly headers: Record<string, string>, private readonly session: SpdySession) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    this.session.resumeInput();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.reset) return callback();
    this.session.sendData(this.id, chunk, false).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.reset) return callback();
    this.session.sendData(this.id, Buffer.alloc(0), true).then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.session.forget(this.id, !this.reset && !this.writableFinished);
    callback(error);
  }
}

export interface SpdySessionEvents {
  stream: [SpdyStream];
  close: [];
}

export class SpdySession extends EventEmitter<SpdySessionEvents> {
  private readonly streams = new Map<number, SpdyStream>();
  private readonly inflater = new HeaderInflater();
  private readonly deflater = new HeaderDeflater();
  private pending: Buffer = Buffer.alloc(0);
  /** Frames are handled in order; header blocks need the shared zlib state. */
  private incoming: Promise<void> = Promise.resolve();
  /** Frames are sent in order: a reply always precedes its stream's data. */
  private outgoing: Promise<void> = Promise.resolve();
  private lastStreamId = 0;
  /** No new frames are sent (GOAWAY queued or the connection gone). */
  private closed = false;
  /** The connection is gone. */
  private ended = false;

  constructor(private readonly socket: Duplex) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => this.shutdown());
    socket.on('close', () => this.shutdown());
    socket.on('end', () => this.shutdown());
  }

  /** Sends GOAWAY and closes the connection once what was written has gone out. */
  close(): void {
    if (this.closed) return;
    this.send(() => controlFrame(FrameType.GoAway, 0, uint32s(this.lastStreamId, 0)))
      .finally(() => this.socket.end())
      .catch(() => undefined);
    this.closed = true;
    for (const stream of this.streams.values()) stream.destroy();
  }

  /** @internal */
  resumeInput(): void {
    if (this.socket.isPaused()) this.socket.resume();
  }

  /** @internal */
  sendData(streamId: number, data: Buffer, fin: boolean): Promise<void> {
    if (!data.length) return this.send(() => dataFrame(streamId, fin ? FLAG_FIN : 0, data));
    let last: Promise<void> = Promise.resolve();
    for (let offset = 0; offset < data.length; offset += CHUNK) {
      const piece = data.subarray(offset, Math.min(offset + CHUNK, data.length));
      const end = offset + CHUNK >= data.length;
      last = this.send(() => dataFrame(streamId, fin && end ? FLAG_FIN : 0, piece));
    }
    return last;
  }

  /** @internal A stream we give up on before both sides finished is reset, so the client stops too. */
  forget(streamId: number, resetPeer: boolean): void {
    if (!this.streams.delete(streamId)) return;
    if (resetPeer && !this.closed) this.send(() => controlFrame(FrameType.RstStream, 0, uint32s(streamId, RstStatus.Cancel))).catch(() => undefined);
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let frames: Frame[];
    try {
      ({ frames, rest: this.pending } = readFrames(this.pending));
    } catch {
      return this.shutdown();
    }
    for (const frame of frames) {
      this.incoming = this.incoming.then(() => this.handle(frame)).catch(() => this.shutdown());
    }
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.closed) return;
    if (!frame.control) return this.onData(frame.streamId, frame.flags, frame.payload);
    switch (frame.type) {
      case FrameType.SynStream: return this.onSynStream(frame.flags, frame.payload);
      case FrameType.RstStream: {
        const stream = this.streams.get(frame.payload.readUInt32BE(0) & 0x7fffffff);
        if (stream) {
          stream.reset = true;
          stream.destroy();
        }
        return;
      }
      case FrameType.Ping:
        await this.send(() => controlFrame(FrameType.Ping, 0, frame.payload));
        return;
      case FrameType.GoAway:
        return this.shutdown();
      case FrameType.Headers:
        // Header blocks must still pass through the shared zlib state.
        await this.inflater.code(frame.payload.subarray(4));
        return;
      default:
        // SETTINGS and WINDOW_UPDATE: nothing to act on (see above).
        return;
    }
  }

  private async onSynStream(flags: number, payload: Buffer): Promise<void> {
    const id = payload.readUInt32BE(0) & 0x7fffffff;
    const headers = decodeHeaderBlock(await this.inflater.code(payload.subarray(10)));
    if (id <= this.lastStreamId || id % 2 === 0 || this.streams.has(id)) {
      await this.send(() => controlFrame(FrameType.RstStream, 0, uint32s(id, RstStatus.ProtocolError)));
      return;
    }
    this.lastStreamId = id;
    const stream = new SpdyStream(id, headers, this);
    this.streams.set(id, stream);
    const reply = await this.deflater.code(encodeHeaderBlock({}));
    await this.send(() => controlFrame(FrameType.SynReply, 0, Buffer.concat([uint32s(id), reply])));
    if (flags & FLAG_FIN) stream.push(null);
    this.emit('stream', stream);
  }

  private onData(streamId: number, flags: number, payload: Buffer): void {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    if (payload.length && !stream.push(payload)) this.socket.pause();
    if (flags & FLAG_FIN) stream.push(null);
  }

  private send(frame: () => Buffer): Promise<void> {
    const sent = this.outgoing.then(() => new Promise<void>((resolve, reject) => {
      if (this.socket.destroyed || !this.socket.writable) return reject(new Error('SPDY connection closed'));
      const bytes = frame();
      if (bytes.length > MAX_PAYLOAD + 8) return reject(new Error('SPDY frame too large'));
      if (this.socket.write(bytes)) return resolve();
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    }));
    this.outgoing = sent.catch(() => undefined);
    return sent;
  }

  private shutdown(): void {
    if (this.ended) return;
    this.ended = true;
    this.closed = true;
    for (const stream of [...this.streams.values()]) {
      stream.reset = true;
      stream.destroy();
    }
    this.inflater.close();
    this.deflater.close();
    this.socket.destroy();
    this.emit('close');
  }
}
