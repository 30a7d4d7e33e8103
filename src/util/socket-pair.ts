/**
 * Two connected in-memory streams that behave enough like TCP sockets for node's HTTP
 * client and server: what one writes the other reads; ending or destroying one ends the
 * other. Components in the API server's own process reach it through such a pair
 * (loopback), skipping TLS and the kernel while keeping HTTP's semantics — watches
 * stream, keep-alive reuses, errors map — exactly as over the network.
 */
import { Duplex } from 'node:stream';

export class MemorySocket extends Duplex {
  peer: MemorySocket | undefined;
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 0;
  readonly remoteFamily = 'IPv4';
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;
  readonly encrypted = false;
  connecting = false;

  constructor() {
    // Like a net.Socket of an HTTP server: when the other side ends, so does this one.
    super({ allowHalfOpen: false });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (!this.peer || this.peer.destroyed) return callback(new Error('socket closed by peer'));
    this.peer.push(chunk);
    callback();
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.peer?.push(null);
    callback();
  }

  override _read(): void { /* data arrives by the peer's push */ }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = undefined;
    if (peer && !peer.destroyed) {
      if (!peer.readableEnded) peer.push(null);
      // The peer sees end-of-stream, then closes as a TCP socket does after a reset.
      setImmediate(() => peer.destroy());
    }
    callback(err);
  }

  // The socket API HTTP calls; timeouts and Nagle mean nothing in memory.
  setNoDelay(): this { return this; }
  setKeepAlive(): this { return this; }
  setTimeout(): this { return this; }
  ref(): this { return this; }
  unref(): this { return this; }
  address(): { address: string; family: string; port: number } {
    return { address: '127.0.0.1', family: 'IPv4', port: 0 };
  }
}

export function socketPair(): [MemorySocket, MemorySocket] {
  const a = new MemorySocket();
  const b = new MemorySocket();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
