/**
 * VolumeBinding: pods and their PersistentVolumeClaims (upstream's volumebinding plugin).
 * PreFilter refuses a pod whose claim is missing, lost or being deleted, or unbound in
 * an Immediate class (the PV controller binds those first). Filter checks, per node, that
 * every bound claim's volume may be used there (its node affinity) and that every claim
 * of a WaitForFirstConsumer class can be served there: by an Available volume that fits
 * the node, or by its class's provisioner (allowed topologies). PreBind, once a node is
 * chosen, makes it so — pre-binds the chosen volumes, annotates the claims to provision
 * with `volume.kubernetes.io/selected-node` — and waits until the PV controller has bound
 * them all; it runs in the binding, so other pods are scheduled meanwhile.
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../api/objects/index.js';
import {
  ANN_SELECTED_NODE, claimClass, findMatchingVolume, isClaimFullyBound, isDelayBinding, podClaims, requestedStorage, volumeClass, volumeFitsNode,
} from '../../api/storage/volumes.js';
import { ANN_LOCAL_PATH_ROOT, LOCAL_PATH_PROVISIONER } from '../../api/storage/local-path.js';
import type { NodeInfo } from '../cache.js';
import type { Cycle, Plugin } from '../framework.js';
import { unresolvable } from '../types.js';

const NAME = 'VolumeBinding';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
/** Upstream's ErrReasonNodeConflict, as worded since Kubernetes 1.33 (before: "node(s) had volume node affinity conflict"). */
export const ERR_NODE_CONFLICT = "node(s) didn't match PersistentVolume's node affinity";
export const ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
/** A class naming this provisioner provisions nothing (local volumes made by hand). */
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** What the plugin reads (the scheduler's informers) and, at PreBind, writes. */
export interface VolumeBindingSource {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  volumes(): PersistentVolume[];
  storageClass(name: string): StorageClass | undefined;
  /** PreBind's writes and wait (volume-binding-api.ts); absent in pure tests. */
  api?: VolumeBindingApi;
}

export interface VolumeBindingApi {
  /**
   * Carries out a node's decision — points the chosen volumes at their claims (claimRef),
   * annotates the claims to provision with the node — then resolves once the PV
   * controller has bound every claim, or rejects when that will not happen
   * (provisioning given up, pod gone, timeout). Upstream's BindPodVolumes.
   */
  bindPodVolumes(pod: Pod, decision: NodeDecision, node: string): Promise<void>;
}

/** How a node would serve the pod's unbound claims: volumes to pre-bind, claims to provision there. */
export interface NodeDecision { bindings: Array<{ pv: PersistentVolume; pvc: PersistentVolumeClaim }>; provisions: PersistentVolumeClaim[] }

interface State {
  bound: PersistentVolumeClaim[];
  /** Unbound claims of WaitForFirstConsumer classes, smallest request first. */
  toBind: PersistentVolumeClaim[];
  byNode: Map<string, NodeDecision>;
}

export function volumeBinding(source: VolumeBindingSource): Plugin {
  return {
    name: NAME,
    preFilter(cycle) {
      const pod = cycle.pod.pod;
      const claims = podClaims(pod);
      if (!claims.length) return 'skip';
      const state: State = { bound: [], toBind: [], byNode: new Map() };
      const namespace = pod.metadata.namespace ?? 'default';
      for (const c of claims) {
        const pvc = source.claim(namespace, c.name);
        const refused = claimProblem(pod, c, pvc);
        if (refused) return unresolvable(NAME, refused);
        if (isClaimFullyBound(pvc!)) state.bound.push(pvc!);
        // A claim naming its volume binds without the scheduler (as Immediate ones do).
        else if (!pvc!.spec?.volumeName && isDelayBinding(pvc!, source.storageClass)) state.toBind.push(pvc!);
        else return unresolvable(NAME, ERR_UNBOUND_IMMEDIATE);
      }
      state.toBind.sort((a, b) => (requestedStorage(a) < requestedStorage(b) ? -1 : requestedStorage(a) > requestedStorage(b) ? 1 : 0));
      cycle.state.set(NAME, state);
      return undefined;
    },
    filter(cycle, node) {
      const state = cycle.state.get(NAME) as State;
      const { reasons, decision } = decide(source, state, node);
      if (reasons.length) return unresolvable(NAME, ...reasons);
      state.byNode.set(node.name, decision);
      return undefined;
    },
    async preBind(cycle, node) {
      const state = cycle.state.get(NAME) as State | undefined;
      if (!state?.toBind.length || !source.api) return;
      const decision = state.byNode.get(node);
      if (!decision) throw new Error(`no pod volumes found for node "${node}"`);
      await source.api.bindPodVolumes(cycle.pod.pod, decision, node);
    },
  };
}

/** Why a pod cannot use this claim at all (upstream's podHasPVCs), or undefined. */
function claimProblem(pod: Pod, c: { name: string; ephemeral: boolean }, pvc: PersistentVolumeClaim | undefined): string | undefined {
  if (!pvc) return c.ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${c.name}"` : `persistentvolumeclaim "${c.name}" not found`;
  if (pvc.status?.phase === 'Lost') return `persistentvolumeclaim "${c.name}" bound to non-existent persistentvolume "${pvc.spec?.volumeName ?? ''}"`;
  if (pvc.metadata.deletionTimestamp) return `persistentvolumeclaim "${c.name}" is being deleted`;
  if (c.ephemeral && !pvc.metadata.ownerReferences?.some((o) => o.controller && o.uid === pod.metadata.uid)) {
    return `PVC ${pvc.metadata.namespace}/${c.name} was not created for pod ${pod.metadata.namespace}/${pod.metadata.name} (pod is not owner)`;
  }
  return undefined;
}

/** Upstream's FindPodVolumes for one node: the reasons it does not fit, or how its claims would be served there. */
function decide(source: VolumeBindingSource, state: State, node: NodeInfo): { reasons: string[]; decision: NodeDecision } {
  const decision: NodeDecision = { bindings: [], provisions: [] };
  let boundSatisfied = true;
  let boundFound = true;
  let unboundSatisfied = true;
  for (const pvc of state.bound) {
    const pv = source.volume(pvc.spec!.volumeName!);
    if (!pv) { boundFound = false; break; }
    if (!volumeFitsNode(pv, node.labels, node.name)) { boundSatisfied = false; break; }
  }
  const toMatch: PersistentVolumeClaim[] = [];
  for (const pvc of state.toBind) {
    const selected = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
    // Already being provisioned for a node: only that node will do.
    if (selected !== undefined && selected !== node.name) { unboundSatisfied = false; break; }
    if (selected !== undefined) decision.provisions.push(pvc);
    else toMatch.push(pvc);
  }
  if (unboundSatisfied && toMatch.length) {
    const chosen = new Set<string>();
    const target = { name: node.name, labels: node.labels };
    for (const pvc of toMatch) {
      const candidates = source.volumes().filter((pv) => volumeClass(pv) === claimClass(pvc));
      const pv = findMatchingVolume(pvc, candidates, { node: target, excluded: chosen, delayBinding: true });
      if (pv) {
        chosen.add(pv.metadata.name!);
        decision.bindings.push({ pv, pvc });
      } else if (canProvision(source, pvc, node)) {
        decision.provisions.push(pvc);
      } else {
        unboundSatisfied = false;
      }
    }
  }
  const reasons: string[] = [];
  if (!boundSatisfied) reasons.push(ERR_NODE_CONFLICT);
  if (!unboundSatisfied) reasons.push(ERR_BIND_CONFLICT);
  if (!boundFound) reasons.push(ERR_PV_NOT_EXIST);
  return { reasons, decision };
}

/** Upstream's checkVolumeProvisions: a provisioner, and a node inside the class's allowed topologies. */
function canProvision(source: VolumeBindingSource, pvc: PersistentVolumeClaim, node: NodeInfo): boolean {
  const sc = source.storageClass(claimClass(pvc));
  if (!sc?.provisioner || sc.provisioner === NO_PROVISIONER) return false;
  // Skiff's own: local-path volumes live where an agent keeps them; a node that does not say where (a simulated one) has none.
  if (sc.provisioner === LOCAL_PATH_PROVISIONER && !node.node?.metadata.annotations?.[ANN_LOCAL_PATH_ROOT]) return false;
  const terms = sc.allowedTopologies ?? [];
  if (!terms.length) return true;
  // A term without expressions selects nothing, as upstream's TopologySelectorRequirementsAsSelector.
  return terms.some((t) => Boolean(t.matchLabelExpressions?.length) && t.matchLabelExpressions!.every((e) => e.key in node.labels && e.values.includes(node.labels[e.key]!)));
}

/** For tests: the plugin's verdict state for one node (the decision PreBind will carry out). */
export function nodeDecision(cycle: Cycle, node: string): NodeDecision | undefined {
  return (cycle.state.get(NAME) as State | undefined)?.byNode.get(node);
}
