/** NodeUnschedulable: a cordoned node takes only pods tolerating `node.kubernetes.io/unschedulable:NoSchedule`. */
import type { Plugin } from '../framework.js';
import { unresolvable } from '../types.js';
import { tolerated } from '../../api/scheduling/matching.js';

export const ERR_NODE_UNSCHEDULABLE = 'node(s) were unschedulable';
const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as const };

export const nodeUnschedulable: Plugin = {
  name: 'NodeUnschedulable',
  filter(cycle, node) {
    if (!node.unschedulable) return undefined;
    if (tolerated(cycle.pod.pod.spec?.tolerations, UNSCHEDULABLE_TAINT)) return undefined;
    return unresolvable('NodeUnschedulable', ERR_NODE_UNSCHEDULABLE);
  },
};
