/**
 * The garbage collector against a real API server: background, foreground and orphan
 * propagation down an owner → dependent → grand-dependent chain, an object with two
 * owners, a dependent whose owner never existed, and a custom resource owned by a
 * ConfigMap. Every wait is on watch events.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { KObject, OwnerReference } from '../../api/types.js';
import type { ResourceClient } from '../../client/client.js';
import { Informer } from '../../client/informer.js';
import { resources } from '../../client/resources.js';
import { startControllerTestBed, waitFor, waitUntil, type ControllerTestBed } from '../../testing/controllers.js';

const NS = 'default';

describe('garbage collector', () => {
  let bed: ControllerTestBed;
  let configmaps: ResourceClient;
  let cms: Informer;

  before(async () => {
    bed = await startControllerTestBed('gc', ['garbagecollector']);
    configmaps = bed.env.client.resource(resources.configmaps);
    cms = bed.ctx.informers.for(resources.configmaps);
    await cms.waitForSync();
  });
  after(() => bed.stop());

  const ref = (owner: KObject, block = false): OwnerReference => ({
    apiVersion: owner.apiVersion ?? 'v1', kind: owner.kind ?? 'ConfigMap', name: owner.metadata!.name!, uid: owner.metadata!.uid!, ...(block ? { blockOwnerDeletion: true } : {}),
  });
  const configMap = (name: string, owners: OwnerReference[] = []) =>
    configmaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, ...(owners.length ? { ownerReferences: owners } : {}) }, data: { k: name } });
  const gone = (name: string) => waitUntil([cms], () => !cms.get(name, NS), `${name} to be deleted`);

  /** owner → dependent → grand-dependent, each reference blocking when `block`. */
  async function chain(prefix: string, block: boolean): Promise<[KObject, KObject, KObject]> {
    const owner = await configMap(`${prefix}-owner`);
    const dependent = await configMap(`${prefix}-dependent`, [ref(owner, block)]);
    const grand = await configMap(`${prefix}-grand`, [ref(dependent, block)]);
    await waitFor(cms, (o) => o.metadata?.uid === grand.metadata!.uid, 'the chain in the cache');
    return [owner, dependent, grand];
  }

  it('background: deleting the owner removes the dependent, then its dependent', async () => {
    await chain('bg', false);
    await configmaps.delete('bg-owner', NS, { propagationPolicy: 'Background' });
    await gone('bg-dependent');
    await gone('bg-grand');
  });

  it('foreground: the owner stays (with its finalizer) until its blocking dependents are gone, down the chain', async () => {
    const order: string[] = [];
    const handle = cms.addHandler({ delete: (o) => { if (o.metadata?.name?.startsWith('fg-')) order.push(o.metadata.name); } });
    try {
      await chain('fg', true);
      const marked = await configmaps.delete('fg-owner', NS, { propagationPolicy: 'Foreground' });
      assert.ok(marked.metadata?.deletionTimestamp);
      assert.deepEqual(marked.metadata?.finalizers, ['foregroundDeletion']);
      await gone('fg-owner');
      assert.deepEqual(order, ['fg-grand', 'fg-dependent', 'fg-owner']);
    } finally {
      handle.remove();
    }
  });

  it('orphan: the owner goes, dependents stay without the reference to it', async () => {
    const [, dependent] = await chain('or', false);
    await configmaps.delete('or-owner', NS, { propagationPolicy: 'Orphan' });
    await gone('or-owner');
    const left = await configmaps.get('or-dependent', NS);
    assert.equal(left.metadata?.ownerReferences, undefined);
    const grand = await configmaps.get('or-grand', NS);
    assert.deepEqual(grand.metadata?.ownerReferences?.map((r) => r.uid), [dependent.metadata!.uid]);
    // The orphans are ordinary objects now: deleting one in the background still collects its dependents.
    await configmaps.delete('or-dependent', NS);
    await gone('or-grand');
  });

  it('an object with two owners loses only the dead one, and goes with the last', async () => {
    const a = await configMap('two-a');
    const b = await configMap('two-b');
    await configMap('two-dep', [ref(a), ref(b)]);
    await configmaps.delete('two-a', NS);
    const dep = await waitFor(cms, (o) => o.metadata?.name === 'two-dep' && o.metadata.ownerReferences?.length === 1, 'the reference to two-a removed');
    assert.equal(dep.metadata!.ownerReferences![0]!.uid, b.metadata!.uid);
    await configmaps.delete('two-b', NS);
    await gone('two-dep');
  });

  it('deletes a dependent whose owner never existed, and keeps one whose owner does', async () => {
    const alive = await configMap('alive-owner');
    await configMap('kept', [ref(alive)]);
    await configMap('stray', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'never-was', uid: randomUUID() }]);
    await gone('stray');
    // Same owner name as an existing object but another uid: still garbage.
    await configMap('impostor', [{ ...ref(alive), uid: randomUUID() }]);
    await gone('impostor');
    assert.ok(cms.get('kept', NS));
  });

  it('collects a custom resource owned by a ConfigMap (the CRD is discovered while running)', async () => {
    const crdClient = bed.env.client.resource({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false });
    await crdClient.create({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    const crds = bed.ctx.informers.for({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', namespaced: false });
    await waitFor(crds, (c) => c.metadata?.name === 'widgets.example.com' && ((c.status as { conditions?: Array<{ type: string; status: string }> })?.conditions ?? []).some((x) => x.type === 'Established' && x.status === 'True'), 'the CRD established');
    const widgets = bed.env.client.resource({ group: 'example.com', version: 'v1', plural: 'widgets', namespaced: true });
    const owner = await configMap('widget-owner');
    await widgets.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: NS, ownerReferences: [ref(owner)] }, spec: { size: 1 } });
    const owned = await widgets.create({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2', namespace: NS } });
    // A ConfigMap owned by a Widget: the custom kind as an owner.
    await configMap('widget-child', [ref(owned)]);
    await configmaps.delete('widget-owner', NS);
    await widgets.delete('w2', NS);
    const widgetInformer = new Informer(widgets).start();
    try {
      await widgetInformer.waitForSync();
      await waitUntil([widgetInformer], () => !widgetInformer.get('w1', NS), 'the Widget owned by the deleted ConfigMap to be deleted');
    } finally {
      widgetInformer.stop();
    }
    await gone('widget-child');
    assert.deepEqual(bed.errors, []);
  });
});
