/**
 * Maps Store keys into one etcd key namespace, so several clusters or test cases can
 * share an etcd without seeing each other's keys.
 */

/**
 * The smallest key greater than every key starting with `prefix` (etcd's
 * GetPrefixRangeEnd, clientv3/op.go): bump the last byte below 0xff and cut after it.
 * A prefix of only 0xff bytes (or empty) has no such key; "\0" means "to the end".
 */
export function prefixEnd(prefix: Buffer): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i]! < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i] = prefix[i]! + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}

export class KeySpace {
  private readonly prefix: Buffer;

  constructor(prefix = '') {
    this.prefix = Buffer.from(prefix, 'utf8');
  }

  encode(key: string): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(key, 'utf8')]);
  }

  decode(key: Buffer): string {
    if (!key.subarray(0, this.prefix.length).equals(this.prefix)) {
      throw new Error(`etcd key ${JSON.stringify(key.toString('utf8'))} is outside the store prefix`);
    }
    return key.subarray(this.prefix.length).toString('utf8');
  }

  /**
   * The etcd range [key, rangeEnd) of all keys starting with `prefix`, beginning
   * strictly after `startAfter` when given (the next key after k is k + "\0").
   */
  range(prefix: string, startAfter?: string): { key: Buffer; rangeEnd: Buffer } {
    const start = this.encode(prefix);
    // An empty overall prefix means the whole keyspace: etcd spells that ["\0", "\0").
    const rangeEnd = start.length === 0 ? Buffer.from([0]) : prefixEnd(start);
    if (startAfter !== undefined) {
      if (!startAfter.startsWith(prefix)) throw new Error(`startAfter ${JSON.stringify(startAfter)} does not start with prefix ${JSON.stringify(prefix)}`);
      return { key: Buffer.concat([this.encode(startAfter), Buffer.from([0])]), rangeEnd };
    }
    return { key: start.length === 0 ? Buffer.from([0]) : start, rangeEnd };
  }
}
