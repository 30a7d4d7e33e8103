import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { amountOf, podRequests } from './resources.js';
import { testPod } from './testing/objects.js';

describe('pod resource requests (computePodResourceRequest)', () => {
  it('converts quantities, rounding up as MilliValue/Value do', () => {
    assert.equal(amountOf('cpu', '1'), 1000);
    assert.equal(amountOf('cpu', '0.5'), 500);
    assert.equal(amountOf('cpu', '1n'), 1);
    assert.equal(amountOf('memory', '1Gi'), 1024 ** 3);
    assert.equal(amountOf('memory', '1.5k'), 1500);
    assert.equal(amountOf('memory', 'garbage'), 0);
  });

  it('sums containers, takes the larger init container need, adds sidecars and overhead', () => {
    const pod = testPod('p', {
      containers: [
        { name: 'a', resources: { requests: { cpu: '100m', memory: '100Mi' } } },
        { name: 'b', resources: { requests: { cpu: '200m', 'example.com/gpu': '1' } } },
      ],
      spec: {
        initContainers: [
          { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } },
          { name: 'init-big', resources: { requests: { cpu: '1', memory: '50Mi' } } },
        ],
        overhead: { cpu: '10m' },
      },
    });
    const r = podRequests(pod);
    // containers 300m + sidecar 50m = 350m; init-big runs with the sidecar: 1050m > 350m.
    assert.equal(r.cpu, 1060);
    assert.equal(r.memory, 100 * 1024 * 1024);
    assert.deepEqual(r.scalar, { 'example.com/gpu': 1 });
    // Container b asks no memory: 200Mi counted for it when scoring; the sidecar asks none either.
    assert.equal(r.nonZeroMemory, 100 * 1024 * 1024 + 2 * 200 * 1024 * 1024);
  });

  it('counts a pod without requests as zero, and at the defaults for scoring', () => {
    const r = podRequests(testPod('p'));
    assert.equal(r.cpu, 0);
    assert.equal(r.memory, 0);
    assert.equal(r.scalar, undefined);
    assert.equal(r.nonZeroCpu, 100);
    assert.equal(r.nonZeroMemory, 200 * 1024 * 1024);
  });
});
