/**
 * What plugins may read besides the pod and the node infos: the cache (every node and
 * its pods), namespace labels (namespaceSelector in pod affinity), and the selectors of
 * the Services and controllers owning a pod (the default topology spreading). Tests
 * build one by hand; the scheduler builds it from shared informers.
 */
import type { Pod } from '../api/objects/index.js';
import type { LabelSelector } from '../apiserver/selectors/labels.js';
import type { SchedulerCache } from './cache.js';

export interface ClusterView {
  cache: SchedulerCache;
  namespaceLabels(name: string): Record<string, string> | undefined;
  /**
   * Upstream's DefaultSelector: the union of the selectors of the Services,
   * ReplicationControllers, ReplicaSets and StatefulSets selecting the pod; undefined when none does.
   */
  defaultSelector(pod: Pod): LabelSelector | undefined;
}

export function simpleClusterView(cache: SchedulerCache, namespaces: Record<string, Record<string, string>> = {}, defaultSelector: (pod: Pod) => LabelSelector | undefined = () => undefined): ClusterView {
  return { cache, namespaceLabels: (name) => namespaces[name] ?? {}, defaultSelector };
}
