/**
 * Reclaiming released local-path volumes for a set of nodes (what simulated nodes run,
 * and the agent builds on): only this provisioner's volumes of owned nodes, only
 * Released with reclaim policy Delete, deleted only after `release` agreed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolume, PersistentVolumePhase } from '../api/objects/index.js';
import type { ResourceClient } from '../client/client.js';
import type { Informer } from '../client/informer.js';
import { resources } from '../client/resources.js';
import { startInProcessCluster, type InProcessCluster } from '../testing/in-process.js';
import { waitUntil } from '../testing/controllers.js';
import { reclaimLocalPathVolumes, type LocalPathReclaim } from './local-path.js';

describe('reclaimLocalPathVolumes', () => {
  let env: InProcessCluster;
  let api: ResourceClient<PersistentVolume>;
  let reclaim: LocalPathReclaim;
  const released: string[] = [];
  const holdBack = new Set(['pvc-held']);
  const errors: unknown[] = [];

  before(async () => {
    env = await startInProcessCluster('local-path-reclaim', { controllers: [], scheduler: false });
    api = env.client.resource<PersistentVolume>(resources.persistentvolumes);
    reclaim = reclaimLocalPathVolumes({
      client: env.client, ownsNode: (n) => n.startsWith('sim-'), onError: (err) => errors.push(err),
      release: async (pv) => {
        released.push(pv.metadata.name!);
        return !holdBack.has(pv.metadata.name!);
      },
    });
    await reclaim.volumes.waitForSync();
  });
  after(async () => {
    reclaim.stop();
    await env.stop();
    assert.deepEqual(errors, []);
  });

  const volume = async (name: string, node: string, o: { phase?: PersistentVolumePhase; policy?: 'Delete' | 'Retain'; provisioner?: string } = {}) => {
    const created = await api.create({
      apiVersion: 'v1', kind: 'PersistentVolume',
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': o.provisioner ?? 'rancher.io/local-path' } },
      spec: {
        capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: o.policy ?? 'Delete', hostPath: { path: `/nowhere/${name}` },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
      },
    });
    await api.updateStatus({ ...created, status: { phase: o.phase ?? 'Released' } });
  };

  it('deletes released Delete volumes of owned nodes once released, and nothing else', async () => {
    await volume('pvc-other-node', 'real-1');
    await volume('pvc-retained', 'sim-1', { policy: 'Retain' });
    await volume('pvc-bound', 'sim-1', { phase: 'Bound' });
    await volume('pvc-foreign', 'sim-1', { provisioner: 'example.com/nfs' });
    await volume('pvc-held', 'sim-1');
    await volume('pvc-done', 'sim-2');
    await waitUntil([reclaim.volumes as unknown as Informer], () => !reclaim.volumes.get('pvc-done') && released.includes('pvc-held'), 'pvc-done deleted and pvc-held looked at');
    for (const name of ['pvc-other-node', 'pvc-retained', 'pvc-bound', 'pvc-foreign', 'pvc-held']) assert.ok(reclaim.volumes.get(name), name);
    assert.deepEqual([...released].sort(), ['pvc-done', 'pvc-held']);
    // Once it may go, a requeue takes it.
    holdBack.delete('pvc-held');
    reclaim.requeue('pvc-held');
    await waitUntil([reclaim.volumes as unknown as Informer], () => !reclaim.volumes.get('pvc-held'), 'pvc-held deleted');
  });
});
