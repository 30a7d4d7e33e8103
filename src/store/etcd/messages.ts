/**
 * The etcd v3 messages the store sends and reads, encoded by hand from etcd's
 * api/etcdserverpb/rpc.proto and api/mvccpb/kv.proto (field numbers noted beside each).
 * Only the fields we use are written; unknown fields are skipped when reading, as
 * protobuf requires. int64 revisions are read as JavaScript numbers (exact below 2^53).
 */

// ---- writing -------------------------------------------------------------------------

class Writer {
  private parts: Buffer[] = [];
  private scratch: number[] = [];

  /** Field header plus a non-negative integer (int64/uint64/enum/bool on the wire). */
  uint(field: number, value: number | boolean): this {
    const n = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    if (n === 0) return this; // proto3 default: not written
    this.varint(field << 3);
    this.varint(n);
    return this;
  }

  bytes(field: number, value: Buffer | undefined): this {
    if (value === undefined) return this;
    this.varint((field << 3) | 2);
    this.varint(value.length);
    this.flushScratch();
    this.parts.push(value);
    return this;
  }

  /** A nested message, written even when empty (a set oneof member must be present). */
  message(field: number, value: Buffer): this {
    this.varint((field << 3) | 2);
    this.varint(value.length);
    this.flushScratch();
    this.parts.push(value);
    return this;
  }

  finish(): Buffer {
    this.flushScratch();
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
  }

  private varint(n: number): void {
    if (n < 0 || !Number.isSafeInteger(n)) throw new RangeError(`cannot encode ${n} as an etcd varint`);
    while (n > 0x7f) {
      this.scratch.push((n % 128) | 0x80);
      n = Math.floor(n / 128);
    }
    this.scratch.push(n);
  }

  private flushScratch(): void {
    if (this.scratch.length) {
      this.parts.push(Buffer.from(this.scratch));
      this.scratch = [];
    }
  }
}

export interface RangeRequest {
  key: Buffer;
  rangeEnd?: Buffer;
  limit?: number;
  revision?: number;
  countOnly?: boolean;
}

export function encodeRangeRequest(r: RangeRequest): Buffer {
  // key 1, range_end 2, limit 3, revision 4, count_only 9
  return new Writer().bytes(1, r.key).bytes(2, r.rangeEnd).uint(3, r.limit ?? 0).uint(4, r.revision ?? 0).uint(9, r.countOnly ?? false).finish();
}

export interface Compare {
  key: Buffer;
  target: 'create' | 'mod';
  result: 'equal' | 'greater';
  revision: number;
}

export type RequestOp =
  | { put: { key: Buffer; value: Buffer; prevKv?: boolean } }
  | { deleteRange: { key: Buffer; prevKv?: boolean } }
  | { range: RangeRequest };

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

const COMPARE_RESULT = { equal: 0, greater: 1 } as const;
const COMPARE_TARGET = { create: 1, mod: 2 } as const;

function encodeCompare(c: Compare): Buffer {
  // result 1, target 2, key 3, create_revision 5 | mod_revision 6 (the oneof member is
  // written even when 0: "create_revision == 0" is how create-if-absent is asked)
  const w = new Writer().uint(1, COMPARE_RESULT[c.result]).uint(2, COMPARE_TARGET[c.target]).bytes(3, c.key);
  const field = c.target === 'create' ? 5 : 6;
  return c.revision === 0 ? Buffer.concat([w.finish(), Buffer.from([field << 3, 0])]) : w.uint(field, c.revision).finish();
}

function encodeRequestOp(op: RequestOp): Buffer {
  // request_range 1, request_put 2, request_delete_range 3
  if ('put' in op) {
    // PutRequest: key 1, value 2, prev_kv 4
    return new Writer().message(2, new Writer().bytes(1, op.put.key).bytes(2, op.put.value).uint(4, op.put.prevKv ?? false).finish()).finish();
  }
  if ('deleteRange' in op) {
    // DeleteRangeRequest: key 1, range_end 2, prev_kv 3
    return new Writer().message(3, new Writer().bytes(1, op.deleteRange.key).uint(3, op.deleteRange.prevKv ?? false).finish()).finish();
  }
  return new Writer().message(1, encodeRangeRequest(op.range)).finish();
}

export function encodeTxnRequest(t: TxnRequest): Buffer {
  // compare 1, success 2, failure 3
  const w = new Writer();
  for (const c of t.compare) w.message(1, encodeCompare(c));
  for (const op of t.success) w.message(2, encodeRequestOp(op));
  for (const op of t.failure) w.message(3, encodeRequestOp(op));
  return w.finish();
}

/** A plain PutRequest (key 1, value 2); the store writes through transactions, benchmarks put directly. */
export function encodePutRequest(key: Buffer, value: Buffer): Buffer {
  return new Writer().bytes(1, key).bytes(2, value).finish();
}

export function encodeCompactionRequest(revision: number, physical: boolean): Buffer {
  return new Writer().uint(1, revision).uint(2, physical).finish();
}

export interface WatchCreateRequest {
  key: Buffer;
  rangeEnd: Buffer;
  startRevision: number;
  prevKv: boolean;
}

export function encodeWatchCreateRequest(r: WatchCreateRequest): Buffer {
  // WatchRequest.create_request 1 → WatchCreateRequest: key 1, range_end 2, start_revision 3, prev_kv 6
  const create = new Writer().bytes(1, r.key).bytes(2, r.rangeEnd).uint(3, r.startRevision).uint(6, r.prevKv).finish();
  return new Writer().message(1, create).finish();
}

// ---- reading -------------------------------------------------------------------------

export class MessageError extends Error {}

class Reader {
  pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new MessageError('truncated varint in an etcd response');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new MessageError('varint longer than 10 bytes in an etcd response');
  }

  /** The next field: number, wire type, and for length-delimited fields where they lie. */
  field(): { no: number; type: number; value: number; start: number; end: number } {
    const tag = this.varint();
    const no = Math.floor(tag / 8);
    const type = tag & 7;
    switch (type) {
      case 0:
        return { no, type, value: this.varint(), start: 0, end: 0 };
      case 1:
        this.skip(8);
        return { no, type, value: 0, start: 0, end: 0 };
      case 2: {
        const length = this.varint();
        const start = this.pos;
        this.skip(length);
        return { no, type, value: length, start, end: this.pos };
      }
      case 5:
        this.skip(4);
        return { no, type, value: 0, start: 0, end: 0 };
      default:
        throw new MessageError(`unsupported wire type ${type} in an etcd response`);
    }
  }

  sub(f: { start: number; end: number }): Reader {
    return new Reader(this.buf, f.start, f.end);
  }

  slice(f: { start: number; end: number }): Buffer {
    return this.buf.subarray(f.start, f.end);
  }

  private skip(n: number): void {
    if (this.pos + n > this.end) throw new MessageError('truncated field in an etcd response');
    this.pos += n;
  }
}

export interface RawKeyValue {
  key: Buffer;
  value: Buffer;
  createRevision: number;
  modRevision: number;
}

const EMPTY = Buffer.alloc(0);

function readKeyValue(r: Reader): RawKeyValue {
  // key 1, create_revision 2, mod_revision 3, version 4, value 5, lease 6
  const kv: RawKeyValue = { key: EMPTY, value: EMPTY, createRevision: 0, modRevision: 0 };
  while (!r.done) {
    const f = r.field();
    if (f.no === 1 && f.type === 2) kv.key = r.slice(f);
    else if (f.no === 2 && f.type === 0) kv.createRevision = f.value;
    else if (f.no === 3 && f.type === 0) kv.modRevision = f.value;
    else if (f.no === 5 && f.type === 2) kv.value = r.slice(f);
  }
  return kv;
}

/** ResponseHeader.revision (3) */
function readHeaderRevision(r: Reader): number {
  while (!r.done) {
    const f = r.field();
    if (f.no === 3 && f.type === 0) return f.value;
  }
  return 0;
}

export interface RangeResponse {
  revision: number;
  kvs: RawKeyValue[];
  more: boolean;
  count: number;
}

function readRange(r: Reader): RangeResponse {
  // header 1, kvs 2, more 3, count 4
  const out: RangeResponse = { revision: 0, kvs: [], more: false, count: 0 };
  while (!r.done) {
    const f = r.field();
    if (f.no === 1 && f.type === 2) out.revision = readHeaderRevision(r.sub(f));
    else if (f.no === 2 && f.type === 2) out.kvs.push(readKeyValue(r.sub(f)));
    else if (f.no === 3 && f.type === 0) out.more = f.value !== 0;
    else if (f.no === 4 && f.type === 0) out.count = f.value;
  }
  return out;
}

export function decodeRangeResponse(buf: Buffer): RangeResponse {
  return readRange(new Reader(buf));
}

export type ResponseOp =
  | { range: RangeResponse }
  | { put: { prevKv?: RawKeyValue } }
  | { deleteRange: { prevKvs: RawKeyValue[] } };

function readResponseOp(r: Reader): ResponseOp | undefined {
  // response_range 1, response_put 2, response_delete_range 3
  let op: ResponseOp | undefined;
  while (!r.done) {
    const f = r.field();
    if (f.type !== 2) continue;
    const sub = r.sub(f);
    if (f.no === 1) op = { range: readRange(sub) };
    else if (f.no === 2) {
      // PutResponse: header 1, prev_kv 2
      const put: { prevKv?: RawKeyValue } = {};
      while (!sub.done) {
        const g = sub.field();
        if (g.no === 2 && g.type === 2) put.prevKv = readKeyValue(sub.sub(g));
      }
      op = { put };
    } else if (f.no === 3) {
      // DeleteRangeResponse: header 1, deleted 2, prev_kvs 3
      const prevKvs: RawKeyValue[] = [];
      while (!sub.done) {
        const g = sub.field();
        if (g.no === 3 && g.type === 2) prevKvs.push(readKeyValue(sub.sub(g)));
      }
      op = { deleteRange: { prevKvs } };
    }
  }
  return op;
}

export interface TxnResponse {
  revision: number;
  succeeded: boolean;
  responses: ResponseOp[];
}

export function decodeTxnResponse(buf: Buffer): TxnResponse {
  // header 1, succeeded 2, responses 3
  const r = new Reader(buf);
  const out: TxnResponse = { revision: 0, succeeded: false, responses: [] };
  while (!r.done) {
    const f = r.field();
    if (f.no === 1 && f.type === 2) out.revision = readHeaderRevision(r.sub(f));
    else if (f.no === 2 && f.type === 0) out.succeeded = f.value !== 0;
    else if (f.no === 3 && f.type === 2) {
      const op = readResponseOp(r.sub(f));
      if (op) out.responses.push(op);
    }
  }
  return out;
}

export interface RawEvent {
  type: 'put' | 'delete';
  kv: RawKeyValue;
  prevKv?: RawKeyValue;
}

export interface WatchResponse {
  revision: number;
  created: boolean;
  canceled: boolean;
  compactRevision: number;
  cancelReason: string;
  events: RawEvent[];
}

export function decodeWatchResponse(buf: Buffer): WatchResponse {
  // header 1, watch_id 2, created 3, canceled 4, compact_revision 5, cancel_reason 6, fragment 7, events 11
  const r = new Reader(buf);
  const out: WatchResponse = { revision: 0, created: false, canceled: false, compactRevision: 0, cancelReason: '', events: [] };
  while (!r.done) {
    const f = r.field();
    if (f.no === 1 && f.type === 2) out.revision = readHeaderRevision(r.sub(f));
    else if (f.no === 3 && f.type === 0) out.created = f.value !== 0;
    else if (f.no === 4 && f.type === 0) out.canceled = f.value !== 0;
    else if (f.no === 5 && f.type === 0) out.compactRevision = f.value;
    else if (f.no === 6 && f.type === 2) out.cancelReason = r.slice(f).toString('utf8');
    else if (f.no === 11 && f.type === 2) {
      // Event: type 1 (PUT 0, DELETE 1), kv 2, prev_kv 3
      const e = r.sub(f);
      const ev: RawEvent = { type: 'put', kv: { key: EMPTY, value: EMPTY, createRevision: 0, modRevision: 0 } };
      while (!e.done) {
        const g = e.field();
        if (g.no === 1 && g.type === 0) ev.type = g.value === 1 ? 'delete' : 'put';
        else if (g.no === 2 && g.type === 2) ev.kv = readKeyValue(e.sub(g));
        else if (g.no === 3 && g.type === 2) ev.prevKv = readKeyValue(e.sub(g));
      }
      out.events.push(ev);
    }
  }
  return out;
}
