/**
 * NodePorts: a host port (ip, protocol, port) can be used by one pod per node; 0.0.0.0
 * conflicts with every address (upstream's HostPortInfo.CheckConflict).
 */
import type { NodeInfo } from '../cache.js';
import type { Plugin } from '../framework.js';
import { unschedulable, type HostPort } from '../types.js';

export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
const ANY_IP = '0.0.0.0';

export function portConflict(node: NodeInfo, want: HostPort): boolean {
  if (want.ip === ANY_IP) {
    const suffix = `/${want.protocol}/${want.port}`;
    for (const used of node.usedPorts.keys()) if (used.endsWith(suffix)) return true;
    return false;
  }
  return node.usedPorts.has(`${ANY_IP}/${want.protocol}/${want.port}`) || node.usedPorts.has(`${want.ip}/${want.protocol}/${want.port}`);
}

export const nodePorts: Plugin = {
  name: 'NodePorts',
  preFilter: (cycle) => (cycle.pod.hostPorts.length ? undefined : 'skip'),
  filter(cycle, node) {
    if (!node.usedPorts.size) return undefined;
    for (const p of cycle.pod.hostPorts) if (portConflict(node, p)) return unschedulable('NodePorts', ERR_NODE_PORTS);
    return undefined;
  },
};
