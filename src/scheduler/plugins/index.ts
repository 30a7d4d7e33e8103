/**
 * The default profile's plugins, in upstream's filter order (the first failing filter
 * is the node's reason, so the order shows in messages), with their score weights.
 */
import type { Plugin } from '../framework.js';
import { balancedAllocation } from './balanced-allocation.js';
import { nodeAffinity } from './node-affinity.js';
import { nodeName } from './node-name.js';
import { nodePorts } from './node-ports.js';
import { nodeResourcesFit } from './node-resources-fit.js';
import { nodeUnschedulable } from './node-unschedulable.js';
import { interPodAffinity } from './inter-pod-affinity.js';
import { podTopologySpread } from './pod-topology-spread.js';
import { taintToleration } from './taint-toleration.js';
import { volumeBinding, type VolumeBindingSource } from './volume-binding.js';

/** With `volumes` (the scheduler's claims, volumes and classes), VolumeBinding takes its place after NodeResourcesFit. */
export function defaultPlugins(volumes?: VolumeBindingSource): Plugin[] {
  return [
    nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodePorts, nodeResourcesFit,
    ...(volumes ? [volumeBinding(volumes)] : []),
    podTopologySpread, interPodAffinity, balancedAllocation,
  ];
}
