/**
 * Test bed for the Deployment controller: the ReplicaSet and Deployment controllers on a
 * fake clock, informers to watch, and a stand-in kubelet that reports each new pod as the
 * test says (Running and Ready by default, or NotReady, or not at all).
 */
import type { Deployment, Event, Pod, ReplicaSet } from '../../api/objects/index.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { startControllerTestBed, waitFor, type ControllerTestBed } from '../../testing/controllers.js';
import { reportPod } from '../../testing/pods.js';

export type PodOutcome = 'Running' | 'NotReady' | 'none';

export interface DeployBed extends ControllerTestBed {
  deployments: Informer<Deployment>;
  replicaSets: Informer<ReplicaSet>;
  pods: Informer<Pod>;
  events: Informer<Event>;
  /** What the kubelet reports for a new pod; default Running. */
  kubelet: { outcome(pod: Pod): PodOutcome };
  /** Informers whose changes re-check a waitUntil condition. */
  all: Informer[];
}

export async function startDeployBed(name: string): Promise<DeployBed> {
  const bed = await startControllerTestBed(name, ['replicaset', 'deployment']);
  const deployments = bed.ctx.informers.for<Deployment>(resources.deployments);
  const replicaSets = bed.ctx.informers.for<ReplicaSet>(resources.replicasets);
  const pods = bed.ctx.informers.for<Pod>(resources.pods);
  const events = bed.ctx.informers.for<Event>(resources.events);
  await events.waitForSync();
  const kubelet = { outcome: (_pod: Pod): PodOutcome => 'Running' };
  pods.addHandler({
    add: (pod) => {
      const outcome = kubelet.outcome(pod);
      if (outcome === 'none' || pod.status?.phase === 'Running') return;
      // A pod deleted or changed meanwhile is simply not reported: the test's concern is the controllers.
      reportPod(bed.env.client, pod, outcome, bed.clock.now()).catch(() => undefined);
    },
  });
  return { ...bed, deployments, replicaSets, pods, events, kubelet, all: [deployments, replicaSets, pods, events] as unknown as Informer[] };
}

export function deployment(name: string, replicas: number, spec: Partial<Deployment['spec']> = {}, image = 'nginx:1'): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      ...spec,
    },
  };
}

/** The Deployment's ReplicaSets (those it controls), oldest first. */
export function replicaSetsOf(bed: DeployBed, d: Deployment): ReplicaSet[] {
  return bed.replicaSets.list('default')
    .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid && r.controller))
    .sort((a, b) => Number(a.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) - Number(b.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0));
}

/** Pods of the app that are not being deleted. */
export function livePods(bed: DeployBed, app: string): Pod[] {
  return bed.pods.list('default').filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp);
}

/** A rollout is done as `kubectl rollout status` sees it. */
export function rolledOut(d: Deployment): boolean {
  const s = d.status ?? {};
  const want = d.spec.replicas ?? 1;
  return (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want;
}

export function deploymentWhen(bed: DeployBed, name: string, test: (d: Deployment) => boolean, what: string): Promise<Deployment> {
  return waitFor(bed.deployments, (d) => d.metadata.name === name && test(d), `${name}: ${what}`);
}

export function eventMessages(bed: DeployBed, name: string): string[] {
  return bed.events.list('default').filter((e) => e.involvedObject.name === name).map((e) => `${e.reason}: ${e.message}`);
}

export function condition(d: Deployment, type: string) {
  return d.status?.conditions?.find((c) => c.type === type);
}
