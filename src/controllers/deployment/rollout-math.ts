/**
 * The arithmetic of a rollout (upstream's deployment/util): surge and unavailability
 * budgets, how far the new ReplicaSet may grow, proportional shares when a Deployment is
 * resized mid-rollout, and which ReplicaSet is new, old, active or latest. Pure functions
 * over Deployment and ReplicaSet objects.
 */
import type { Deployment, IntOrString, ReplicaSet } from '../../api/objects/index.js';
import { scaledValue } from '../runtime/intstr.js';
import { sameTemplateAs } from './hash.js';

export const desiredReplicas = (d: Deployment): number => d.spec.replicas ?? 1;
/** A ReplicaSet's `spec.replicas` (the API server defaults it to 1). */
export const replicasOf = (rs: ReplicaSet): number => rs.spec.replicas ?? 1;

export const isRollingUpdate = (d: Deployment): boolean => (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/**
 * maxSurge rounds up and maxUnavailable down; if both come out 0 (e.g. 25% of 1),
 * one pod may be unavailable, or the rollout could never move.
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, desired, true, 0);
  let unavailable = scaledValue(maxUnavailable, desired, false, 0);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desiredReplicas(d)).surge;
}

export function maxUnavailable(d: Deployment): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desired).unavailable, desired);
}

const sum = (rss: Array<ReplicaSet | undefined>, f: (rs: ReplicaSet) => number | undefined) => rss.reduce((n, rs) => n + (rs ? f(rs) ?? 0 : 0), 0);
/** Pods the ReplicaSets are asked for. */
export const specReplicaCount = (rss: Array<ReplicaSet | undefined>) => sum(rss, replicasOf);
/** Pods they have. */
export const actualReplicaCount = (rss: Array<ReplicaSet | undefined>) => sum(rss, (rs) => rs.status?.replicas);
export const readyReplicaCount = (rss: Array<ReplicaSet | undefined>) => sum(rss, (rs) => rs.status?.readyReplicas);
export const availableReplicaCount = (rss: Array<ReplicaSet | undefined>) => sum(rss, (rs) => rs.status?.availableReplicas);

export const filterActive = (rss: Array<ReplicaSet | undefined>): ReplicaSet[] => rss.filter((rs): rs is ReplicaSet => Boolean(rs) && replicasOf(rs!) > 0);

const created = (rs: ReplicaSet) => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;
/** Oldest first; the name breaks ties (upstream's ReplicaSetsByCreationTimestamp). */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return created(a) - created(b) || (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0);
}
/** Largest first; among equals the newer first (ReplicaSetsBySizeNewer). */
export const bySizeNewer = (a: ReplicaSet, b: ReplicaSet): number => replicasOf(b) - replicasOf(a) || byCreation(b, a);
/** Largest first; among equals the older first (ReplicaSetsBySizeOlder). */
export const bySizeOlder = (a: ReplicaSet, b: ReplicaSet): number => replicasOf(b) - replicasOf(a) || byCreation(a, b);

/** The ReplicaSet whose template is the Deployment's: the oldest such, if several. */
export function findNewReplicaSet(d: Deployment, rsList: ReplicaSet[]): ReplicaSet | undefined {
  const same = sameTemplateAs(d.spec.template);
  return [...rsList].sort(byCreation).find((rs) => same(rs.spec.template));
}

/** Every ReplicaSet but the new one (`all`), and those of them with pods wanted (`active`). */
export function findOldReplicaSets(d: Deployment, rsList: ReplicaSet[]): { active: ReplicaSet[]; all: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rsList);
  const all = rsList.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
  return { active: all.filter((rs) => replicasOf(rs) !== 0), all };
}

/**
 * The one ReplicaSet to resize when a Deployment is not mid-rollout: the only active one,
 * or (none active) the new one, else the newest old one. Undefined while several are active.
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && !oldRSs.length) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** How many pods the new ReplicaSet may have now (upstream's NewRSNewReplicas). */
export function newRSNewReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d)) return desired;
  const surge = scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge, desired, true, 0);
  const current = specReplicaCount(allRSs);
  const maxTotal = desired + surge;
  if (current >= maxTotal) return replicasOf(newRS);
  return replicasOf(newRS) + Math.min(maxTotal - current, desired - replicasOf(newRS));
}

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const raw = rs.metadata.annotations?.[key];
  return raw !== undefined && /^-?\d+$/.test(raw) ? Number(raw) : undefined;
}

/** The new ReplicaSet has all it should: as many pods wanted, recorded and available as the Deployment wants. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = intAnnotation(rs, DESIRED_REPLICAS);
  if (desired === undefined) return false;
  const want = desiredReplicas(d);
  return replicasOf(rs) === want && desired === want && (rs.status?.availableReplicas ?? 0) === want;
}

/** The desired-replicas annotation, if set and numeric. */
export const desiredReplicasAnnotation = (rs: ReplicaSet) => intAnnotation(rs, DESIRED_REPLICAS);

/**
 * What `rs` should gain (or lose, negative) of `toAdd` replicas being spread over a
 * Deployment's ReplicaSets in proportion to their size (upstream's GetProportion).
 */
export function getProportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (desiredReplicas(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
  // The size the Deployment had when this ReplicaSet was last sized for it.
  const annotated = intAnnotation(rs, MAX_REPLICAS) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return roundHalfAwayFromZero((replicasOf(rs) * deploymentReplicas) / annotated) - replicasOf(rs);
}

function roundHalfAwayFromZero(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** The revision a ReplicaSet records (0 without one); NaN when it is not a number. */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number {
  const raw = obj.metadata?.annotations?.[REVISION];
  if (raw === undefined) return 0;
  return /^-?\d+$/.test(raw) ? Number(raw) : NaN;
}

export function maxRevision(rss: ReplicaSet[]): number {
  return rss.reduce((max, rs) => {
    const v = revisionOf(rs);
    return Number.isNaN(v) ? max : Math.max(max, v);
  }, 0);
}

/** Lowest revision first; creation time breaks ties (ReplicaSetsByRevision). */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a) || 0;
  const rb = revisionOf(b) || 0;
  return ra === rb ? byCreation(a, b) : ra - rb;
}
