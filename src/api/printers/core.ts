/**
 * Printers for core/v1 kinds other than Pod, with the columns and cell formatting of
 * upstream's pkg/printers/internalversion. Cells are computed as with `-o wide`
 * (the API server always fills every column; kubectl hides priority > 0).
 */
import type { KObject, TablePrinter } from '../types.js';
import { translateTimestampSince } from './duration.js';
import { a, ageCol, col, formatLabels, n, nameCol, o, s, spec, status, type Json } from './util.js';

const age = (obj: KObject, now: Date) => translateTimestampSince(obj.metadata?.creationTimestamp, now);
const name = (obj: KObject) => obj.metadata?.name ?? '';

export const namespacePrinter: TablePrinter = {
  columns: [nameCol(), col('Status', 'string', 'The status of the namespace'), ageCol()],
  row: (obj, now) => [name(obj), s(status(obj).phase), age(obj, now)],
};

function loadBalancerIngress(st: Json): string {
  const set = new Set<string>();
  for (const ing of a(o(st.loadBalancer).ingress).map(o)) {
    if (s(ing.ip)) set.add(s(ing.ip));
    else if (s(ing.hostname)) set.add(s(ing.hostname));
  }
  return [...set].sort().join(',');
}

function serviceExternalIP(svc: KObject): string {
  const sp = spec(svc);
  const external = a(sp.externalIPs).map(s);
  switch (sp.type) {
    case 'ClusterIP':
    case 'NodePort':
    case undefined:
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(status(svc));
      if (external.length) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return s(sp.externalName);
  }
  return '<unknown>';
}

function servicePorts(ports: unknown[]): string {
  return ports
    .map(o)
    .map((p) => (n(p.nodePort) > 0 ? `${n(p.port)}:${n(p.nodePort)}/${s(p.protocol) || 'TCP'}` : `${n(p.port)}/${s(p.protocol) || 'TCP'}`))
    .join(',');
}

export const servicePrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Type', 'string', 'How the service is exposed.'),
    col('Cluster-IP', 'string', 'The cluster-internal IP address of the service.'),
    col('External-IP', 'string', 'Addresses the service is reachable at from outside the cluster.'),
    col('Port(s)', 'string', 'The ports the service exposes.'),
    ageCol(),
    col('Selector', 'string', 'The label selector choosing the pods behind the service.', 1),
  ],
  row(svc, now) {
    const sp = spec(svc);
    const clusterIP = s(a(sp.clusterIPs)[0]) || s(sp.clusterIP) || '<none>';
    return [name(svc), s(sp.type) || 'ClusterIP', clusterIP, serviceExternalIP(svc), servicePorts(a(sp.ports)) || '<none>', age(svc, now), formatLabels(sp.selector)];
  },
};

/** `formatEndpoints`: up to three `ip:port` entries, then "+ N more...". */
export function formatEndpoints(obj: KObject): string {
  const subsets = a(obj.subsets).map(o);
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = a(ss.addresses).map(o);
    const ports = a(ss.ports).map(o);
    if (ports.length === 0) {
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(s(addr.ip));
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        const ip = s(addr.ip);
        list.push(ip.includes(':') ? `[${ip}]:${n(port.port)}` : `${ip}:${n(port.port)}`);
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

export const endpointsPrinter: TablePrinter = {
  columns: [nameCol(), col('Endpoints', 'string', 'The addresses and ports backing the service.'), ageCol()],
  row: (obj, now) => [name(obj), formatEndpoints(obj), age(obj, now)],
};

export const configMapPrinter: TablePrinter = {
  columns: [nameCol(), col('Data', 'string', 'Number of data and binaryData entries.'), ageCol()],
  row: (obj, now) => [name(obj), Object.keys(o(obj.data)).length + Object.keys(o(obj.binaryData)).length, age(obj, now)],
};

export const secretPrinter: TablePrinter = {
  columns: [nameCol(), col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'), col('Data', 'string', 'Number of data entries.'), ageCol()],
  row: (obj, now) => [name(obj), s(obj.type), Object.keys(o(obj.data)).length, age(obj, now)],
};

export const serviceAccountPrinter: TablePrinter = {
  columns: [nameCol(), col('Secrets', 'string', 'Number of secrets listed for the service account.'), ageCol()],
  row: (obj, now) => [name(obj), a(obj.secrets).length, age(obj, now)],
};

function eventSource(ev: KObject): string {
  const src = o(ev.source);
  const component = s(src.component) || s(ev.reportingComponent) || s(ev.reportingController);
  const host = s(src.host) || s(ev.reportingInstance);
  return host ? `${component}, ${host}` : component;
}

export const eventPrinter: TablePrinter = {
  columns: [
    col('Last Seen', 'string', 'When the event was last observed.'),
    col('Type', 'string', 'Type of the event (Normal, Warning).'),
    col('Reason', 'string', 'Short, machine understandable reason for the event.'),
    col('Object', 'string', 'The object this event is about.'),
    col('Subobject', 'string', 'The part of the object the event is about.', 1),
    col('Source', 'string', 'The component reporting the event.', 1),
    col('Message', 'string', 'Human-readable description of the event.'),
    col('First Seen', 'string', 'When the event was first observed.', 1),
    col('Count', 'string', 'How many times the event occurred.', 1),
    col('Name', 'string', 'Name of the event object.', 1, 'name'),
  ],
  row(ev, now) {
    let first = translateTimestampSince(ev.firstTimestamp, now);
    if (!ev.firstTimestamp) first = translateTimestampSince(ev.eventTime, now);
    let last = translateTimestampSince(ev.lastTimestamp, now);
    if (!ev.lastTimestamp) last = first;
    let count = n(ev.count);
    const series = ev.series ? o(ev.series) : undefined;
    if (series) {
      last = translateTimestampSince(series.lastObservedTime, now);
      count = n(series.count);
    } else if (count === 0) count = 1;
    const involved = o(ev.involvedObject);
    const kind = s(involved.kind).toLowerCase();
    const target = s(involved.name) ? `${kind}/${s(involved.name)}` : kind;
    return [last, s(ev.type), s(ev.reason), target, s(involved.fieldPath), eventSource(ev), s(ev.message).trim(), first, count, name(ev)];
  },
};

function nodeRoles(node: KObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

function nodeAddress(node: KObject, type: string): string {
  const addr = a(status(node).addresses).map(o).find((x) => x.type === type);
  return addr ? s(addr.address) : '<none>';
}

export const nodePrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    ageCol(),
    col('Version', 'string', 'Kubelet version reported by the node.'),
    col('Internal-IP', 'string', 'The node\'s internal address.', 1),
    col('External-IP', 'string', 'The node\'s external address.', 1),
    col('OS-Image', 'string', 'OS image reported by the node.', 1),
    col('Kernel-Version', 'string', 'Kernel version reported by the node.', 1),
    col('Container-Runtime', 'string', 'Container runtime version reported by the node.', 1),
  ],
  row(node, now) {
    const st = status(node);
    const ready = a(st.conditions).map(o).find((c) => c.type === 'Ready');
    const parts: string[] = [];
    if (ready) parts.push(ready.status === 'True' ? 'Ready' : 'NotReady');
    if (parts.length === 0) parts.push('Unknown');
    if (spec(node).unschedulable === true) parts.push('SchedulingDisabled');
    const info = o(st.nodeInfo);
    return [
      name(node),
      parts.join(','),
      nodeRoles(node),
      age(node, now),
      s(info.kubeletVersion),
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      s(info.osImage) || '<unknown>',
      s(info.kernelVersion) || '<unknown>',
      s(info.containerRuntimeVersion) || '<unknown>',
    ];
  },
};

/** `GetAccessModesAsString`: fixed order RWO, ROX, RWX, RWOP. */
function accessModes(modes: unknown): string {
  const set = new Set(a(modes).map(s));
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

function storageClassOf(obj: KObject): string {
  return obj.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? s(spec(obj).storageClassName);
}

export const persistentVolumePrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Capacity', 'string', 'The storage capacity of the volume.'),
    col('Access Modes', 'string', 'The ways the volume can be mounted.'),
    col('Reclaim Policy', 'string', 'What happens to the volume when released from its claim.'),
    col('Status', 'string', 'The phase of the volume.'),
    col('Claim', 'string', 'The claim bound to the volume.'),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', 'Why the volume is in its phase.'),
    ageCol(),
    col('VolumeMode', 'string', 'Whether the volume is a filesystem or a raw block device.', 1),
  ],
  row(pv, now) {
    const sp = spec(pv);
    const claim = sp.claimRef ? `${s(o(sp.claimRef).namespace)}/${s(o(sp.claimRef).name)}` : '';
    const phase = pv.metadata?.deletionTimestamp ? 'Terminating' : s(status(pv).phase);
    return [
      name(pv),
      s(o(sp.capacity).storage) || '0',
      accessModes(sp.accessModes),
      s(sp.persistentVolumeReclaimPolicy),
      phase,
      claim,
      storageClassOf(pv),
      s(sp.volumeAttributesClassName) || '<unset>',
      s(status(pv).reason),
      age(pv, now),
      s(sp.volumeMode) || '<unset>',
    ];
  },
};

export const persistentVolumeClaimPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Status', 'string', 'The phase of the claim.'),
    col('Volume', 'string', 'The volume bound to the claim.'),
    col('Capacity', 'string', 'The capacity of the bound volume.'),
    col('Access Modes', 'string', 'The access modes of the bound volume.'),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageCol(),
    col('VolumeMode', 'string', 'Whether the volume is a filesystem or a raw block device.', 1),
  ],
  row(pvc, now) {
    const sp = spec(pvc);
    const st = status(pvc);
    const phase = pvc.metadata?.deletionTimestamp ? 'Terminating' : s(st.phase);
    const bound = s(sp.volumeName) !== '';
    return [
      name(pvc),
      phase,
      s(sp.volumeName),
      bound ? s(o(st.capacity).storage) || '0' : '',
      bound ? accessModes(st.accessModes) : '',
      storageClassOf(pvc),
      s(sp.volumeAttributesClassName) || '<unset>',
      age(pvc, now),
      s(sp.volumeMode) || '<unset>',
    ];
  },
};

export const resourceQuotaPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ageCol(),
  ],
  row(rq, now) {
    const hard = o(status(rq).hard);
    const used = o(status(rq).used);
    const request: string[] = [];
    const limit: string[] = [];
    for (const res of Object.keys(hard).sort()) {
      const entry = `${res}: ${s(used[res]) || '0'}/${s(hard[res])}`;
      (res.split('.').length > 1 && res.startsWith('limits.') ? limit : request).push(entry);
    }
    return [name(rq), request.join(', '), limit.join(', '), age(rq, now)];
  },
};

