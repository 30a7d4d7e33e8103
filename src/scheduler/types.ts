/**
 * The scheduler's vocabulary: a plugin's verdict on one node (`Status`, upstream's
 * framework.Status codes), and the facts about a pod computed once per pod and reused
 * for every node it is checked against (`PodInfo`, upstream's framework.PodInfo).
 */
import type { Pod } from '../api/objects/index.js';
import { podRequests, type PodRequests } from './resources.js';

/**
 * `Unschedulable`: preemption may help; `UnschedulableAndUnresolvable`: it cannot
 * (upstream skips such nodes when looking for victims).
 */
export type StatusCode = 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface Status {
  code: StatusCode;
  /** Upstream's failure reasons, counted per node in the FitError message. */
  reasons: string[];
  plugin: string;
}

export function unschedulable(plugin: string, ...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons, plugin };
}

export function unresolvable(plugin: string, ...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons, plugin };
}

export interface HostPort { ip: string; protocol: string; port: number }

/** A pod with what the plugins need precomputed: requests, host ports, priority. */
export interface PodInfo {
  /** `namespace/name`. */
  key: string;
  pod: Pod;
  requests: PodRequests;
  hostPorts: HostPort[];
  priority: number;
  hasAffinity: boolean;
  hasRequiredAntiAffinity: boolean;
}

export const DEFAULT_SCHEDULER = 'default-scheduler';

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}

export function newPodInfo(pod: Pod): PodInfo {
  const affinity = pod.spec?.affinity;
  return {
    key: podKey(pod),
    pod,
    requests: podRequests(pod),
    hostPorts: hostPortsOf(pod),
    priority: pod.spec?.priority ?? 0,
    hasAffinity: Boolean(affinity?.podAffinity || affinity?.podAntiAffinity),
    hasRequiredAntiAffinity: Boolean(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length),
  };
}

/** Host ports the pod's containers claim (upstream's GetContainerPorts, only those with a hostPort). */
function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const spec = pod.spec;
  if (!spec) return out;
  for (const list of [spec.containers, spec.initContainers]) {
    for (const c of list ?? []) {
      for (const p of c.ports ?? []) {
        if (!p.hostPort || p.hostPort <= 0) continue;
        out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
      }
    }
  }
  return out;
}

/** Finished pods hold nothing on their node (upstream's scheduler never sees them). */
export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
