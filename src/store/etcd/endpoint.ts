/**
 * Parses `--datastore-endpoint etcd://host:port[,host:port][/prefix]`.
 *
 * `http://host:port[,…]` is accepted as a synonym (etcd's own client URL spelling).
 * Only plain-text gRPC (etcd's http:// client URLs) is supported for now: there is no
 * way yet to pass client certificates, so `etcds://`/`https://` are rejected rather than
 * silently connecting without TLS.
 */

export interface EtcdEndpoint {
  /** `host:port` of each member, in the order given. */
  endpoints: string[];
  /** Key namespace taken from the URL path (`etcd://h:2379/skiff-a` → `/skiff-a/`), if any. */
  prefix?: string;
}

export const DEFAULT_ETCD_PORT = 2379;

export function parseEtcdEndpoint(url: string): EtcdEndpoint {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/i.exec(url.trim());
  if (!match) throw new Error(`invalid etcd datastore endpoint ${JSON.stringify(url)}: expected etcd://host:port[,host:port]`);
  const [, scheme, hosts, path] = match as unknown as [string, string, string, string | undefined];
  const lower = scheme.toLowerCase();
  if (lower === 'etcds' || lower === 'https') {
    throw new Error(`etcd endpoint ${JSON.stringify(url)}: TLS to etcd is not supported yet; use etcd:// (plain http)`);
  }
  if (lower !== 'etcd' && lower !== 'http') {
    throw new Error(`etcd endpoint ${JSON.stringify(url)}: unsupported scheme ${JSON.stringify(scheme)}; use etcd://host:port`);
  }
  const endpoints = hosts.split(',').map((h) => h.trim()).filter((h) => h !== '').map((h) => normalizeHost(h, url));
  if (endpoints.length === 0) throw new Error(`etcd endpoint ${JSON.stringify(url)} names no host`);
  const result: EtcdEndpoint = { endpoints };
  const trimmed = path?.replace(/^\/+|\/+$/g, '');
  if (trimmed) result.prefix = `/${trimmed}/`;
  return result;
}

function normalizeHost(hostPort: string, url: string): string {
  if (/[@?#\s]/.test(hostPort)) throw new Error(`etcd endpoint ${JSON.stringify(url)}: invalid host ${JSON.stringify(hostPort)}`);
  // [v6]:port, [v6], host:port, host
  const v6 = /^\[([0-9a-f:.]+)\](?::(\d+))?$/i.exec(hostPort);
  if (v6) return `[${v6[1]}]:${checkPort(v6[2], url)}`;
  const parts = hostPort.split(':');
  if (parts.length > 2) throw new Error(`etcd endpoint ${JSON.stringify(url)}: IPv6 addresses must be written [addr]:port`);
  const [host, port] = parts as [string, string | undefined];
  if (host === '') throw new Error(`etcd endpoint ${JSON.stringify(url)}: empty host in ${JSON.stringify(hostPort)}`);
  return `${host}:${checkPort(port, url)}`;
}

function checkPort(port: string | undefined, url: string): number {
  if (port === undefined || port === '') return DEFAULT_ETCD_PORT;
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) throw new Error(`etcd endpoint ${JSON.stringify(url)}: invalid port ${JSON.stringify(port)}`);
  return n;
}
