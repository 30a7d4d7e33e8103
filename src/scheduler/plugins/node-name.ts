/** NodeName: a pod asking for a node by `spec.nodeName` fits only there (the scheduler sees such pods only before binding). */
import type { Plugin } from '../framework.js';
import { unresolvable } from '../types.js';

export const ERR_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeName: Plugin = {
  name: 'NodeName',
  preFilter: (cycle) => (cycle.pod.pod.spec?.nodeName ? undefined : 'skip'),
  filter(cycle, node) {
    const wanted = cycle.pod.pod.spec?.nodeName;
    return !wanted || wanted === node.name ? undefined : unresolvable('NodeName', ERR_NODE_NAME);
  },
};
