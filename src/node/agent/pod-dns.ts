/**
 * A pod's DNS configuration, as the kubelet computes it for the sandbox
 * (pkg/kubelet/network/dns): with dnsPolicy ClusterFirst (the default) the cluster DNS as
 * nameserver, searches `<ns>.svc.<domain> svc.<domain> <domain>` then the host's, and
 * `options ndots:5`; a hostNetwork pod uses the host's file instead, unless
 * ClusterFirstWithHostNet; ClusterFirst without a cluster DNS falls back to the host's.
 * Default: the host's. None: only what `dnsConfig` says. `dnsConfig` is then merged in
 * (nameservers and searches appended without duplicates, options by name). Undefined:
 * the pod sees the host's resolv.conf as it is.
 */
import type { Pod } from '../../api/objects/index.js';
import type { DnsConfig } from '../runtime/types.js';

export interface DnsSettings {
  /** The cluster DNS server addresses (kubelet's --cluster-dns); empty: ClusterFirst falls back to the host's. */
  clusterDNS: string[];
  /** kubelet's --cluster-domain. */
  clusterDomain: string;
}

/** Upstream's limits (validation.MaxDNSNameservers, MaxDNSSearchPaths). */
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;

export function parseResolvConf(text: string): DnsConfig {
  const out: DnsConfig = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const [key, ...rest] = raw.replace(/[#;].*$/, '').trim().split(/\s+/).filter(Boolean);
    if (key === 'nameserver' && rest[0]) out.servers.push(rest[0]);
    else if (key === 'search' || key === 'domain') out.searches = rest;
    else if (key === 'options') out.options.push(...rest);
  }
  return out;
}

export function podDnsConfig(pod: Pod, settings: DnsSettings | undefined, hostText: string): DnsConfig | undefined {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  const host = parseResolvConf(hostText);
  const extra = pod.spec.dnsConfig;
  let conf: DnsConfig;
  if (policy === 'None') {
    conf = { servers: [], searches: [], options: [] };
  } else if (settings?.clusterDNS.length && ((policy === 'ClusterFirst' && !pod.spec.hostNetwork) || policy === 'ClusterFirstWithHostNet')) {
    const ns = pod.metadata.namespace ?? 'default';
    const d = settings.clusterDomain;
    conf = { servers: [...settings.clusterDNS], searches: [`${ns}.svc.${d}`, `svc.${d}`, d, ...host.searches], options: ['ndots:5'] };
  } else {
    if (!extra) return undefined;
    conf = host;
  }
  if (extra) {
    const add = (list: string[], more: string[] | undefined) => [...new Set([...list, ...(more ?? [])])];
    const options = new Map<string, string>();
    for (const o of conf.options) options.set(o.split(':')[0]!, o);
    for (const o of extra.options ?? []) if (o.name) options.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
    conf = { servers: add(conf.servers, extra.nameservers), searches: add(conf.searches, extra.searches), options: [...options.values()] };
  }
  return { servers: conf.servers.slice(0, MAX_NAMESERVERS), searches: conf.searches.slice(0, MAX_SEARCHES), options: conf.options };
}
