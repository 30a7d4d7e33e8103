/**
 * Shared by the StatefulSet controller's tests: a test bed running only this controller,
 * typed caches, a set builder, and a stand-in kubelet that reports pods Running and Ready
 * (all, or those a test lets through).
 */
import type { ControllerRevision, Event, PersistentVolumeClaim, Pod, StatefulSet } from '../../api/objects/index.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { startControllerTestBed, waitFor, type ControllerTestBed } from '../../testing/controllers.js';
import { autoReadyPods, reportPod } from '../../testing/pods.js';

export interface StsBed extends ControllerTestBed {
  sets: Informer<StatefulSet>;
  pods: Informer<Pod>;
  claims: Informer<PersistentVolumeClaim>;
  revisions: Informer<ControllerRevision>;
  events: Informer<Event>;
  /** Reports a pod Running and Ready now (at the fake clock's time). */
  ready(name: string, namespace?: string): Promise<Pod>;
  /** From now on, reports every new pod whose name `filter` accepts Running and Ready; returns a stop function. */
  autoReady(filter?: (pod: Pod) => boolean): () => void;
  /** The set's status once `predicate` holds for it. */
  setWhen(name: string, predicate: (set: StatefulSet) => boolean, what: string, namespace?: string): Promise<StatefulSet>;
}

export async function startStsBed(name: string): Promise<StsBed> {
  const bed = await startControllerTestBed(name, ['statefulset']);
  const events = bed.ctx.informers.for<Event>(resources.events);
  await events.waitForSync();
  const sts: StsBed = {
    ...bed,
    sets: bed.ctx.informers.for<StatefulSet>(resources.statefulsets),
    pods: bed.ctx.informers.for<Pod>(resources.pods),
    claims: bed.ctx.informers.for<PersistentVolumeClaim>(resources.persistentvolumeclaims),
    revisions: bed.ctx.informers.for<ControllerRevision>(resources.controllerrevisions),
    events,
    async ready(podName, namespace = 'default') {
      const pod = await waitFor(sts.pods, (p) => p.metadata.name === podName && p.metadata.namespace === namespace && !p.metadata.deletionTimestamp, `pod ${podName}`);
      return reportPod(bed.env.client, pod, 'Running', bed.clock.now());
    },
    autoReady: (filter) => autoReadyPods(bed.env.client, sts.pods, bed.clock, filter),
    setWhen(setName, predicate, what, namespace = 'default') {
      return waitFor(sts.sets, (s) => s.metadata.name === setName && s.metadata.namespace === namespace && predicate(s), `statefulset ${setName}: ${what}`);
    },
  };
  return sts;
}

export function statefulSet(name: string, spec: Partial<StatefulSet['spec']> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 3, serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
      ...spec,
    },
  };
}

/** Names of the set's live pods, in ordinal order. */
export function podNames(bed: StsBed, set: string): string[] {
  return bed.pods.list('default')
    .filter((p) => p.metadata.name!.startsWith(`${set}-`) && !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name!)
    .sort((a, b) => Number(a.slice(a.lastIndexOf('-') + 1)) - Number(b.slice(b.lastIndexOf('-') + 1)));
}
