/**
 * Descriptor-driven decoding of one gogo-protobuf message into the JSON model the
 * same object would have had on the JSON wire.
 *
 * gogo writes every non-pointer scalar, even when empty, while encoding/json drops
 * empty values of `omitempty` fields. So an explicit zero is dropped for omitempty,
 * non-pointer fields and kept for pointer fields (where presence carries meaning) and
 * for fields without omitempty. Non-pointer structs are always written by gogo and
 * always present in JSON too (encoding/json never omits structs), so they are kept.
 */
import type { FieldEntry, MessageTable } from './descriptor.js';
import { isListWrapper, SPECIAL_CONVERTERS, type RawFields } from './special.js';
import { WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT, WireError, WireReader } from './wire.js';

interface Field {
  name: string;
  type: string;
  repeated: boolean;
  pointer: boolean;
  omitempty: boolean;
  inline: boolean;
  mapKey?: string;
  mapValue?: string;
}

interface Message {
  fields: ReadonlyMap<number, Field>;
  /** Set for types with a JSON form of their own (Time, Quantity …). */
  convert?: (f: RawFields) => unknown;
  /** Set for wrappers of named Go slices, whose JSON is the bare list. */
  list: boolean;
}

export type MessageIndex = ReadonlyMap<string, Message>;

export function indexMessages(table: MessageTable): MessageIndex {
  const index = new Map<string, Message>();
  for (const [name, entries] of Object.entries(table)) {
    index.set(name, { fields: new Map(entries.map((e: FieldEntry) => [e[0], toField(e)])), convert: SPECIAL_CONVERTERS[name], list: isListWrapper(name) });
  }
  return index;
}

function toField([, name, type, flags]: FieldEntry): Field {
  const map = /^map<([^,]+),(.+)>$/.exec(type);
  return {
    name,
    type,
    repeated: flags.includes('r'),
    pointer: flags.includes('p'),
    omitempty: flags.includes('o'),
    inline: flags.includes('i'),
    mapKey: map?.[1],
    mapValue: map?.[2],
  };
}

const NUMERIC = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool', 'double', 'float', 'fixed32', 'fixed64']);

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

export class ProtobufDecoder {
  constructor(private readonly index: MessageIndex) {}

  has(message: string): boolean {
    return this.index.has(message);
  }

  /** Decodes `buf[start, end)` as `message`; the result is the message's JSON value. */
  message(message: string, buf: Buffer, start = 0, end = buf.length): unknown {
    const desc = this.index.get(message);
    if (!desc) throw new WireError(`no descriptor for message ${message}`);
    const fields = desc.fields;
    if (desc.convert) return desc.convert(this.rawFields(fields, buf, start, end));
    if (desc.list) return this.rawFields(fields, buf, start, end).get(1) ?? [];

    const out: Record<string, unknown> = {};
    const r = new WireReader(buf, start, end);
    while (!r.done) {
      const { field: num, wire } = r.tag();
      const f = fields.get(num);
      if (!f) {
        r.skip(wire);
        continue;
      }
      if (f.mapKey) {
        const entry = this.mapEntry(f, r, wire);
        const obj = (out[f.name] ??= {}) as Record<string, unknown>;
        obj[entry.key] = entry.value;
      } else if (f.repeated) {
        const list = (out[f.name] ??= []) as unknown[];
        this.appendRepeated(f, r, wire, list);
      } else {
        const value = this.single(f.type, r, wire);
        if (f.inline && value && typeof value === 'object') Object.assign(out, value);
        else if (value === undefined || (isZero(value) && f.omitempty && !f.pointer)) {
          // `delete` would push the object into V8's slow dictionary mode; it is only
          // needed when a field repeats on the wire, where the last value wins.
          if (f.name in out) delete out[f.name];
        } else out[f.name] = value;
      }
    }
    return out;
  }

  /** Proto field number → decoded value (repeated ones as arrays), for the special types. */
  private rawFields(fields: ReadonlyMap<number, Field>, buf: Buffer, start: number, end: number): RawFields {
    const out: RawFields = new Map();
    const r = new WireReader(buf, start, end);
    while (!r.done) {
      const { field: num, wire } = r.tag();
      const f = fields.get(num);
      if (!f) r.skip(wire);
      else if (f.repeated) {
        const list = (out.get(num) as unknown[] | undefined) ?? [];
        this.appendRepeated(f, r, wire, list);
        out.set(num, list);
      } else out.set(num, f.type === 'bytes' ? this.rawBytes(r, wire) : this.single(f.type, r, wire));
    }
    return out;
  }

  private rawBytes(r: WireReader, wire: number): Buffer {
    expectWire(wire, WIRE_BYTES);
    const { start, end } = r.span();
    return r.buf.subarray(start, end);
  }

  private appendRepeated(f: Field, r: WireReader, wire: number, list: unknown[]): void {
    // Packed encoding (proto3 style) is legal for numeric repeated fields.
    if (wire === WIRE_BYTES && NUMERIC.has(f.type)) {
      const { start, end } = r.span();
      const sub = new WireReader(r.buf, start, end);
      const elemWire = f.type === 'double' || f.type === 'fixed64' ? WIRE_FIXED64 : f.type === 'float' || f.type === 'fixed32' ? WIRE_FIXED32 : WIRE_VARINT;
      while (!sub.done) list.push(this.single(f.type, sub, elemWire));
      return;
    }
    list.push(this.single(f.type, r, wire) ?? null);
  }

  private mapEntry(f: Field, r: WireReader, wire: number): { key: string; value: unknown } {
    expectWire(wire, WIRE_BYTES);
    const { start, end } = r.span();
    const sub = new WireReader(r.buf, start, end);
    let key: unknown = '';
    let value: unknown;
    while (!sub.done) {
      const t = sub.tag();
      if (t.field === 1) key = this.single(f.mapKey!, sub, t.wire);
      else if (t.field === 2) value = this.single(f.mapValue!, sub, t.wire);
      else sub.skip(t.wire);
    }
    // An entry without a value is the value type's zero value.
    value ??= this.zeroOf(f.mapValue!);
    return { key: String(key), value };
  }

  private zeroOf(type: string): unknown {
    if (type === 'string') return '';
    if (type === 'bytes') return '';
    if (type === 'bool') return false;
    if (NUMERIC.has(type)) return 0;
    return this.message(type, Buffer.alloc(0));
  }

  /** One value of `type`; messages recurse. */
  private single(type: string, r: WireReader, wire: number): unknown {
    switch (type) {
      case 'string':
        return r.buf.toString('utf8', ...spanOf(r, wire));
      case 'bytes':
        // encoding/json writes []byte as standard base64.
        return r.buf.toString('base64', ...spanOf(r, wire));
      case 'bool':
        expectWire(wire, WIRE_VARINT);
        return (r.fastVarint() ?? Number(r.varint() !== 0n)) !== 0;
      case 'int32':
        expectWire(wire, WIRE_VARINT);
        // Negative values are 10-byte varints and take the BigInt path.
        return r.fastVarint() ?? Number(BigInt.asIntN(32, r.varint()));
      case 'int64':
        expectWire(wire, WIRE_VARINT);
        return r.fastVarint() ?? Number(BigInt.asIntN(64, r.varint()));
      case 'uint32':
      case 'uint64':
        expectWire(wire, WIRE_VARINT);
        return r.fastVarint() ?? Number(r.varint());
      case 'sint32':
      case 'sint64': {
        expectWire(wire, WIRE_VARINT);
        const v = r.varint();
        return Number((v >> 1n) ^ -(v & 1n));
      }
      case 'double':
        expectWire(wire, WIRE_FIXED64);
        return r.fixed64().readDoubleLE(0);
      case 'float':
        expectWire(wire, WIRE_FIXED32);
        return r.fixed32().readFloatLE(0);
      case 'fixed64':
        expectWire(wire, WIRE_FIXED64);
        return Number(r.fixed64().readBigUInt64LE(0));
      case 'fixed32':
        expectWire(wire, WIRE_FIXED32);
        return r.fixed32().readUInt32LE(0);
      default: {
        const [start, end] = spanOf(r, wire);
        return this.message(type, r.buf, start, end);
      }
    }
  }
}

function spanOf(r: WireReader, wire: number): [number, number] {
  expectWire(wire, WIRE_BYTES);
  const { start, end } = r.span();
  return [start, end];
}

function expectWire(got: number, want: number): void {
  if (got !== want) throw new WireError(`wire type ${got} where ${want} was expected`);
}
