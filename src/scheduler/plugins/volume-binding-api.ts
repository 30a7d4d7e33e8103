/**
 * VolumeBinding's side on the cluster: what it reads (the scheduler's informers) and,
 * at PreBind, its writes and its wait (upstream's bindAPIUpdate and checkBindings,
 * driven by watch events rather than a one-second poll). The wait ends with the
 * binding, with an error when it cannot happen, at the bind timeout (upstream's
 * `bindTimeoutSeconds`, 600 s) or when the scheduler stops.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../api/objects/index.js';
import { ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, isClaimFullyBound, volumeFitsNode } from '../../api/storage/volumes.js';
import type { KObject } from '../../api/types.js';
import type { Client } from '../../client/client.js';
import type { Clock } from '../../client/clock.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import type { NodeDecision, VolumeBindingSource } from './volume-binding.js';

const FIELD_MANAGER = 'default-scheduler';
export const BIND_TIMEOUT_MS = 600_000;

export interface VolumeBindingInformers {
  claims: Informer<PersistentVolumeClaim>;
  volumes: Informer<PersistentVolume>;
  classes: Informer<StorageClass>;
  pods: Informer<Pod>;
  nodes: Informer<Node>;
}

export function volumeBindingSource(i: VolumeBindingInformers, o: { client: Client; clock: Clock; signal: AbortSignal; bindTimeoutMs?: number }): VolumeBindingSource {
  const claimsApi = o.client.resource<PersistentVolumeClaim>(resources.persistentvolumeclaims);
  const volumesApi = o.client.resource<PersistentVolume>(resources.persistentvolumes);

  /** The writes: claimRef on each chosen volume, the node on each claim to provision; what the server returned. */
  const write = async (decision: NodeDecision, node: string) => {
    const written = new Map<string, KObject>();
    for (const { pv, pvc } of decision.bindings) {
      const next = structuredClone(pv);
      next.spec = { ...next.spec, claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, resourceVersion: pvc.metadata.resourceVersion } };
      next.metadata.annotations = { ...next.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
      written.set(`pv/${pv.metadata.name}`, await volumesApi.update(next, { fieldManager: FIELD_MANAGER }));
    }
    for (const pvc of decision.provisions) {
      if (pvc.metadata.annotations?.[ANN_SELECTED_NODE] === node) continue;
      // Conditional on what was decided on: a claim changed since is decided on again.
      const patch = { metadata: { resourceVersion: pvc.metadata.resourceVersion, annotations: { [ANN_SELECTED_NODE]: node } } };
      written.set(`pvc/${pvc.metadata.namespace}/${pvc.metadata.name}`, await claimsApi.patch(pvc.metadata.name!, pvc.metadata.namespace, 'merge', patch, { fieldManager: FIELD_MANAGER }));
    }
    return written;
  };

  /**
   * Upstream's checkBindings: true once every claim is bound; an Error when binding will
   * not complete; false to wait. The caches may lag our own writes: then they are not
   * judged yet.
   */
  const check = (pod: Pod, decision: NodeDecision, node: string, written: Map<string, KObject>): boolean | Error => {
    const current = i.pods.get(pod.metadata.name!, pod.metadata.namespace);
    if (!current || current.metadata.uid !== pod.metadata.uid) return new Error('pod does not exist any more');
    const labels = i.nodes.get(node)?.metadata.labels ?? {};
    const claimOf = (pvc: PersistentVolumeClaim) => i.claims.get(pvc.metadata.name!, pvc.metadata.namespace);
    for (const { pv } of decision.bindings) {
      const seen = i.volumes.get(pv.metadata.name!);
      if (!seen || olderThan(seen, written.get(`pv/${pv.metadata.name}`))) return false;
      if (!seen.spec?.claimRef?.uid) return new Error(`ClaimRef got reset for pv "${pv.metadata.name}"`);
    }
    for (const { pvc } of decision.bindings) {
      const seen = claimOf(pvc);
      if (!seen) return new Error(`failed to check binding: persistentvolumeclaim "${pvc.metadata.name}" not found`);
      if (!isClaimFullyBound(seen)) return false;
    }
    for (const pvc of decision.provisions) {
      const seen = claimOf(pvc);
      if (!seen) return new Error(`failed to check provisioning pvc: persistentvolumeclaim "${pvc.metadata.name}" not found`);
      if (olderThan(seen, written.get(`pvc/${pvc.metadata.namespace}/${pvc.metadata.name}`))) return false;
      // The provisioner takes the annotation away when it cannot provision there: choose again.
      if (seen.metadata.annotations?.[ANN_SELECTED_NODE] !== node) return new Error(`provisioning failed for PVC "${pvc.metadata.name}"`);
      const volumeName = seen.spec?.volumeName;
      if (volumeName) {
        const pv = i.volumes.get(volumeName);
        if (!pv) return false;
        if (!volumeFitsNode(pv, labels, node)) return new Error(`pv "${volumeName}" node affinity doesn't match node "${node}"`);
      }
      if (!isClaimFullyBound(seen)) return false;
    }
    return true;
  };

  /** Waits in progress, re-judged on every change of a claim, a volume or a pod (one set of handlers for all). */
  const waiting = new Set<() => void>();
  const rejudge = () => { for (const evaluate of [...waiting]) evaluate(); };
  const handles = [
    ...([i.claims, i.volumes] as Array<Informer<KObject>>).map((inf) => inf.addHandler({ add: rejudge, update: rejudge, delete: rejudge })),
    i.pods.addHandler({ update: rejudge, delete: rejudge }),
  ];
  // Shared informers outlive this scheduler (leader election may start another).
  o.signal.addEventListener('abort', () => { for (const h of handles) h.remove(); }, { once: true });

  const wait = (pod: Pod, decision: NodeDecision, node: string, written: Map<string, KObject>) => new Promise<void>((resolve, reject) => {
    const stop = new AbortController();
    const finish = (err?: Error) => {
      if (stop.signal.aborted) return;
      stop.abort();
      o.signal.removeEventListener('abort', onStopped);
      waiting.delete(evaluate);
      if (err) reject(err);
      else resolve();
    };
    const evaluate = () => {
      const verdict = check(pod, decision, node, written);
      if (verdict === true) finish();
      else if (verdict instanceof Error) finish(verdict);
    };
    const onStopped = () => finish(new Error('the scheduler is stopping'));
    if (o.signal.aborted) return onStopped();
    o.signal.addEventListener('abort', onStopped);
    void o.clock.sleep(o.bindTimeoutMs ?? BIND_TIMEOUT_MS, stop.signal).then(() => finish(new Error('context deadline exceeded')));
    waiting.add(evaluate);
    evaluate();
  });

  return {
    claim: (namespace, name) => i.claims.get(name, namespace),
    volume: (name) => i.volumes.get(name),
    volumes: () => i.volumes.list(),
    storageClass: (name) => i.classes.get(name),
    api: {
      async bindPodVolumes(pod, decision, node) {
        try {
          await wait(pod, decision, node, await write(decision, node));
        } catch (err) {
          throw new Error(`binding volumes: ${(err as Error).message}`);
        }
      },
    },
  };
}

/** resourceVersions are opaque, but Skiff's and etcd's are growing integers (as client-go's assume cache compares them). */
function olderThan(seen: KObject, written: KObject | undefined): boolean {
  const a = seen.metadata?.resourceVersion;
  const b = written?.metadata?.resourceVersion;
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) < BigInt(b);
}
