/** Which surplus pods go first: upstream's ActivePodsWithRanks order, rule by rule. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/objects/index.js';
import { podsToDelete } from './pod-ranking.js';

const NOW = new Date('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Shape { node?: string; phase?: 'Pending' | 'Running' | 'Unknown'; ready?: boolean; readySince?: number; restarts?: number; created?: number; cost?: string; uid?: string }

function pod(name: string, s: Shape = {}): Pod {
  const phase = s.phase ?? 'Running';
  return {
    metadata: { name, uid: s.uid ?? name, creationTimestamp: ago(s.created ?? 3600), ...(s.cost ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': s.cost } } : {}) },
    spec: { containers: [{ name: 'c' }], ...(s.node === '' ? {} : { nodeName: s.node ?? 'n1' }) },
    status: {
      phase,
      conditions: [{ type: 'Ready', status: (s.ready ?? phase === 'Running') ? 'True' : 'False', lastTransitionTime: ago(s.readySince ?? 3000) }],
      containerStatuses: [{ name: 'c', ready: true, restartCount: s.restarts ?? 0 }],
    },
  };
}

const first = (pods: Pod[], related: Pod[] = []) => podsToDelete(pods, related, 1, NOW)[0]!.metadata.name;

describe('pods to delete', () => {
  it('takes unscheduled pods before scheduled ones', () => {
    assert.equal(first([pod('bound', { phase: 'Pending', ready: false }), pod('unbound', { node: '', phase: 'Running' })]), 'unbound');
  });

  it('orders phases Pending, Unknown, Running', () => {
    assert.equal(first([pod('running'), pod('unknown', { phase: 'Unknown', ready: false }), pod('pending', { phase: 'Pending', ready: false })]), 'pending');
    assert.equal(first([pod('running'), pod('unknown', { phase: 'Unknown', ready: false })]), 'unknown');
  });

  it('takes not-ready pods before ready ones', () => {
    assert.equal(first([pod('ready'), pod('not-ready', { ready: false })]), 'not-ready');
  });

  it('takes the lower pod-deletion-cost first', () => {
    assert.equal(first([pod('cheap', { cost: '-5' }), pod('default')]), 'cheap');
    assert.equal(first([pod('dear', { cost: '100' }), pod('default')]), 'default');
  });

  it('takes pods doubled up on a node with related pods first', () => {
    const crowded = pod('crowded', { node: 'busy' });
    const alone = pod('alone', { node: 'quiet' });
    const related = [crowded, alone, pod('sibling-1', { node: 'busy' }), pod('sibling-2', { node: 'busy' })];
    assert.equal(first([alone, crowded], related), 'crowded');
  });

  it('takes the pod ready for less time first, by power-of-two buckets of age', () => {
    assert.equal(first([pod('old', { readySince: 4000 }), pod('new', { readySince: 10 })]), 'new');
    // 3000 s and 2900 s ago fall in the same bucket: the uid decides, not the exact time.
    assert.equal(first([pod('b', { readySince: 2900, uid: 'b' }), pod('a', { readySince: 3000, uid: 'a' })]), 'a');
  });

  it('takes the pod with more restarts first when readiness ties', () => {
    assert.equal(first([pod('steady'), pod('flaky', { restarts: 3 })]), 'flaky');
  });

  it('takes the newer pod first when all else ties', () => {
    assert.equal(first([pod('older', { created: 7200 }), pod('newer', { created: 60 })]), 'newer');
  });

  it('returns every pod when asked for at least as many', () => {
    assert.equal(podsToDelete([pod('a'), pod('b')], [], 5, NOW).length, 2);
  });
});
