/** Rollout arithmetic: surge/unavailable rounding, new ReplicaSet growth, proportional shares, annotations. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, IntOrString, ReplicaSet } from '../../api/objects/index.js';
import { setNewReplicaSetAnnotations } from './annotations.js';
import {
  findActiveOrLatest, getProportion, isSaturated, maxSurge, maxUnavailable, newRSNewReplicas, resolveFenceposts,
} from './rollout-math.js';

function deployment(replicas: number, surge: IntOrString = '25%', unavailable: IntOrString = '25%', annotations: Record<string, string> = {}): Deployment {
  return {
    metadata: { name: 'web', annotations },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [] } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } },
  };
}
function rs(name: string, replicas: number, o: { created?: number; annotations?: Record<string, string>; available?: number } = {}): ReplicaSet {
  return {
    metadata: { name, uid: name, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, o.created ?? 0)).toISOString(), annotations: o.annotations },
    spec: { replicas, selector: {}, template: { spec: { containers: [] } } },
    status: { replicas, availableReplicas: o.available ?? replicas },
  };
}

describe('rollout arithmetic', () => {
  it('rounds maxSurge up and maxUnavailable down, and never lets both be 0', () => {
    assert.deepEqual(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
    assert.deepEqual(resolveFenceposts('25%', '25%', 1), { surge: 1, unavailable: 0 });
    assert.deepEqual(resolveFenceposts('0%', '10%', 5), { surge: 0, unavailable: 1 });
    assert.deepEqual(resolveFenceposts(2, 0, 5), { surge: 2, unavailable: 0 });
    assert.equal(maxUnavailable(deployment(2, 0, 5)), 2, 'capped at replicas');
    assert.equal(maxUnavailable(deployment(0)), 0);
    assert.equal(maxSurge({ ...deployment(4), spec: { ...deployment(4).spec, strategy: { type: 'Recreate' } } }), 0);
  });

  it('grows the new ReplicaSet only up to replicas + maxSurge pods in total', () => {
    const d = deployment(10, 3, 2);
    const fresh = rs('new', 0);
    assert.equal(newRSNewReplicas(d, [rs('old', 10), fresh], fresh), 3);
    const half = rs('new', 3);
    assert.equal(newRSNewReplicas(d, [rs('old', 8), half], half), 5);
    assert.equal(newRSNewReplicas(d, [rs('old', 10), half], half), 3, 'at the limit: no growth');
    const almost = rs('new', 9);
    assert.equal(newRSNewReplicas(d, [rs('old', 0), almost], almost), 10, 'never past replicas');
  });

  it('shares a resize in proportion to each ReplicaSet size', () => {
    // 10 replicas (max 13) scaled to 20 (max 25): a ReplicaSet with 8 of 13 gets 8*25/13 ≈ 15, i.e. +7.
    const d = deployment(20, 5, 0);
    const sized = (n: number) => rs(`rs-${n}`, n, { annotations: { 'deployment.kubernetes.io/max-replicas': '13' } });
    assert.equal(getProportion(sized(8), d, 12, 0), 7);
    assert.equal(getProportion(sized(5), d, 12, 7), 5);
    // Scaling down to 5 (max 6): 8 of 13 becomes round(8*6/13) = 4, i.e. −4; never more than is left to remove.
    const down = deployment(5, 1, 0);
    assert.equal(getProportion(sized(8), down, -7, 0), -4);
    assert.equal(getProportion(sized(8), down, -7, -5), -2);
    assert.equal(getProportion(sized(0), d, 12, 0), 0, 'an empty ReplicaSet gets nothing');
  });

  it('finds the one ReplicaSet to resize outside a rollout', () => {
    const newer = rs('newer', 0, { created: 10 });
    const older = rs('older', 0, { created: 5 });
    assert.equal(findActiveOrLatest(undefined, [older, newer])?.metadata.name, 'newer');
    assert.equal(findActiveOrLatest(rs('new', 0), [older])?.metadata.name, 'new');
    assert.equal(findActiveOrLatest(rs('new', 0), [rs('active', 3)])?.metadata.name, 'active');
    assert.equal(findActiveOrLatest(rs('new', 2), [rs('active', 3)]), undefined, 'mid-rollout');
  });

  it('calls the new ReplicaSet saturated when it has every replica, recorded and available', () => {
    const d = deployment(3);
    assert.ok(isSaturated(d, rs('new', 3, { annotations: { 'deployment.kubernetes.io/desired-replicas': '3' } })));
    assert.ok(!isSaturated(d, rs('new', 3, { annotations: { 'deployment.kubernetes.io/desired-replicas': '3' }, available: 2 })));
    assert.ok(!isSaturated(d, rs('new', 3)));
  });

  it('annotates the new ReplicaSet: revision, history on reuse, replicas, the Deployment annotations', () => {
    const d = deployment(3, 1, 0, { 'kubernetes.io/change-cause': 'image 2', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '9' });
    const fresh = rs('new', 0);
    assert.ok(setNewReplicaSetAnnotations(d, fresh, '1', false));
    assert.deepEqual(fresh.metadata.annotations, {
      'kubernetes.io/change-cause': 'image 2',
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    assert.ok(!setNewReplicaSetAnnotations(d, fresh, '1', true), 'nothing to change');
    // Brought back by a rollback: the old revision goes to the history.
    assert.ok(setNewReplicaSetAnnotations(d, fresh, '3', true));
    assert.ok(setNewReplicaSetAnnotations(d, fresh, '5', true));
    const annotations: Record<string, string> = fresh.metadata.annotations!;
    assert.equal(annotations['deployment.kubernetes.io/revision'], '5');
    assert.equal(annotations['deployment.kubernetes.io/revision-history'], '1,3');
    assert.ok(!setNewReplicaSetAnnotations(d, fresh, '4', true), 'a revision never goes down');
  });
});
