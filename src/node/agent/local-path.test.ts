/**
 * The agent's local-path reclaimer against a real API server (no controllers: the tests
 * set volume phases themselves): the Node learns its storage root; a Released Delete
 * volume of this node loses its directory and then its PV; volumes of other nodes,
 * Retain volumes and paths outside the root are left alone; a pod still using the claim
 * holds the removal back until it is gone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event, Node, PersistentVolume, PersistentVolumePhase, Pod } from '../../api/objects/index.js';
import type { ResourceClient } from '../../client/client.js';
import { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { startInProcessCluster, type InProcessCluster } from '../../testing/in-process.js';
import { waitFor, waitUntil } from '../../testing/controllers.js';
import { startLocalPathReclaimer } from './local-path.js';

describe('local-path reclaimer (agent)', () => {
  let env: InProcessCluster;
  let dataDir: string;
  let root: string;
  let volumesApi: ResourceClient<PersistentVolume>;
  let volumes: Informer<PersistentVolume>;
  let events: Informer<Event>;
  let pods: Informer<Pod>;
  let reclaimer: { stop(): void };
  const errors: unknown[] = [];

  before(async () => {
    env = await startInProcessCluster('local-path', { controllers: [], scheduler: false });
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-local-path-agent-'));
    root = join(dataDir, 'storage');
    await env.client.resource<Node>(resources.nodes).create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'here', labels: { 'kubernetes.io/hostname': 'here' } } });
    volumesApi = env.client.resource<PersistentVolume>(resources.persistentvolumes);
    volumes = new Informer(volumesApi).start();
    events = new Informer(env.client.resource<Event>(resources.events)).start();
    pods = new Informer(env.client.resource<Pod>(resources.pods), { fieldSelector: 'spec.nodeName=here' }).start();
    await Promise.all([volumes.waitForSync(), events.waitForSync(), pods.waitForSync()]);
    reclaimer = await startLocalPathReclaimer({ client: env.client, nodeName: 'here', dataDir, pods, onError: (err) => errors.push(err) });
  });
  after(async () => {
    reclaimer.stop();
    for (const i of [volumes, events, pods] as Array<{ stop(): void }>) i.stop();
    await env.stop();
    rmSync(dataDir, { recursive: true, force: true });
    assert.deepEqual(errors, []);
  });

  /** A local-path volume as the provisioner makes it, with its directory (holding a file) and the given phase. */
  async function localVolume(name: string, o: { node?: string; policy?: 'Delete' | 'Retain'; path?: string; claim?: string; phase?: PersistentVolumePhase } = {}): Promise<string> {
    const node = o.node ?? 'here';
    const path = o.path ?? join(root, `${name}_default_${o.claim ?? name}`);
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'data.txt'), 'keep me?');
    const created = await volumesApi.create({
      apiVersion: 'v1', kind: 'PersistentVolume',
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path', 'local.path.provisioner/selected-node': node } },
      spec: {
        capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: o.policy ?? 'Delete', storageClassName: 'local-path',
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: o.claim ?? name, uid: `uid-${name}` },
        hostPath: { path, type: 'DirectoryOrCreate' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
      },
    });
    await volumesApi.updateStatus({ ...created, status: { phase: o.phase ?? 'Released' } });
    return path;
  }
  const gone = (name: string) => waitUntil([volumes as Informer], () => !volumes.get(name), `volume ${name} deleted`);

  it('announces the storage root on the Node', async () => {
    const node = await env.client.resource<Node>(resources.nodes).get('here');
    assert.equal(node.metadata.annotations?.['skiff.dev/local-path-root'], root);
  });

  it('removes a released volume\'s directory, then the volume; leaves other nodes\', retained and bound volumes', async () => {
    const released = await localVolume('pvc-released');
    const elsewhere = await localVolume('pvc-elsewhere', { node: 'there', path: join(root, 'pvc-elsewhere_default_x') });
    const retained = await localVolume('pvc-retained', { policy: 'Retain' });
    const bound = await localVolume('pvc-bound', { phase: 'Bound' });
    await gone('pvc-released');
    assert.equal(existsSync(released), false);
    for (const path of [elsewhere, retained, bound]) assert.equal(existsSync(path), true, path);
    for (const name of ['pvc-elsewhere', 'pvc-retained', 'pvc-bound']) assert.ok(volumes.get(name), name);
  });

  it('refuses to remove a path outside the node\'s root', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'skiff-not-storage-'));
    try {
      await localVolume('pvc-outside', { path: outside });
      await waitFor(events, (e) => e.involvedObject.name === 'pvc-outside' && e.reason === 'VolumeFailedDelete', 'refusal event');
      assert.equal(existsSync(join(outside, 'data.txt')), true);
      assert.ok(volumes.get('pvc-outside'));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('waits for the pods still using the claim', async () => {
    const podsApi = env.client.resource<Pod>(resources.pods);
    await podsApi.create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'user', namespace: 'default' },
      spec: { nodeName: 'here', containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'busy' } }] },
    });
    await waitFor(pods, (p) => p.metadata.name === 'user', 'pod user seen');
    const path = await localVolume('pvc-busy', { claim: 'busy' });
    await waitFor(volumes, (v) => v.metadata.name === 'pvc-busy' && v.status?.phase === 'Released', 'pvc-busy released');
    assert.equal(existsSync(path), true);
    await podsApi.delete('user', 'default', { gracePeriodSeconds: 0 });
    await gone('pvc-busy');
    assert.equal(existsSync(path), false);
  });
});
