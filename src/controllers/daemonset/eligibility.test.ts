/** NodeShouldRunDaemonPod's rules: selection, taints and tolerations, the daemon tolerations. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, Node, PodSpec, Taint } from '../../api/objects/index.js';
import { matchesNodeSelection, toleratesTaint as tolerates } from '../../api/scheduling/matching.js';
import { nodeShouldRunDaemonPod, withDaemonTolerations } from './eligibility.js';

const node = (name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node => ({ metadata: { name, labels }, spec: { taints } });
const ds = (spec: Partial<PodSpec> = {}): DaemonSet => ({ metadata: { name: 'd' }, spec: { selector: {}, template: { spec: { containers: [], ...spec } } } });

test('taints: NoSchedule and NoExecute keep new pods off; only NoExecute evicts running ones; PreferNoSchedule is ignored', () => {
  assert.deepEqual(nodeShouldRunDaemonPod(node('n'), ds()), { shouldRun: true, shouldContinueRunning: true });
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', effect: 'NoSchedule' }]), ds()), { shouldRun: false, shouldContinueRunning: true });
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', effect: 'NoExecute' }]), ds()), { shouldRun: false, shouldContinueRunning: false });
  assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', effect: 'PreferNoSchedule' }]), ds()), { shouldRun: true, shouldContinueRunning: true });
  const tolerant = ds({ tolerations: [{ key: 'k', operator: 'Exists' }] });
  assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'k', value: 'v', effect: 'NoExecute' }]), tolerant).shouldRun, true);
});

test('daemon pods tolerate node conditions and cordoning, network-unavailable only with hostNetwork', () => {
  for (const key of ['node.kubernetes.io/unschedulable', 'node.kubernetes.io/disk-pressure', 'node.kubernetes.io/memory-pressure', 'node.kubernetes.io/pid-pressure']) {
    assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key, effect: 'NoSchedule' }]), ds()).shouldRun, true, key);
  }
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    assert.deepEqual(nodeShouldRunDaemonPod(node('n', {}, [{ key, effect: 'NoExecute' }]), ds()), { shouldRun: true, shouldContinueRunning: true }, key);
  }
  const unavailable = node('n', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]);
  assert.equal(nodeShouldRunDaemonPod(unavailable, ds()).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(unavailable, ds({ hostNetwork: true })).shouldRun, true);
  // A template toleration with the same key, operator, value and effect but a time limit is replaced (forever).
  const limited = withDaemonTolerations({ containers: [], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] });
  assert.equal(limited.filter((t) => t.key === 'node.kubernetes.io/not-ready').length, 1);
  assert.equal(limited.find((t) => t.key === 'node.kubernetes.io/not-ready')!.tolerationSeconds, undefined);
});

test('tolerations: empty key with Exists tolerates everything; Equal compares values; effect must match when set', () => {
  const taint: Taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
  assert.ok(tolerates({ operator: 'Exists' }, taint));
  assert.ok(tolerates({ key: 'k', value: 'v' }, taint));
  assert.ok(!tolerates({ key: 'k', value: 'w' }, taint));
  assert.ok(!tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint));
});

test('nodeSelector, node affinity expressions and metadata.name fields; empty terms match nothing', () => {
  const n = node('n1', { zone: 'a', size: '8' });
  assert.ok(matchesNodeSelection({ containers: [], nodeSelector: { zone: 'a' } }, n));
  assert.ok(!matchesNodeSelection({ containers: [], nodeSelector: { zone: 'b' } }, n));
  const affinity = (terms: unknown[]) => ({ containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } }) as PodSpec;
  assert.ok(matchesNodeSelection(affinity([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }, { key: 'size', operator: 'Gt', values: ['4'] }] }]), n));
  assert.ok(!matchesNodeSelection(affinity([{ matchExpressions: [{ key: 'size', operator: 'Lt', values: ['4'] }] }]), n));
  assert.ok(matchesNodeSelection(affinity([{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }]), n));
  assert.ok(matchesNodeSelection(affinity([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }]), n), 'terms are ORed');
  assert.ok(!matchesNodeSelection(affinity([{}]), n));
  assert.ok(!matchesNodeSelection(affinity([]), n));
  assert.equal(nodeShouldRunDaemonPod(n, ds({ nodeName: 'n2' })).shouldContinueRunning, false);
});
