/**
 * Shared by the DaemonSet controller's tests: a test bed running only this controller,
 * typed caches, Node and DaemonSet builders, and a stand-in kubelet for daemon pods.
 */
import type { ControllerRevision, DaemonSet, Event, Node, Pod, Taint } from '../../api/objects/index.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { startControllerTestBed, waitFor, type ControllerTestBed } from '../../testing/controllers.js';
import { autoReadyPods } from '../../testing/pods.js';
import { targetNode } from './pods.js';

export interface DsBed extends ControllerTestBed {
  daemonSets: Informer<DaemonSet>;
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  revisions: Informer<ControllerRevision>;
  events: Informer<Event>;
  addNode(name: string, labels?: Record<string, string>, taints?: Taint[]): Promise<Node>;
  /** From now on, reports every new pending pod `filter` accepts Running and Ready; returns a stop function. */
  autoReady(filter?: (pod: Pod) => boolean): () => void;
  dsWhen(name: string, predicate: (ds: DaemonSet) => boolean, what: string): Promise<DaemonSet>;
  /** Live pods of a daemon set by target node (sorted by node). */
  placement(ds: string): Array<[string, string]>;
}

export async function startDsBed(name: string, options: { scheduler?: boolean } = {}): Promise<DsBed> {
  const bed = await startControllerTestBed(name, ['daemonset'], options);
  const events = bed.ctx.informers.for<Event>(resources.events);
  await events.waitForSync();
  const ds: DsBed = {
    ...bed,
    daemonSets: bed.ctx.informers.for<DaemonSet>(resources.daemonsets),
    pods: bed.ctx.informers.for<Pod>(resources.pods),
    nodes: bed.ctx.informers.for<Node>(resources.nodes),
    revisions: bed.ctx.informers.for<ControllerRevision>(resources.controllerrevisions),
    events,
    async addNode(nodeName, labels = {}, taints) {
      const created = await bed.env.client.resource<Node>(resources.nodes).create({
        apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName, ...labels } }, spec: taints ? { taints } : {},
      });
      await waitFor(ds.nodes, (n) => n.metadata.uid === created.metadata.uid, `node ${nodeName} in the cache`);
      return created;
    },
    autoReady: (filter) => autoReadyPods(bed.env.client, ds.pods, bed.clock, filter),
    dsWhen(dsName, predicate, what) {
      return waitFor(ds.daemonSets, (d) => d.metadata.name === dsName && predicate(d), `daemonset ${dsName}: ${what}`);
    },
    placement(dsName) {
      return ds.pods.list('default')
        .filter((p) => p.metadata.ownerReferences?.[0]?.name === dsName && !p.metadata.deletionTimestamp)
        .map((p): [string, string] => [targetNode(p) ?? '?', p.metadata.name!])
        .sort((a, b) => a[0].localeCompare(b[0]));
    },
  };
  return ds;
}

export function daemonSet(name: string, spec: Partial<DaemonSet['spec']> = {}, podSpec: Partial<Pod['spec']> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'agent:1' }], ...podSpec } },
      ...spec,
    },
  };
}

export const nodesOf = (placement: Array<[string, string]>): string[] => placement.map(([node]) => node);
