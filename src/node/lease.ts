/**
 * Node heartbeats through Leases in `kube-node-lease` (the kubelet's NodeLease): one
 * Lease per node, named after it, renewed every quarter of its duration. Shared by the
 * node agent and simulated nodes.
 */
import { microTime } from '../api/time.js';
import type { KObject } from '../api/types.js';
import type { ResourceClient } from '../client/client.js';
import { isAlreadyExists, isConflict, isNotFound } from '../client/errors.js';

function leaseSpec(name: string, seconds: number, now: Date): Record<string, unknown> {
  return { holderIdentity: name, leaseDurationSeconds: seconds, renewTime: microTime(now) };
}

export async function ensureLease(leases: ResourceClient, name: string, seconds: number, now: Date): Promise<KObject> {
  try {
    return await leases.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: leaseSpec(name, seconds, now) });
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    return renewLease(leases, undefined, name, seconds, now);
  }
}

/** An update at the last known resourceVersion; on a conflict (or nothing known) read it again once. */
export async function renewLease(leases: ResourceClient, last: KObject | undefined, name: string, seconds: number, now: Date): Promise<KObject> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const current = last ?? (await leases.get(name, 'kube-node-lease'));
      return await leases.update({ ...current, spec: { ...(current.spec as object), ...leaseSpec(name, seconds, now) } });
    } catch (err) {
      if (isNotFound(err)) return ensureLease(leases, name, seconds, now);
      if (!isConflict(err) || attempt === 1) throw err;
      last = undefined;
    }
  }
  throw new Error('unreachable');
}
