/**
 * The PV controller and the local-path provisioner against a real API server: the
 * default class and its admission, static binding to the smallest matching volume,
 * claims naming a volume, WaitForFirstConsumer waiting for the scheduler's node, the
 * local-path volume made for it, release on claim deletion by reclaim policy, lost
 * claims, external provisioners, a node without local-path storage, and the retroactive
 * default class. Waits on watch events, not on time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../api/objects/index.js';
import type { ResourceClient } from '../../client/client.js';
import type { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { eventMessages, startControllerTestBed, waitFor, type ControllerTestBed } from '../../testing/controllers.js';

const NS = 'default';

describe('persistentvolume-binder and local-path provisioner', () => {
  let bed: ControllerTestBed;
  let claimsApi: ResourceClient<PersistentVolumeClaim>;
  let volumesApi: ResourceClient<PersistentVolume>;
  let classesApi: ResourceClient<StorageClass>;
  let claims: Informer<PersistentVolumeClaim>;
  let volumes: Informer<PersistentVolume>;
  let events: Informer<Event>;

  before(async () => {
    bed = await startControllerTestBed('volume', ['persistentvolume-binder', 'local-path-provisioner']);
    claimsApi = bed.env.client.resource<PersistentVolumeClaim>(resources.persistentvolumeclaims);
    volumesApi = bed.env.client.resource<PersistentVolume>(resources.persistentvolumes);
    classesApi = bed.env.client.resource<StorageClass>(resources.storageclasses);
    claims = bed.ctx.informers.for<PersistentVolumeClaim>(resources.persistentvolumeclaims);
    volumes = bed.ctx.informers.for<PersistentVolume>(resources.persistentvolumes);
    events = bed.ctx.informers.for<Event>(resources.events);
    await events.waitForSync();
    const nodes = bed.env.client.resource<Node>(resources.nodes);
    await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' }, annotations: { 'skiff.dev/local-path-root': '/data/n1/storage' } } });
    await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'bare', labels: { 'kubernetes.io/hostname': 'bare' } } });
  });
  after(async () => {
    assert.deepEqual(bed.errors, []);
    await bed.stop();
  });

  const claim = (name: string, spec: Record<string, unknown> = {}, annotations?: Record<string, string>) => claimsApi.create({
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: NS, ...(annotations ? { annotations } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  });
  const volume = (name: string, storage: string, spec: Record<string, unknown> = {}, labels?: Record<string, string>) => volumesApi.create({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, ...(labels ? { labels } : {}) },
    spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/tmp/${name}` }, storageClassName: 'manual', ...spec },
  });
  const claimPhase = (name: string, phase: string) => waitFor(claims, (c) => c.metadata.name === name && c.status?.phase === phase, `claim ${name} ${phase}`);
  const volumePhase = (name: string, phase: string) => waitFor(volumes, (v) => v.metadata.name === name && v.status?.phase === phase, `volume ${name} ${phase}`);
  const eventSeen = (name: string, text: string) => waitFor(events, () => eventMessages(events, name).includes(text), `event on ${name}: ${text}`);

  it('creates the default class local-path, which the admission gives to claims without a class', async () => {
    const sc = await classesApi.get('local-path');
    assert.equal(sc.provisioner, 'rancher.io/local-path');
    assert.equal(sc.reclaimPolicy, 'Delete');
    assert.equal(sc.volumeBindingMode, 'WaitForFirstConsumer');
    assert.equal(sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
    assert.equal((await claim('defaulted')).spec?.storageClassName, 'local-path');
    // An explicit "" means no class at all, and stays.
    assert.equal((await claim('classless', { storageClassName: '' })).spec?.storageClassName, '');
    await eventSeen('classless', 'FailedBinding: no persistent volumes available for this claim and no storage class is set');
  });

  it('binds a claim to the smallest matching Available volume, both ways, with upstream annotations', async () => {
    await volume('big', '5Gi');
    await volume('small', '2Gi');
    await volume('tiny', '500Mi');
    await volume('many-modes', '2Gi', { accessModes: ['ReadWriteOnce', 'ReadWriteMany'] });
    await volume('other-class', '1Gi', { storageClassName: 'slow' });
    await volumePhase('tiny', 'Available');
    await claim('static', { storageClassName: 'manual' });
    const pvc = await claimPhase('static', 'Bound');
    assert.equal(pvc.spec?.volumeName, 'small');
    assert.equal(pvc.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(pvc.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.deepEqual(pvc.status?.capacity, { storage: '2Gi' });
    assert.deepEqual(pvc.status?.accessModes, ['ReadWriteOnce']);
    const pv = await volumePhase('small', 'Bound');
    assert.deepEqual(pv.spec?.claimRef && { kind: pv.spec.claimRef.kind, namespace: pv.spec.claimRef.namespace, name: pv.spec.claimRef.name, uid: pv.spec.claimRef.uid }, { kind: 'PersistentVolumeClaim', namespace: NS, name: 'static', uid: pvc.metadata.uid });
    assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.ok(pv.status?.lastPhaseTransitionTime);
    // A selector limits the volumes to those labelled so.
    await volume('labelled', '3Gi', {}, { tier: 'gold' });
    await claim('selective', { storageClassName: 'manual', selector: { matchLabels: { tier: 'gold' } } });
    assert.equal((await claimPhase('selective', 'Bound')).spec?.volumeName, 'labelled');
  });

  it('binds a claim to the volume it names, or says why not', async () => {
    await volume('named', '1Gi');
    await volume('too-small', '100Mi');
    await claim('wants-named', { storageClassName: 'manual', volumeName: 'named' });
    assert.equal((await claimPhase('wants-named', 'Bound')).spec?.volumeName, 'named');
    // The user's own binding: no bound-by-controller annotation on the claim.
    assert.equal(claims.get('wants-named', NS)?.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
    await claim('wants-small', { storageClassName: 'manual', volumeName: 'too-small' });
    await eventSeen('wants-small', 'VolumeMismatch: Cannot bind to requested volume "too-small": requested PV is too small');
    assert.equal(claims.get('wants-small', NS)?.status?.phase, 'Pending');
  });

  it('releases a volume whose claim is deleted: Retain keeps it, Delete without a deleter fails', async () => {
    await volume('kept', '1Gi', { storageClassName: 'keep', persistentVolumeReclaimPolicy: 'Retain' });
    await volume('doomed', '1Gi', { storageClassName: 'gone', persistentVolumeReclaimPolicy: 'Delete' });
    await claim('keeper', { storageClassName: 'keep' });
    await claim('goner', { storageClassName: 'gone' });
    await claimPhase('keeper', 'Bound');
    await claimPhase('goner', 'Bound');
    await claimsApi.delete('keeper', NS);
    await claimsApi.delete('goner', NS);
    await volumePhase('kept', 'Released');
    const failed = await volumePhase('doomed', 'Failed');
    assert.equal(failed.status?.message, 'error getting deleter volume plugin for volume "doomed": no deletable volume plugin matched');
    await eventSeen('doomed', 'VolumeFailedDelete: error getting deleter volume plugin for volume "doomed": no deletable volume plugin matched');
  });

  it('marks a bound claim Lost when its volume is deleted', async () => {
    await volume('vanishing', '1Gi', { storageClassName: 'lost' });
    await claim('orphan', { storageClassName: 'lost' });
    await claimPhase('orphan', 'Bound');
    await volumesApi.delete('vanishing');
    await claimPhase('orphan', 'Lost');
    await eventSeen('orphan', 'ClaimLost: Bound claim has lost its PersistentVolume. Data on the volume is lost!');
  });

  it('waits for the first consumer, then provisions a local-path volume on the selected node', async () => {
    const pvc = await claim('data');
    await eventSeen('data', 'WaitForFirstConsumer: waiting for first consumer to be created before binding');
    assert.equal(claims.get('data', NS)?.status?.phase, 'Pending');
    assert.equal(volumes.get(`pvc-${pvc.metadata.uid}`), undefined);
    // What the scheduler does at PreBind.
    await claimsApi.patch('data', NS, 'merge', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'n1' } } });
    const bound = await claimPhase('data', 'Bound');
    const pvName = `pvc-${pvc.metadata.uid}`;
    assert.equal(bound.spec?.volumeName, pvName);
    assert.equal(bound.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
    assert.equal(bound.metadata.annotations?.['volume.beta.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
    const pv = await volumePhase(pvName, 'Bound');
    assert.deepEqual(pv.spec?.hostPath, { path: `/data/n1/storage/${pvName}_default_data`, type: 'DirectoryOrCreate' });
    assert.deepEqual(pv.spec?.nodeAffinity, { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] }] } });
    assert.deepEqual(pv.spec?.capacity, { storage: '1Gi' });
    assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Delete');
    assert.equal(pv.spec?.storageClassName, 'local-path');
    assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'rancher.io/local-path');
    assert.equal(pv.spec?.claimRef?.uid, pvc.metadata.uid);
    await eventSeen('data', "ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
    await eventSeen('data', 'Provisioning: External provisioner is provisioning volume for claim "default/data"');
    await eventSeen('data', `ProvisioningSucceeded: Successfully provisioned volume ${pvName}`);
    // Deleting the claim releases the volume; its deletion is left to the node (the agent), so it stays Released.
    await claimsApi.delete('data', NS);
    const released = await volumePhase(pvName, 'Released');
    assert.equal(released.metadata.deletionTimestamp, undefined);
  });

  it('asks the scheduler to choose again when the selected node has no local-path storage', async () => {
    await claim('nowhere', {}, { 'volume.kubernetes.io/selected-node': 'bare' });
    await waitFor(claims, (c) => c.metadata.name === 'nowhere' && c.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'] !== undefined
      && c.metadata.annotations?.['volume.kubernetes.io/selected-node'] === undefined, 'selected-node removed from claim nowhere');
    await eventSeen('nowhere', 'ProvisioningFailed: failed to provision volume with StorageClass "local-path": node "bare" has no local-path storage (annotation skiff.dev/local-path-root): only nodes run by a Skiff agent have one');
  });

  it('hands an Immediate claim of another provisioner to it, and reports a missing class', async () => {
    await classesApi.create({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'ext' }, provisioner: 'example.com/nfs' });
    await claim('external', { storageClassName: 'ext' });
    await waitFor(claims, (c) => c.metadata.name === 'external' && c.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'] === 'example.com/nfs', 'claim handed to example.com/nfs');
    await eventSeen('external', "ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'example.com/nfs' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
    await claim('no-such-class', { storageClassName: 'nope' });
    await eventSeen('no-such-class', 'ProvisioningFailed: storageclass.storage.k8s.io "nope" not found');
  });

  it('gives a claim made without any default class the default that appears later', async () => {
    await classesApi.patch('local-path', undefined, 'merge', { metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } } });
    // The admission reads a cache fed by the same watch as this informer: once it shows the change, so does the cache.
    const classes = bed.ctx.informers.for<StorageClass>(resources.storageclasses);
    await waitFor(classes, (c) => c.metadata.name === 'local-path' && c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'false', 'local-path no longer default');
    const pvc = await claim('late');
    assert.equal(pvc.spec?.storageClassName, undefined);
    await classesApi.create({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'example.com/fast' });
    await waitFor(claims, (c) => c.metadata.name === 'late' && c.spec?.storageClassName === 'fast', 'claim late given class fast');
    await classesApi.delete('fast');
    await classesApi.patch('local-path', undefined, 'merge', { metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } });
  });
});
