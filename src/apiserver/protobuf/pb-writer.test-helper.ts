/** Test-only protobuf writer: builds messages field by field to feed the decoder. */
export type PbValue = string | Buffer | number | bigint | boolean | PbField[] | { packed: number[] };
export type PbField = [number, PbValue];

function varint(v: bigint): Buffer {
  const out: number[] = [];
  let n = BigInt.asUintN(64, v);
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}

function bytesField(num: number, payload: Buffer): Buffer {
  return Buffer.concat([varint(BigInt(num * 8 + 2)), varint(BigInt(payload.length)), payload]);
}

export function pb(fields: PbField[]): Buffer {
  return Buffer.concat(
    fields.map(([num, v]) => {
      if (typeof v === 'string') return bytesField(num, Buffer.from(v, 'utf8'));
      if (Buffer.isBuffer(v)) return bytesField(num, v);
      if (Array.isArray(v)) return bytesField(num, pb(v));
      if (typeof v === 'object') return bytesField(num, Buffer.concat(v.packed.map((n) => varint(BigInt(n)))));
      const n = typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v);
      return Buffer.concat([varint(BigInt(num * 8)), varint(n)]);
    }),
  );
}

/** The `k8s\0` + runtime.Unknown envelope around `raw`. */
export function envelope(apiVersion: string, kind: string, raw: Buffer, extra: PbField[] = [[3, ''], [4, '']]): Buffer {
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), pb([[1, [[1, apiVersion], [2, kind]]], [2, raw], ...extra])]);
}
