/**
 * A StatefulSet pod's identity (stateful_set_utils.go): its ordinal is in its name
 * (`<set>-<ordinal>`), it carries that name and its index as labels, its hostname is
 * its name and its subdomain the set's governing service, and its volumes named after
 * the claim templates point at its own claims, `<claim>-<set>-<ordinal>`.
 */
import type { PersistentVolumeClaim, Pod, StatefulSet } from '../../api/objects/index.js';
import { POD_REVISION_LABEL } from '../history/index.js';
import { controllerRef, isPodAvailable, isPodReady } from '../runtime/pods.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

const ORDINAL_NAME = /^(.*)-([0-9]+)$/;

/** The parent's name and the ordinal in a pod's name; ordinal -1 when there is none. */
export function parseName(name: string | undefined): { parent: string; ordinal: number } {
  const m = ORDINAL_NAME.exec(name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const ordinal = Number(m[2]);
  return { parent: m[1]!, ordinal: Number.isSafeInteger(ordinal) && ordinal <= 2 ** 31 - 1 ? ordinal : -1 };
}

export const ordinalOf = (pod: Pod): number => parseName(pod.metadata.name).ordinal;
export const replicasOf = (set: StatefulSet): number => set.spec.replicas ?? 1;
export const startOrdinal = (set: StatefulSet): number => set.spec.ordinals?.start ?? 0;
export const endOrdinal = (set: StatefulSet): number => startOrdinal(set) + replicasOf(set) - 1;
export const inOrdinalRange = (set: StatefulSet, ordinal: number): boolean => ordinal >= startOrdinal(set) && ordinal <= endOrdinal(set);
export const podName = (set: StatefulSet, ordinal: number): string => `${set.metadata.name}-${ordinal}`;
export const podRevision = (pod: Pod): string => pod.metadata.labels?.[POD_REVISION_LABEL] ?? '';
export const isMember = (set: StatefulSet, pod: Pod): boolean => parseName(pod.metadata.name).parent === set.metadata.name;

export function claimName(set: StatefulSet, template: PersistentVolumeClaim, ordinal: number): string {
  return `${template.metadata.name}-${set.metadata.name}-${ordinal}`;
}

export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parseName(pod.metadata.name);
  return ordinal >= 0 && parent === set.metadata.name && pod.metadata.namespace === set.metadata.namespace
    && pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name;
}

/** Whether every claim template has a volume of its name pointing at this pod's claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
  return (set.spec.volumeClaimTemplates ?? []).every((t) => {
    const claim = volumes.get(t.metadata.name!)?.persistentVolumeClaim as { claimName?: string } | undefined;
    return claim?.claimName === claimName(set, t, ordinal);
  });
}

/** The claims a pod of this ordinal uses, as they are created: the template, named and labelled for the set. */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  return (set.spec.volumeClaimTemplates ?? []).map((t) => {
    const { name: _n, namespace: _ns, ...meta } = t.metadata ?? {};
    return {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim',
      metadata: {
        ...meta, name: claimName(set, t, ordinal), namespace: set.metadata.namespace,
        labels: { ...t.metadata.labels, ...set.spec.selector.matchLabels },
      },
      spec: structuredClone(t.spec ?? {}),
    };
  });
}

/** Pod labels a member must carry (updateIdentity). */
function setIdentity(pod: Pod, ordinal: number): void {
  pod.metadata.labels = { ...pod.metadata.labels, [POD_NAME_LABEL]: pod.metadata.name!, [POD_INDEX_LABEL]: String(ordinal) };
}

/** Claim volumes first (in template order), then the template's other volumes. */
function withClaimVolumes(set: StatefulSet, volumes: Pod['spec']['volumes'], ordinal: number): Pod['spec']['volumes'] {
  const templates = set.spec.volumeClaimTemplates ?? [];
  if (!templates.length) return volumes;
  const claimVolumes = templates.map((t) => ({ name: t.metadata.name!, persistentVolumeClaim: { claimName: claimName(set, t, ordinal) } }));
  const names = new Set(claimVolumes.map((v) => v.name));
  return [...claimVolumes, ...(volumes ?? []).filter((v) => !names.has(v.name))];
}

/** A new pod of `set` (at the revision whose template `set` carries) for `ordinal`. */
export function newPod(set: StatefulSet, ordinal: number, revision: string): Pod {
  const template = structuredClone(set.spec.template);
  const name = podName(set, ordinal);
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, generateName: `${set.metadata.name}-`, namespace: set.metadata.namespace,
      labels: { ...template.metadata?.labels, [POD_REVISION_LABEL]: revision },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
      ownerReferences: [controllerRef(set, 'apps/v1', 'StatefulSet')],
    },
    spec: { ...template.spec, hostname: name, subdomain: set.spec.serviceName },
  };
  if (!pod.spec.subdomain) delete pod.spec.subdomain;
  setIdentity(pod, ordinal);
  const volumes = withClaimVolumes(set, pod.spec.volumes, ordinal);
  if (volumes) pod.spec.volumes = volumes;
  return pod;
}

/** A copy of `pod` with the identity labels a member must carry put back. */
export function withIdentity(pod: Pod): Pod {
  const copy = structuredClone(pod);
  setIdentity(copy, ordinalOf(pod));
  return copy;
}

// Pod states the controller reasons with (isCreated, isRunningAndReady, … upstream).
export const isCreated = (pod: Pod): boolean => Boolean(pod.status?.phase);
export const isPending = (pod: Pod): boolean => pod.status?.phase === 'Pending';
export const isFinished = (pod: Pod): boolean => pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
export const isTerminating = (pod: Pod): boolean => Boolean(pod.metadata.deletionTimestamp);
export const isRunningAndReady = (pod: Pod): boolean => pod.status?.phase === 'Running' && isPodReady(pod);
export const isHealthy = (pod: Pod): boolean => isRunningAndReady(pod) && !isTerminating(pod);
export const isRunningAndAvailable = (pod: Pod, minReadySeconds: number, now: Date): boolean => isRunningAndReady(pod) && isPodAvailable(pod, minReadySeconds, now);
