/**
 * The Kubernetes service environment variables (kubelet_pods.go getServiceEnvVarMap and
 * envvars.FromServices): for every service of the pod's namespace that has a cluster IP
 * — unless the pod sets `enableServiceLinks: false` — and always for the `kubernetes`
 * service in `default`: `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT`,
 * `<NAME>_SERVICE_PORT_<PORT NAME>`, and the Docker-link style `<NAME>_PORT…` variables.
 */
import type { Pod } from '../../api/objects/index.js';
import type { KObject } from '../../api/types.js';

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
}

const envName = (name: string) => name.toUpperCase().replace(/-/g, '_');

/** The variables one service contributes, in upstream's order. */
export function serviceVariables(service: KObject): Array<[string, string]> {
  const spec = (service.spec ?? {}) as { clusterIP?: string; ports?: ServicePort[] };
  const ip = spec.clusterIP;
  const ports = spec.ports ?? [];
  const name = envName(service.metadata?.name ?? '');
  if (!ip || ip === 'None' || !ports.length) return [];
  const out: Array<[string, string]> = [[`${name}_SERVICE_HOST`, ip], [`${name}_SERVICE_PORT`, String(ports[0]!.port)]];
  for (const p of ports) if (p.name) out.push([`${name}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  const url = (p: ServicePort) => `${(p.protocol ?? 'TCP').toLowerCase()}://${ip.includes(':') ? `[${ip}]` : ip}:${p.port}`;
  out.push([`${name}_PORT`, url(ports[0]!)]);
  for (const p of ports) {
    const protocol = p.protocol ?? 'TCP';
    const prefix = `${name}_PORT_${p.port}_${protocol.toUpperCase()}`;
    out.push([prefix, url(p)], [`${prefix}_PROTO`, protocol.toLowerCase()], [`${prefix}_PORT`, String(p.port)], [`${prefix}_ADDR`, ip]);
  }
  return out;
}

/** The pod's service variables, given the services of its namespace and of `default`. */
export function serviceEnv(pod: Pod, services: KObject[]): Map<string, string> {
  const namespace = pod.metadata.namespace ?? 'default';
  const links = pod.spec.enableServiceLinks !== false;
  const chosen = new Map<string, KObject>();
  for (const s of services) {
    const type = (s.spec as { type?: string } | undefined)?.type;
    if (type === 'ExternalName') continue;
    const name = s.metadata?.name ?? '';
    const master = s.metadata?.namespace === 'default' && name === 'kubernetes';
    if (master || (links && s.metadata?.namespace === namespace)) {
      // A service of the pod's own namespace wins over `default`'s of the same name.
      if (!chosen.has(name) || s.metadata?.namespace === namespace) chosen.set(name, s);
    }
  }
  return new Map([...chosen.values()].flatMap(serviceVariables));
}
