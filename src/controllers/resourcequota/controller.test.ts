/**
 * ResourceQuota and LimitRange end to end in one process: admission refuses what a quota
 * does not allow (upstream's messages), charges what it lets through, and the quota
 * controller gives usage back when objects go away. LimitRange defaults fill containers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/objects/index.js';
import type { KObject } from '../../api/types.js';
import type { ResourceClient } from '../../client/client.js';
import { ApiError } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { startControllerTestBed, waitFor, type ControllerTestBed } from '../../testing/controllers.js';

const pod = (name: string, cpu?: string, memory?: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'app', image: 'busybox', resources: cpu ? { requests: { cpu, ...(memory ? { memory } : {}) }, limits: { cpu, ...(memory ? { memory } : {}) } } : {} }] },
});

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  assert.fail('expected the request to be refused');
}

describe('resource quota and limit ranges', () => {
  let bed: ControllerTestBed;
  let pods: ResourceClient<Pod>;
  let quotas: Informer;
  before(async () => {
    bed = await startControllerTestBed('quota', ['resourcequota']);
    pods = bed.env.client.resource<Pod>(resources.pods);
    quotas = bed.ctx.informers.for(resources.resourcequotas);
  });
  after(async () => { await bed.stop(); });

  const used = (name: string, resource: string, value: string) =>
    waitFor(quotas, (q) => q.metadata?.name === name && (q.status as { used?: Record<string, string> } | undefined)?.used?.[resource] === value, `quota ${name} ${resource}=${value}`);

  it('refuses pods beyond the quota and gives usage back when pods go', async () => {
    await bed.env.client.resource(resources.resourcequotas).create({
      apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: 'default' },
      spec: { hard: { pods: '2', 'requests.cpu': '1', 'limits.memory': '1Gi' } },
    } as KObject);
    await used('compute', 'pods', '0');
    await pods.create(pod('a', '500m', '256Mi'));
    await used('compute', 'requests.cpu', '500m');
    const noRequests = await refusal(pods.create(pod('bare')));
    assert.equal(noRequests.status, 403);
    assert.equal(noRequests.message, 'pods "bare" is forbidden: failed quota: compute: must specify limits.memory for: app; requests.cpu for: app');
    const tooMuch = await refusal(pods.create(pod('b', '600m', '256Mi')));
    assert.equal(tooMuch.status, 403);
    assert.equal(tooMuch.message, 'pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=500m, limited: requests.cpu=1');
    await pods.create(pod('c', '500m', '256Mi'));
    const tooMany = await refusal(pods.create(pod('d', '0', '1Mi')));
    assert.match(tooMany.message, /exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2/);
    await pods.delete('a', 'default', { gracePeriodSeconds: 0 });
    await used('compute', 'pods', '1');
    await used('compute', 'requests.cpu', '500m');
    await pods.create(pod('e', '500m', '512Mi'));
    await used('compute', 'limits.memory', '768Mi');
    for (const name of ['c', 'e']) await pods.delete(name, 'default', { gracePeriodSeconds: 0 });
    await bed.env.client.resource(resources.resourcequotas).delete('compute', 'default');
  });

  it('fills container defaults from a LimitRange and enforces its bounds', async () => {
    await bed.env.client.resource(resources.limitranges).create({
      apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'bounds', namespace: 'default' },
      spec: { limits: [{ type: 'Container', default: { cpu: '200m', memory: '128Mi' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' }, min: { cpu: '50m' } }] },
    } as KObject);
    const created = await pods.create(pod('defaulted'));
    const res = created.spec.containers[0]!.resources!;
    assert.deepEqual(res.limits, { cpu: '200m', memory: '128Mi' });
    assert.deepEqual(res.requests, { cpu: '100m', memory: '128Mi' });
    assert.equal(created.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app');
    assert.equal(created.status?.qosClass, 'Burstable');
    const big = await refusal(pods.create(pod('big', '2')));
    assert.equal(big.status, 403);
    assert.equal(big.message, 'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
    const small = await refusal(pods.create(pod('small', '10m')));
    assert.equal(small.message, 'pods "small" is forbidden: minimum cpu usage per Container is 50m, but request is 10m');
    const two = pod('two', '10m');
    two.spec.containers.push({ name: 'sidecar', image: 'busybox', resources: { limits: { cpu: '3' } } });
    const both = await refusal(pods.create(two));
    assert.equal(both.message, 'pods "two" is forbidden: [minimum cpu usage per Container is 50m, but request is 10m, maximum cpu usage per Container is 1, but limit is 3]');
    await pods.delete('defaulted', 'default', { gracePeriodSeconds: 0 });
    await bed.env.client.resource(resources.limitranges).delete('bounds', 'default');
  });
});
