/** Pods and nodes for the scheduler's tests, as plain objects (no server needed). */
import type { Container, Node, Pod, PodSpec, Taint } from '../../api/objects/index.js';
import { NodeInfo } from '../cache.js';
import { newPodInfo, type PodInfo } from '../types.js';

export interface TestPodOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  priority?: number;
  spec?: Partial<PodSpec>;
  containers?: Container[];
  nodeName?: string;
  uid?: string;
  creationTimestamp?: string;
}

export function testPod(name: string, o: TestPodOptions = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', uid: o.uid ?? `uid-${name}`, labels: o.labels, creationTimestamp: o.creationTimestamp },
    spec: {
      containers: o.containers ?? [{ name: 'c', image: 'busybox', resources: { requests } }],
      schedulerName: 'default-scheduler',
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...o.spec,
    },
    status: { phase: 'Pending' },
  };
}

export interface TestNodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

export function testNode(name: string, o: TestNodeOptions = {}): Node {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...o.extra };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: allocatable, allocatable },
  };
}

/** A node info holding `pods`. */
export function nodeInfo(node: Node, pods: Pod[] = []): NodeInfo {
  const info = new NodeInfo(node.metadata.name!);
  info.setNode(node);
  for (const p of pods) info.addPod(newPodInfo(p));
  return info;
}

export function info(pod: Pod): PodInfo {
  return newPodInfo(pod);
}
