/** Claims against volumes and classes as pure functions: the default class, matching, suitability, local-path paths. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../objects/index.js';
import { isInside, localPathDirectory } from './local-path.js';
import { claimClass, claimHasClass, defaultStorageClass, findMatchingVolume, volumeUnsuitability } from './volumes.js';

const sc = (name: string, created: string, isDefault = true): StorageClass => ({
  metadata: { name, creationTimestamp: created, annotations: { 'storageclass.kubernetes.io/is-default-class': String(isDefault) } }, provisioner: 'x',
});
const pvc = (spec: NonNullable<PersistentVolumeClaim['spec']>, annotations?: Record<string, string>): PersistentVolumeClaim => ({
  metadata: { name: 'c', namespace: 'default', uid: 'u', annotations }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});
const pv = (name: string, storage: string, spec: Partial<NonNullable<PersistentVolume['spec']>> = {}, phase: 'Available' | 'Bound' = 'Available'): PersistentVolume => ({
  metadata: { name }, spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', ...spec }, status: { phase },
});

describe('storage rules', () => {
  it('picks the newest default class, then the first by name', () => {
    assert.equal(defaultStorageClass([sc('old', '2026-01-01T00:00:00Z'), sc('new', '2026-02-01T00:00:00Z'), sc('off', '2026-03-01T00:00:00Z', false)])?.metadata.name, 'new');
    assert.equal(defaultStorageClass([sc('b', '2026-01-01T00:00:00Z'), sc('a', '2026-01-01T00:00:00Z')])?.metadata.name, 'a');
    assert.equal(defaultStorageClass([sc('off', '2026-01-01T00:00:00Z', false)]), undefined);
  });

  it('reads a claim\'s class from the beta annotation first; "" is a class choice', () => {
    assert.equal(claimClass(pvc({ storageClassName: 'a' }, { 'volume.beta.kubernetes.io/storage-class': 'b' })), 'b');
    assert.equal(claimHasClass(pvc({ storageClassName: '' })), true);
    assert.equal(claimHasClass(pvc({})), false);
    assert.equal(claimHasClass(pvc({ storageClassName: null })), false);
  });

  it('matches the smallest fitting volume; a pre-bound one wins; volume mode and access modes count', () => {
    const claim = pvc({ storageClassName: 'manual' });
    assert.equal(findMatchingVolume(claim, [pv('big', '10Gi'), pv('fit', '1Gi'), pv('small', '512Mi'), pv('bound', '1Gi', {}, 'Bound')])?.metadata.name, 'fit');
    assert.equal(findMatchingVolume(claim, [pv('fit', '1Gi'), pv('mine', '5Gi', { claimRef: { name: 'c', namespace: 'default' } }, 'Bound')])?.metadata.name, 'mine');
    assert.equal(findMatchingVolume(claim, [pv('block', '1Gi', { volumeMode: 'Block' }), pv('rox', '1Gi', { accessModes: ['ReadOnlyMany'] })]), undefined);
    // Without a node, a WaitForFirstConsumer claim takes only a volume pre-bound to it.
    assert.equal(findMatchingVolume(claim, [pv('fit', '1Gi')], { delayBinding: true }), undefined);
    assert.equal(volumeUnsuitability(pv('tiny', '1Mi'), claim), 'requested PV is too small');
    assert.equal(volumeUnsuitability(pv('other', '1Gi', { storageClassName: 'x' }), claim), 'storageClassName does not match');
  });

  it('names local-path directories as Rancher does, and keeps removals inside the root', () => {
    assert.equal(localPathDirectory('/data/storage', 'pvc-1', 'ns', 'claim'), '/data/storage/pvc-1_ns_claim');
    assert.equal(isInside('/data/storage', '/data/storage/pvc-1_ns_claim'), true);
    assert.equal(isInside('/data/storage', '/data/storage'), false);
    assert.equal(isInside('/data/storage', '/data/storage/../etc'), false);
    assert.equal(isInside('/data/storage', '/etc'), false);
  });
});
