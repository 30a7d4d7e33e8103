/**
 * Protocol-buffer wire primitives (varints, fixed widths, length-delimited slices) over
 * one buffer. Throws `WireError` on truncated or malformed input so callers can turn it
 * into a 400 naming the message being decoded.
 */

export class WireError extends Error {}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

export class WireReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Unsigned 64-bit varint as a BigInt; callers narrow it to the declared type. */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new WireError('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /**
   * A non-negative varint below 2^49 as a plain number (tags, lengths, most values),
   * or `undefined` without consuming anything when it is longer, so the caller can
   * take the BigInt path. Avoiding BigInt here makes decoding several times faster.
   */
  fastVarint(): number | undefined {
    let result = 0;
    let mul = 1;
    for (let i = this.pos; i < this.end && i - this.pos < 7; i++) {
      const b = this.buf[i];
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = i + 1;
        return result;
      }
      mul *= 128;
    }
    return undefined;
  }

  /** A varint known to be small (tags, lengths). */
  smallVarint(): number {
    const fast = this.fastVarint();
    if (fast !== undefined) return fast;
    const v = this.varint();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new WireError('length out of range');
    return Number(v);
  }

  tag(): { field: number; wire: number } {
    const t = this.smallVarint();
    return { field: Math.floor(t / 8), wire: t & 7 };
  }

  /** Start/end offsets of a length-delimited value, advancing past it. */
  span(): { start: number; end: number } {
    const len = this.smallVarint();
    const start = this.pos;
    if (start + len > this.end) throw new WireError('truncated length-delimited field');
    this.pos += len;
    return { start, end: start + len };
  }

  fixed64(): Buffer {
    return this.take(8);
  }

  fixed32(): Buffer {
    return this.take(4);
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_FIXED64) this.take(8);
    else if (wire === WIRE_BYTES) this.span();
    else if (wire === WIRE_FIXED32) this.take(4);
    else throw new WireError(`unsupported wire type ${wire}`);
  }

  private take(n: number): Buffer {
    if (this.pos + n > this.end) throw new WireError('truncated fixed-width field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
