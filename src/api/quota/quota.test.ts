import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../objects/index.js';
import { formatQuantity, quantityNanos } from './quantity.js';
import { matchesScopes, objectUsage, podUsage } from './usage.js';

const pod = (containers: Array<{ requests?: Record<string, string>; limits?: Record<string, string> }>, extra: Partial<Pod['spec']> = {}, phase?: string): Pod => ({
  metadata: { name: 'p', namespace: 'ns' },
  spec: { containers: containers.map((r, i) => ({ name: `c${i}`, resources: r })), ...extra },
  status: phase ? { phase: phase as never } : undefined,
});

describe('quota usage', () => {
  it('prints quantities canonically', () => {
    assert.equal(formatQuantity(quantityNanos('1500m')!), '1500m');
    assert.equal(formatQuantity(quantityNanos('2000m')!), '2');
    assert.equal(formatQuantity(quantityNanos('1Gi')! + quantityNanos('512Mi')!, true), '1536Mi');
    assert.equal(formatQuantity(quantityNanos('1G')!), '1G');
    assert.equal(formatQuantity(quantityNanos('100')!, true), '100');
    assert.equal(formatQuantity(0n), '0');
  });

  it('counts a pod: sum of containers, at least the largest init container, nothing once finished', () => {
    const p = pod([{ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m' } }, { requests: { cpu: '300m' } }], {
      initContainers: [{ name: 'init', resources: { requests: { cpu: '1' } } }],
    });
    const usage = podUsage(p);
    assert.equal(usage.get('pods'), 1_000_000_000n);
    assert.equal(usage.get('count/pods'), 1_000_000_000n);
    assert.equal(formatQuantity(usage.get('requests.cpu')!), '1');
    assert.equal(formatQuantity(usage.get('cpu')!), '1');
    assert.equal(formatQuantity(usage.get('requests.memory')!, true), '64Mi');
    assert.equal(formatQuantity(usage.get('limits.cpu')!), '200m');
    assert.equal(podUsage(pod([{ requests: { cpu: '1' } }], {}, 'Succeeded')).size, 0);
  });

  it('counts services by type and PVC storage by class', () => {
    const svc = objectUsage('', 'services', { spec: { type: 'NodePort', ports: [{}, {}] } });
    assert.equal(svc.get('services'), 1_000_000_000n);
    assert.equal(svc.get('services.nodeports'), 2_000_000_000n);
    assert.equal(svc.get('services.loadbalancers'), undefined);
    const pvc = objectUsage('', 'persistentvolumeclaims', { spec: { storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } } });
    assert.equal(formatQuantity(pvc.get('requests.storage')!, true), '5Gi');
    assert.equal(pvc.get('fast.storageclass.storage.k8s.io/persistentvolumeclaims'), 1_000_000_000n);
    assert.equal(objectUsage('apps', 'deployments', {}).get('count/deployments.apps'), 1_000_000_000n);
  });

  it('matches scopes', () => {
    const best = pod([{}]);
    const burstable = pod([{ requests: { cpu: '1' } }], { activeDeadlineSeconds: 10, priorityClassName: 'high' });
    assert.equal(matchesScopes('', 'pods', best, { scopes: ['BestEffort'] }), true);
    assert.equal(matchesScopes('', 'pods', burstable, { scopes: ['BestEffort'] }), false);
    assert.equal(matchesScopes('', 'pods', burstable, { scopes: ['NotBestEffort', 'Terminating'] }), true);
    assert.equal(matchesScopes('', 'pods', best, { scopes: ['Terminating'] }), false);
    assert.equal(matchesScopes('', 'pods', burstable, { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }), true);
    assert.equal(matchesScopes('', 'pods', best, { scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }), false);
    assert.equal(matchesScopes('', 'services', {}, { scopes: ['BestEffort'] }), false);
    assert.equal(matchesScopes('', 'services', {}, {}), true);
  });
});
