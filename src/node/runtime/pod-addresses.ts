/**
 * Pod addresses from the node's pod subnet, as CNI's host-local IPAM gives them: the
 * network address, the first one (the gateway, by convention) and the broadcast address
 * are never handed out; addresses go round-robin, so a freed one is not reused at once
 * (a stale client of the old pod must not reach the new one). The kubelet passes the
 * subnet down with CRI's UpdateRuntimeConfig; before it has, pods get no address of their
 * own (the agent then reports the node's).
 */
import { cidrContains, cidrSize, formatIPv4, parseCidr, parseIPv4, type Cidr } from '../../util/cidr.js';

export class PodAddresses {
  private range: Cidr | undefined;
  private readonly bySandbox = new Map<string, number>();
  private readonly taken = new Set<number>();
  private next = 0;

  /** Sets the subnet; an invalid one is refused. Addresses given out before stay with their pods. */
  setRange(podCIDR: string | undefined): void {
    if (!podCIDR) return;
    const range = parseCidr(podCIDR);
    if (!range || range.prefix > 30) throw new Error(`invalid pod CIDR ${JSON.stringify(podCIDR)}: an IPv4 subnet of at least 4 addresses is needed`);
    if (this.range && this.range.base === range.base && this.range.prefix === range.prefix) return;
    this.range = range;
    this.next = range.base + 2;
  }

  get subnet(): string | undefined {
    return this.range ? `${formatIPv4(this.range.base)}/${this.range.prefix}` : undefined;
  }

  /** An address for the sandbox, or undefined without a subnet; throws when the subnet is full. */
  allocate(sandboxId: string): string | undefined {
    const r = this.range;
    if (!r) return undefined;
    const first = r.base + 2;
    const last = r.base + cidrSize(r) - 2;
    const count = last - first + 1;
    for (let k = 0; k < count; k++) {
      const ip = first + ((this.next - first + k) % count + count) % count;
      if (this.taken.has(ip)) continue;
      this.taken.add(ip);
      this.bySandbox.set(sandboxId, ip);
      this.next = ip + 1 > last ? first : ip + 1;
      return formatIPv4(ip);
    }
    throw new Error(`no address left in the pod subnet ${this.subnet} (${count} addresses, all in use)`);
  }

  /** Records an address a sandbox already has (a runtime re-reading its pods). */
  adopt(sandboxId: string, ip: string): void {
    const n = parseIPv4(ip);
    if (n === undefined) return;
    this.taken.add(n);
    this.bySandbox.set(sandboxId, n);
  }

  release(sandboxId: string): void {
    const ip = this.bySandbox.get(sandboxId);
    if (ip === undefined) return;
    this.bySandbox.delete(sandboxId);
    this.taken.delete(ip);
  }

  /** Whether `ip` is in the current subnet (for tests and checks). */
  contains(ip: string): boolean {
    const n = parseIPv4(ip);
    return !!this.range && n !== undefined && cidrContains(this.range, n);
  }
}
