/**
 * IP address text ⇄ the 4- or 16-byte form an X.509 iPAddress SAN holds.
 *
 * Parsed here rather than checked with node:net's isIP first: the first IPv6 address
 * given to isIP compiles a very large regular expression (about 7 ms, paid on every
 * server start for `::1`). The grammar accepted is isIP's (see ip.test.ts).
 */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): number[] | undefined {
  const m = IPV4.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] : undefined;
}

function parseIpv6(text: string): Buffer | undefined {
  const zone = text.indexOf('%');
  if (zone >= 0) {
    if (!/^%[0-9a-zA-Z\-.:]+$/.test(text.slice(zone))) return undefined;
    text = text.slice(0, zone); // a zone id is not part of the address
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const words: number[][] = [];
  for (const half of halves) {
    const groups = half === '' ? [] : half.split(':');
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i]!;
      if (HEX_GROUP.test(group)) out.push(parseInt(group, 16));
      else if (i === groups.length - 1 && half === halves[halves.length - 1]) {
        const v4 = parseIpv4(group); // a dotted quad may end the address
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else return undefined;
    }
    words.push(out);
  }
  const [head, tail] = words as [number[], number[] | undefined];
  const count = head.length + (tail?.length ?? 0);
  if (tail === undefined ? count !== 8 : count > 7) return undefined;
  const all = tail === undefined ? head : [...head, ...Array<number>(8 - count).fill(0), ...tail];
  const bytes = Buffer.alloc(16);
  all.forEach((word, i) => bytes.writeUInt16BE(word, i * 2));
  return bytes;
}

/** 4 or 6 for an IP address in text form, 0 otherwise (like node:net's isIP). */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (parseIpv4(text)) return 4;
  return text.includes(':') && parseIpv6(text) ? 6 : 0;
}

export function ipToBytes(ip: string): Buffer {
  const v4 = parseIpv4(ip);
  if (v4) return Buffer.from(v4);
  const v6 = ip.includes(':') ? parseIpv6(ip) : undefined;
  if (!v6) throw new Error(`"${ip}" is not an IP address`);
  return v6;
}

/** Canonical text (IPv6 compressed per RFC 5952), so equal addresses compare equal. */
export function bytesToIp(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) throw new Error(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function canonicalIp(ip: string): string {
  return bytesToIp(ipToBytes(ip));
}

/** 0.0.0.0 and :: mean "every interface" when binding; no client ever dials them. */
export function isUnspecifiedIp(ip: string): boolean {
  return ipToBytes(ip).every((b) => b === 0);
}
