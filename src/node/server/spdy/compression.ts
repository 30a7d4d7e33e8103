/**
 * SPDY/3 header compression: each direction of a connection is ONE zlib stream, primed
 * with the SPDY dictionary and sync-flushed at the end of every header block, so a block
 * can only be read after all earlier ones. Node's zlib streams keep that state; one
 * block at a time goes through, and its output is what the flush brings out.
 */
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';

type ZlibStream = Inflate | Deflate;

class BlockCoder {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly stream: ZlibStream) {
    stream.on('error', () => undefined);
  }

  /** Feeds one block and resolves with exactly what it decodes (or encodes) to. */
  code(block: Buffer): Promise<Buffer> {
    const result = this.queue.then(() => new Promise<Buffer>((resolve, reject) => {
      const out: Buffer[] = [];
      const onData = (chunk: Buffer) => out.push(chunk);
      const onError = (err: Error) => finish(err);
      const finish = (err?: Error) => {
        this.stream.off('data', onData);
        this.stream.off('error', onError);
        if (err) reject(err);
        else resolve(Buffer.concat(out));
      };
      this.stream.on('data', onData);
      this.stream.once('error', onError);
      this.stream.write(block);
      this.stream.flush(constants.Z_SYNC_FLUSH, () => finish());
    }));
    this.queue = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.stream.destroy();
  }
}

export class HeaderInflater extends BlockCoder {
  constructor() {
    super(createInflate({ dictionary: SPDY3_DICTIONARY }));
  }
}

export class HeaderDeflater extends BlockCoder {
  constructor() {
    super(createDeflate({ dictionary: SPDY3_DICTIONARY }));
  }
}
