import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/types.js';
import { FieldSet, keyPE, serializePE, pathString, fieldPE } from './fieldset.js';
import { fieldSetOf } from './field-set-of.js';
import { decodeManagedFields, managerIdentifier, updateManagedFields, validateManagedFields, capUpdateManagers, type Managed } from './managed-fields.js';
import { configMapSchema, definitions, deploymentSchema } from './testdata/fixture-schemas.js';

const T0 = new Date('2025-01-02T03:04:05.678Z');
const T1 = new Date('2025-01-02T03:05:00.000Z');

function deployment(replicas = 1): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
    },
  };
}

describe('field sets and fieldsV1', () => {
  it('serialises keys sorted by field name, with values as JSON', () => {
    assert.equal(serializePE(keyPE({ protocol: 'TCP', containerPort: 80 })), 'k:{"containerPort":80,"protocol":"TCP"}');
    assert.equal(serializePE({ v: 'a<b' }), 'v:"a\\u003cb"');
    assert.equal(pathString([fieldPE('spec'), fieldPE('containers'), keyPE({ name: 'nginx' }), fieldPE('image')]), '.spec.containers[name="nginx"].image');
  });

  it('fieldSetOf an applied Deployment matches upstream (atomic selector, list-map items with ".", defaulted key)', () => {
    const set = fieldSetOf(deployment(3), { schema: deploymentSchema, definitions });
    assert.deepEqual(JSON.stringify(set.toJSON()),
      '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}}}}');
  });

  it('sets are v: items; untyped values are granular maps and atomic lists', () => {
    const set = fieldSetOf({ metadata: { finalizers: ['b', 'a'] }, spec: { x: { y: 1 }, l: [1] } } as KObject, { schema: deploymentSchema, definitions });
    assert.deepEqual(set.toJSON(), { 'f:metadata': { 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} } }, 'f:spec': { 'f:l': {}, 'f:x': { '.': {}, 'f:y': {} } } });
  });

  it('round-trips fieldsV1 and skips unknown element kinds', () => {
    const json = { 'f:a': { '.': {}, 'f:b': {} }, 'k:{"name":"x"}': { 'f:c': {} }, 'z:weird': {} };
    const s = FieldSet.fromJSON(json);
    assert.deepEqual(s.toJSON(), { 'f:a': { '.': {}, 'f:b': {} }, 'k:{"name":"x"}': { 'f:c': {} } });
    assert.ok(s.has([fieldPE('a')]) && s.has([fieldPE('a'), fieldPE('b')]) && !s.has([keyPE({ name: 'x' })]));
  });
});

describe('validateManagedFields / decodeManagedFields', () => {
  it('accepts well-formed entries', () => {
    assert.deepEqual(validateManagedFields([{ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }]), []);
  });
  it('reports upstream-shaped errors instead of crashing', () => {
    const errs = validateManagedFields([{ manager: 'm', operation: 'Merge', fieldsType: 'FieldsV2', fieldsV1: { 'k:{oops': {} } }, 'x']);
    assert.deepEqual(errs.map((e) => e.field), ['metadata.managedFields[0].operation', 'metadata.managedFields[0].fieldsType', 'metadata.managedFields[0].fieldsV1', 'metadata.managedFields[1]']);
    assert.equal(errs[0].message, 'Invalid value: "Merge": must be `Apply` or `Update`');
    assert.throws(() => decodeManagedFields([{ operation: 'Nope' }]), /failed to decode managed fields/);
    assert.equal(validateManagedFields({}).length, 1);
  });
});

describe('updateManagedFields', () => {
  const cmSchema = { schema: configMapSchema, definitions };
  it('records kubectl-create ownership on create with "." for added maps, not for metadata', () => {
    const cm: KObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default', labels: { a: 'b' } }, data: { key: 'value' } };
    const { object, managedFields } = updateManagedFields({ ...cmSchema, updated: cm, manager: 'kubectl-create', apiVersion: 'v1', now: T0 });
    assert.deepEqual(managedFields, [
      { manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: '2025-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:key': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } } },
    ]);
    assert.deepEqual(object.metadata?.managedFields, managedFields);
    assert.equal(cm.metadata?.managedFields, undefined, 'input untouched');
  });

  it('a later writer takes the fields it changed; removed fields leave every owner; same manager entries merge', () => {
    const cm: KObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', labels: { a: 'b' } }, data: { k1: 'v1', k2: 'v2' } };
    const created = updateManagedFields({ ...cmSchema, updated: cm, manager: 'kubectl-create', apiVersion: 'v1', now: T0 }).object;
    const edited: KObject = structuredClone(created);
    edited.data = { k1: 'changed' };
    edited.metadata!.labels = { a: 'b', c: 'd' };
    const r = updateManagedFields({ ...cmSchema, live: created, updated: edited, manager: 'kubectl-edit', apiVersion: 'v1', now: T1 });
    assert.deepEqual(
      r.managedFields.map((e) => [e.manager, e.fieldsV1]),
      [
        // the emptied map is still owned as a node: a member without children serialises as {}
        ['kubectl-create', { 'f:data': {}, 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } } }],
        ['kubectl-edit', { 'f:data': { 'f:k1': {} }, 'f:metadata': { 'f:labels': { 'f:c': {} } } }],
      ],
    );
    const again: KObject = structuredClone(r.object);
    again.metadata!.labels = { a: 'b', c: 'd', e: 'f' };
    const r2 = updateManagedFields({ ...cmSchema, live: r.object, updated: again, manager: 'kubectl-edit', apiVersion: 'v1', now: T1 });
    assert.deepEqual(r2.managedFields[1].fieldsV1, { 'f:data': { 'f:k1': {} }, 'f:metadata': { 'f:labels': { 'f:c': {}, 'f:e': {} } } });
  });

  it('a no-op write keeps the entry (and its time) untouched', () => {
    const created = updateManagedFields({ ...cmSchema, updated: { metadata: { name: 'x' }, data: { a: '1' } }, manager: 'm', apiVersion: 'v1', now: T0 }).object;
    const r = updateManagedFields({ ...cmSchema, live: created, updated: structuredClone(created), manager: 'other', apiVersion: 'v1', now: T1 });
    assert.deepEqual(r.managedFields, created.metadata?.managedFields);
  });

  it('honours managedFields the client rewrote (kubectl CSA→SSA migration), and [{}] resets', () => {
    const created = updateManagedFields({ ...cmSchema, updated: { metadata: { name: 'x' }, data: { a: '1' } }, manager: 'kubectl-client-side-apply', apiVersion: 'v1', now: T0 }).object;
    const rewritten: KObject = structuredClone(created);
    rewritten.metadata!.managedFields = [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }];
    const r = updateManagedFields({ ...cmSchema, live: created, updated: rewritten, manager: 'kubectl', apiVersion: 'v1', now: T1 });
    assert.deepEqual(r.managedFields, rewritten.metadata!.managedFields);
    const reset: KObject = structuredClone(created);
    reset.metadata!.managedFields = [{}];
    assert.deepEqual(updateManagedFields({ ...cmSchema, live: created, updated: reset, manager: 'x', apiVersion: 'v1', now: T1 }).managedFields, []);
  });

  it('falls back to the live managedFields when the client sent garbage', () => {
    const created = updateManagedFields({ ...cmSchema, updated: { metadata: { name: 'x' }, data: { a: '1' } }, manager: 'm', apiVersion: 'v1', now: T0 }).object;
    const bad: KObject = structuredClone(created);
    bad.metadata!.managedFields = [{ operation: 'Bogus' as 'Apply' }];
    assert.deepEqual(updateManagedFields({ ...cmSchema, live: created, updated: bad, manager: 'm', apiVersion: 'v1', now: T1 }).managedFields, created.metadata?.managedFields);
  });

  it('ignores status writes on the main resource when told to', () => {
    const d = deployment();
    d.status = { replicas: 3 };
    const r = updateManagedFields({ schema: deploymentSchema, definitions, updated: d, manager: 'm', apiVersion: 'apps/v1', now: T0, ignoredPaths: [['status']] });
    assert.equal((r.managedFields[0].fieldsV1 as Record<string, unknown>)['f:status'], undefined);
    assert.ok((r.managedFields[0].fieldsV1 as Record<string, unknown>)['f:spec']);
  });

  it('caps Update managers at 10 by folding the oldest into ancient-changes', () => {
    const managed: Managed = new Map();
    for (let i = 0; i < 12; i++) {
      const e = { manager: `m${String(i).padStart(2, '0')}`, operation: 'Update' as const, apiVersion: 'v1', time: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(), set: FieldSet.fromPaths([[fieldPE(`f${i}`)]]) };
      managed.set(managerIdentifier(e), e);
    }
    const capped = capUpdateManagers(managed);
    assert.equal(capped.size, 10);
    const bucket = capped.get(managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: 'v1' }));
    assert.deepEqual(bucket?.set.toJSON(), { 'f:f0': {}, 'f:f1': {}, 'f:f2': {} });
  });
});
