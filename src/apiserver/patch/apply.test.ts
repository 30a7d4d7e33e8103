import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../api/types.js';
import { StatusError } from '../../api/errors.js';
import { serverSideApply, LAST_APPLIED_ANNOTATION } from './apply.js';
import { updateManagedFields } from './managed-fields.js';
import { applyJsonPatch } from './json-patch.js';
import { definitions, deploymentSchema, configMapSchema } from './testdata/fixture-schemas.js';

const T0 = new Date('2025-01-02T03:04:05Z');
const T1 = new Date('2025-01-02T04:00:00Z');
const base = { schema: deploymentSchema, definitions, apiVersion: 'apps/v1', kind: 'Deployment' };

function manifest(over: { replicas?: number; labels?: Record<string, string>; image?: string; ports?: number[] } = {}): KObject {
  const spec: Record<string, unknown> = {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: over.image ?? 'nginx:1.25', ...(over.ports ? { ports: over.ports.map((p) => ({ containerPort: p })) } : {}) }] },
    },
  };
  if (over.replicas !== undefined) spec.replicas = over.replicas;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', ...(over.labels ? { labels: over.labels } : {}) }, spec };
}

/** What the API server would store: the apply result plus server-set fields. */
function stored(obj: KObject): KObject {
  const o = structuredClone(obj);
  o.metadata = { ...o.metadata, uid: 'u1', resourceVersion: '5', creationTimestamp: '2025-01-01T00:00:00Z' };
  return o;
}

function conflictOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return err;
  }
  assert.fail('expected a conflict');
}

describe('serverSideApply', () => {
  it('creates: the object is the manifest and kubectl owns exactly what it applied', () => {
    const r = serverSideApply({ ...base, applied: manifest({ replicas: 2, ports: [80] }), manager: 'kubectl', force: false, now: T0 });
    assert.equal(r.changed, true);
    assert.equal((r.object.spec as { replicas: number }).replicas, 2);
    assert.deepEqual(r.managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2025-01-02T03:04:05Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it('a second apply that drops a field removes it from the object (no other owner)', () => {
    const first = stored(serverSideApply({ ...base, applied: manifest({ replicas: 2, labels: { team: 'a' }, ports: [80, 443] }), manager: 'kubectl', force: false, now: T0 }).object);
    // the server defaulted a field nobody applied; pruning must keep it
    (first.spec as Record<string, unknown>).progressDeadlineSeconds = 600;
    const r = serverSideApply({ ...base, live: first, applied: manifest({ ports: [80] }), manager: 'kubectl', force: false, now: T1 });
    const spec = r.object.spec as Record<string, any>;
    assert.equal(spec.replicas, undefined);
    assert.equal(spec.progressDeadlineSeconds, 600);
    assert.equal(r.object.metadata?.labels, undefined);
    assert.deepEqual(spec.template.spec.containers[0].ports, [{ containerPort: 80 }]);
    assert.equal(r.object.metadata?.uid, 'u1');
    assert.equal(r.managedFields[0].time, '2025-01-02T04:00:00Z');
  });

  it('a field dropped from the apply stays when another manager owns it', () => {
    const first = stored(serverSideApply({ ...base, applied: manifest({ replicas: 2 }), manager: 'kubectl', force: false, now: T0 }).object);
    const shared = serverSideApply({ ...base, live: first, applied: manifest({ replicas: 2 }), manager: 'other', force: false, now: T0 }).object;
    const r = serverSideApply({ ...base, live: shared, applied: manifest({}), manager: 'kubectl', force: false, now: T1 });
    assert.equal((r.object.spec as Record<string, unknown>).replicas, 2);
    const other = r.managedFields.find((e) => e.manager === 'other')!;
    assert.ok((other.fieldsV1 as any)['f:spec']['f:replicas']);
  });

  it('same value from two appliers is shared without conflict', () => {
    const first = serverSideApply({ ...base, applied: manifest({ replicas: 2 }), manager: 'a', force: false, now: T0 }).object;
    const r = serverSideApply({ ...base, live: first, applied: manifest({ replicas: 2 }), manager: 'b', force: false, now: T1 });
    assert.equal(r.changed, false);
    // upstream only stamps a time when the object changed; entries without one sort first
    assert.deepEqual(r.managedFields.map((e) => [e.manager, e.time]), [['b', undefined], ['a', '2025-01-02T03:04:05Z']]);
  });

  it('conflicts with kubectl-client-side-apply on spec.replicas with the upstream 409', () => {
    const csa = manifest({ replicas: 1 });
    const live = stored(updateManagedFields({ schema: deploymentSchema, definitions, updated: csa, manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: T0 }).object);
    const err = conflictOf(() => serverSideApply({ ...base, live, applied: manifest({ replicas: 3 }), manager: 'kubectl', force: false, now: T1 }));
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'Conflict');
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    assert.deepEqual(err.toStatus().details, { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] });
  });

  it('lists several conflicts grouped by manager', () => {
    const live = stored(updateManagedFields({ schema: deploymentSchema, definitions, updated: manifest({ replicas: 1 }), manager: 'kubectl-create', apiVersion: 'apps/v1', now: T0 }).object);
    const err = conflictOf(() => serverSideApply({ ...base, live, applied: manifest({ replicas: 3, image: 'nginx:2' }), manager: 'me', force: false, now: T1 }));
    assert.equal(
      err.message,
      'Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
  });

  it('force moves ownership to the applier', () => {
    const live = stored(updateManagedFields({ schema: deploymentSchema, definitions, updated: manifest({ replicas: 1 }), manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: T0 }).object);
    const r = serverSideApply({ ...base, live, applied: manifest({ replicas: 3 }), manager: 'kubectl', force: true, now: T1 });
    assert.equal((r.object.spec as Record<string, unknown>).replicas, 3);
    const csa = r.managedFields.find((e) => e.manager === 'kubectl-client-side-apply')!;
    const ssa = r.managedFields.find((e) => e.manager === 'kubectl')!;
    assert.equal((csa.fieldsV1 as any)['f:spec']['f:replicas'], undefined);
    assert.deepEqual((ssa.fieldsV1 as any)['f:spec']['f:replicas'], {});
    assert.equal(r.managedFields[0].operation, 'Apply', 'Apply entries sort first');
  });

  it('kubectl may take over fields that still match last-applied, and the annotation is kept in sync', () => {
    const csaBody = manifest({ replicas: 1 });
    csaBody.metadata!.annotations = { [LAST_APPLIED_ANNOTATION]: JSON.stringify(manifest({ replicas: 1 })) + '\n' };
    const live = stored(updateManagedFields({ schema: deploymentSchema, definitions, updated: csaBody, manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: T0 }).object);
    const r = serverSideApply({ ...base, live, applied: manifest({ replicas: 3 }), manager: 'kubectl', force: false, now: T1 });
    assert.equal((r.object.spec as Record<string, unknown>).replicas, 3);
    assert.deepEqual(JSON.parse(r.object.metadata!.annotations![LAST_APPLIED_ANNOTATION]), manifest({ replicas: 3 }));
    // another manager name gets no such allowance
    assert.equal(conflictOf(() => serverSideApply({ ...base, live, applied: manifest({ replicas: 3 }), manager: 'me', force: false, now: T1 })).code, 409);
  });

  it('the full kubectl CSA→SSA migration: last-applied apply, JSON patch of managedFields with a resourceVersion test, re-apply', () => {
    const csaBody = manifest({ replicas: 1 });
    csaBody.metadata!.annotations = { [LAST_APPLIED_ANNOTATION]: JSON.stringify(manifest({ replicas: 1 })) };
    let live = stored(updateManagedFields({ schema: deploymentSchema, definitions, updated: csaBody, manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now: T0 }).object);
    const la = serverSideApply({
      ...base,
      live,
      applied: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', annotations: { [LAST_APPLIED_ANNOTATION]: live.metadata!.annotations![LAST_APPLIED_ANNOTATION] } } },
      manager: 'kubectl-last-applied',
      force: false,
      now: T1,
    });
    live = stored(la.object);
    const csaEntry = la.managedFields.find((e) => e.manager === 'kubectl-client-side-apply')!;
    const moved = la.managedFields.filter((e) => e !== csaEntry).concat([{ ...csaEntry, manager: 'kubectl', operation: 'Apply' }]);
    const patched = applyJsonPatch(live, [
      { op: 'test', path: '/metadata/resourceVersion', value: '5' },
      { op: 'replace', path: '/metadata/managedFields', value: moved },
    ]);
    live = stored(updateManagedFields({ schema: deploymentSchema, definitions, live, updated: patched, manager: 'kubectl', apiVersion: 'apps/v1', now: T1 }).object);
    assert.ok(live.metadata!.managedFields!.every((e) => e.manager !== 'kubectl-client-side-apply'));
    const r = serverSideApply({ ...base, live, applied: manifest({ replicas: 4 }), manager: 'kubectl', force: false, now: T1 });
    assert.equal((r.object.spec as Record<string, unknown>).replicas, 4);
    // a stale resourceVersion makes the managedFields patch fail with 422
    assert.throws(() => applyJsonPatch(live, [{ op: 'test', path: '/metadata/resourceVersion', value: '4' }]), (e: unknown) => e instanceof StatusError && e.code === 422);
  });

  it('rejects wrong version/kind, managedFields in the body, and unkeyed list items', () => {
    const bad = (applied: KObject) => conflictOf(() => serverSideApply({ ...base, applied, manager: 'm', force: false, now: T0 }));
    assert.equal(bad({ ...manifest(), apiVersion: 'apps/v1beta1' }).message, 'invalid object type: apps/v1beta1, Kind=Deployment');
    assert.equal(bad({ ...manifest(), metadata: { name: 'web', managedFields: [] } }).message, 'metadata.managedFields must be nil');
    const noName = manifest();
    (noName.spec as any).template.spec.containers = [{ image: 'x' }];
    const e = bad(noName);
    assert.equal(e.code, 400); // upstream: a bare 500 (kubernetes/kubernetes#122480); the client's mistake here
    assert.match(e.message, /omits key field "name"/);
  });

  it('ignoredPaths: status in an apply to the main resource is neither owned nor conflicting', () => {
    const d = manifest({ replicas: 1 });
    d.status = { replicas: 5 };
    const r = serverSideApply({ ...base, applied: d, manager: 'm', force: false, now: T0, ignoredPaths: [['status']] });
    assert.equal((r.managedFields[0].fieldsV1 as any)['f:status'], undefined);
  });

  it('untyped (schema-less) objects: maps granular, lists atomic', () => {
    const cr = (items: string[]) => ({ apiVersion: 'x.io/v1', kind: 'Thing', metadata: { name: 't' }, spec: { a: 1, items } });
    const first = serverSideApply({ apiVersion: 'x.io/v1', applied: cr(['a', 'b']), manager: 'm', force: false, now: T0, builtin: false });
    assert.deepEqual(first.managedFields[0].fieldsV1, { 'f:spec': { '.': {}, 'f:a': {}, 'f:items': {} } });
    const second = serverSideApply({ apiVersion: 'x.io/v1', live: first.object, applied: cr(['c']), manager: 'm', force: false, now: T1, builtin: false });
    assert.deepEqual((second.object.spec as any).items, ['c']);
  });

  it('an apply that changes nothing keeps the old time', () => {
    const first = serverSideApply({ schema: configMapSchema, definitions, apiVersion: 'v1', applied: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, manager: 'm', force: false, now: T0 });
    const again = serverSideApply({ schema: configMapSchema, definitions, apiVersion: 'v1', live: first.object, applied: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } }, manager: 'm', force: false, now: T1 });
    assert.equal(again.changed, false);
    assert.equal(again.managedFields[0].time, '2025-01-02T03:04:05Z');
  });
});
