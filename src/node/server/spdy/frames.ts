/**
 * SPDY/3.1 framing, the part a kubelet-style server needs (SPDY Protocol draft 3.1,
 * section 2.2): every frame has an 8-byte head; a control frame sets the top bit and
 * carries version 3 and a type, a data frame carries a 31-bit stream id; both end the
 * head with 8 bits of flags and a 24-bit length.
 */

export const FLAG_FIN = 0x01;

export const enum FrameType {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
}

/** RST_STREAM status codes used here. */
export const enum RstStatus {
  ProtocolError = 1,
  InvalidStream = 2,
  RefusedStream = 3,
  Cancel = 5,
  InternalError = 6,
}

export type Frame =
  | { control: true; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; payload: Buffer };

const VERSION = 3;
const HEAD = 8;
/** The length field has 24 bits. */
export const MAX_PAYLOAD = 0xffffff;

/** Takes whole frames off the front of `buffer`; returns them and what is left. */
export function readFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let offset = 0;
  while (buffer.length - offset >= HEAD) {
    const length = buffer.readUIntBE(offset + 5, 3);
    if (buffer.length - offset < HEAD + length) break;
    const flags = buffer[offset + 4]!;
    const payload = buffer.subarray(offset + HEAD, offset + HEAD + length);
    if (buffer[offset]! & 0x80) {
      const version = buffer.readUInt16BE(offset) & 0x7fff;
      if (version !== VERSION) throw new Error(`unsupported SPDY version ${version}`);
      frames.push({ control: true, type: buffer.readUInt16BE(offset + 2), flags, payload });
    } else {
      frames.push({ control: false, streamId: buffer.readUInt32BE(offset) & 0x7fffffff, flags, payload });
    }
    offset += HEAD + length;
  }
  return { frames, rest: offset === 0 ? buffer : buffer.subarray(offset) };
}

function head(first: number, second: number, flags: number, length: number): Buffer {
  const b = Buffer.alloc(HEAD);
  b.writeUInt16BE(first, 0);
  b.writeUInt16BE(second, 2);
  b.writeUInt32BE(length, 4);
  b[4] = flags;
  return b;
}

export function controlFrame(type: FrameType, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([head(0x8000 | VERSION, type, flags, payload.length), payload]);
}

export function dataFrame(streamId: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(HEAD);
  h.writeUInt32BE(streamId & 0x7fffffff, 0);
  h.writeUInt32BE(payload.length, 4);
  h[4] = flags;
  return payload.length ? Buffer.concat([h, payload]) : h;
}

export function uint32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/**
 * An uncompressed header block: a count, then each name and value with a 32-bit
 * length. Several values of one name are joined by NUL; names are lower case.
 */
export function decodeHeaderBlock(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  let offset = 0;
  const take = (): string => {
    if (offset + 4 > block.length) throw new Error('truncated SPDY header block');
    const length = block.readUInt32BE(offset);
    offset += 4;
    if (offset + length > block.length) throw new Error('truncated SPDY header block');
    const text = block.toString('utf8', offset, offset + length);
    offset += length;
    return text;
  };
  if (block.length < 4) throw new Error('truncated SPDY header block');
  const count = block.readUInt32BE(0);
  offset = 4;
  for (let i = 0; i < count; i++) {
    const name = take().toLowerCase();
    headers[name] = take().split('\0').join(', ');
  }
  return headers;
}

export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [uint32s(Object.keys(headers).length)];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name.toLowerCase());
    const v = Buffer.from(value);
    parts.push(uint32s(n.length), n, uint32s(v.length), v);
  }
  return Buffer.concat(parts);
}
