/**
 * What one Deployment sync works with: its working copy of the Deployment (kept current
 * after each write, so the next write carries the right resourceVersion) and the writes
 * every strategy shares: resizing a ReplicaSet (with the ScalingReplicaSet event) and
 * saving the Deployment's revision annotation and status.
 */
import type { Deployment, Pod, ReplicaSet } from '../../api/objects/index.js';
import type { ResourceClient } from '../../client/client.js';
import type { Clock } from '../../client/clock.js';
import type { Informer } from '../../client/informer.js';
import type { EventRecorder } from '../runtime/events.js';
import { replicasAnnotationsFor, replicasAnnotationsNeedUpdate, setReplicasAnnotations } from './annotations.js';
import { REVISION, replicasOf } from './rollout-math.js';

export const COMPONENT = 'deployment-controller';

/** A sync that cannot finish yet for an expected reason (e.g. a hash collision just resolved): retried, not reported. */
export class RetrySync extends Error {}

export interface DeploymentDeps {
  deployments: ResourceClient<Deployment>;
  replicaSets: ResourceClient<ReplicaSet>;
  rsInformer: Informer<ReplicaSet>;
  podInformer: Informer<Pod>;
  clock: Clock;
  events: EventRecorder;
}

export interface Run {
  deps: DeploymentDeps;
  /** The working copy: status and revision changes land here before they are written. */
  d: Deployment;
  /** The revision annotation and status as last written (or read). */
  savedRevision: string | undefined;
  savedStatus: string;
  /** ReplicaSets this sync wrote, by uid: newer than the cache, so later steps of the sync use them. */
  written: Map<string, ReplicaSet>;
  /** Looks at the Deployment again after `ms` of clock time. */
  requeueAfter(ms: number): void;
}

export function startRun(deps: DeploymentDeps, cached: Deployment, requeueAfter: (ms: number) => void): Run {
  const d = structuredClone(cached);
  d.apiVersion = 'apps/v1';
  d.kind = 'Deployment';
  return { deps, d, savedRevision: cached.metadata.annotations?.[REVISION], savedStatus: JSON.stringify(cached.status ?? {}), written: new Map(), requeueAfter };
}

/**
 * Writes the revision annotation if it changed (a metadata patch pinned to the cached
 * resourceVersion: upstream carries it in its status update, which this API server's
 * status subresource would drop), then the status.
 */
export async function saveDeployment(run: Run): Promise<void> {
  const { deployments } = run.deps;
  const status = run.d.status;
  const revision = run.d.metadata.annotations?.[REVISION];
  if (revision !== undefined && revision !== run.savedRevision) {
    const patched = await deployments.patch(run.d.metadata.name!, run.d.metadata.namespace, 'merge', {
      metadata: { resourceVersion: run.d.metadata.resourceVersion, annotations: { [REVISION]: revision } },
    }, { fieldManager: COMPONENT });
    run.savedRevision = revision;
    run.d = { ...patched, apiVersion: 'apps/v1', kind: 'Deployment', status };
  }
  if (JSON.stringify(status ?? {}) === run.savedStatus) return;
  const written = await deployments.updateStatus(run.d, { fieldManager: COMPONENT });
  run.d = { ...written, apiVersion: 'apps/v1', kind: 'Deployment' };
  run.savedStatus = JSON.stringify(written.status ?? {});
}

/**
 * Sets a ReplicaSet's size and its desired/max-replicas annotations (upstream's
 * scaleReplicaSet); records "Scaled up|down replica set NAME from X to Y" when the size changed.
 */
export async function scaleReplicaSet(run: Run, rs: ReplicaSet, newScale: number, operation: 'up' | 'down' | ''): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const { desired, max } = replicasAnnotationsFor(run.d);
  const sizeChanges = replicasOf(rs) !== newScale;
  if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const oldScale = replicasOf(rs);
  const copy = structuredClone(rs);
  copy.spec.replicas = newScale;
  setReplicasAnnotations(copy, desired, max);
  const updated = await run.deps.replicaSets.update(copy, { fieldManager: COMPONENT });
  run.written.set(updated.metadata.uid!, updated);
  if (sizeChanges) {
    run.deps.events.event(run.d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`);
  }
  return { scaled: sizeChanges, rs: updated };
}

export async function scaleReplicaSetAndRecordEvent(run: Run, rs: ReplicaSet, newScale: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  if (replicasOf(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(run, rs, newScale, replicasOf(rs) < newScale ? 'up' : 'down');
}
