import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';
import { StatusError } from '../../api/errors.js';
import { definitions, deploymentSchema, podSchema } from './testdata/fixture-schemas.js';

const opts = { schema: deploymentSchema, definitions };
const podOpts = { schema: podSchema, definitions };

function deployment() {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a', 'b'] },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.25',
              ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }],
              env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
            },
            { name: 'sidecar', image: 'busybox' },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
    },
  };
}

describe('applyStrategicMergePatch', () => {
  it('kubectl set image: merges the container by name and keeps the order', () => {
    const input = deployment();
    const out = applyStrategicMergePatch(
      input,
      { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }], containers: [{ image: 'nginx:1.27', name: 'nginx' }] } } } },
      opts,
    );
    const containers = out.spec.template.spec.containers;
    assert.deepEqual(containers.map((c) => c.name), ['nginx', 'sidecar']);
    assert.equal(containers[0].image, 'nginx:1.27');
    assert.deepEqual(containers[0].ports, input.spec.template.spec.containers[0].ports);
    assert.equal(input.spec.template.spec.containers[0].image, 'nginx:1.25', 'input untouched');
  });

  it('the exact set-image body from the protocol notes', () => {
    const d = deployment();
    d.spec.template.spec.containers.pop();
    const out = applyStrategicMergePatch(d, JSON.parse('{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"image":"nginx:1.27","name":"nginx"}]}}}}'), opts);
    assert.deepEqual(out.spec.template.spec.containers, [{ ...d.spec.template.spec.containers[0], image: 'nginx:1.27' }]);
  });

  it('client-side apply removing a port: $patch delete item plus $setElementOrder', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
            containers: [{ '$setElementOrder/ports': [{ containerPort: 80 }], name: 'nginx', ports: [{ $patch: 'delete', containerPort: 443 }] }],
          },
        },
      },
    };
    const out = applyStrategicMergePatch(deployment(), patch, opts);
    assert.deepEqual(out.spec.template.spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.equal(out.spec.template.spec.containers.length, 2);
  });

  it('appends a new merge-list item where $setElementOrder says', () => {
    const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'new' }, { name: 'sidecar' }], containers: [{ name: 'new', image: 'x' }] } } } };
    const out = applyStrategicMergePatch(deployment(), patch, opts);
    assert.deepEqual(out.spec.template.spec.containers.map((c) => c.name), ['nginx', 'new', 'sidecar']);
  });

  it('without $setElementOrder a new item goes first (upstream mergeSortedSlice)', () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'new', image: 'x' }] } } } }, opts);
    assert.deepEqual(out.spec.template.spec.containers.map((c) => c.name), ['new', 'nginx', 'sidecar']);
  });

  it('merges env by name and deletes with null inside an item', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'nginx', env: [{ name: 'B', value: null }, { name: 'C', value: '3' }] }] } } } };
    const out = applyStrategicMergePatch(deployment(), patch, opts);
    assert.deepEqual(out.spec.template.spec.containers[0].env, [{ name: 'A', value: '1' }, { name: 'B' }, { name: 'C', value: '3' }]);
  });

  it('$patch: replace on a list replaces it', () => {
    const patch = { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } } } };
    const out = applyStrategicMergePatch(deployment(), patch, opts);
    assert.deepEqual(out.spec.template.spec.containers, [{ name: 'only', image: 'x' }]);
  });

  it('$patch: replace and delete on a map', () => {
    const out = applyStrategicMergePatch(deployment(), { metadata: { labels: { $patch: 'replace', z: '1' } }, spec: { strategy: { $patch: 'delete' } } }, opts);
    assert.deepEqual(out.metadata.labels, { z: '1' });
    assert.deepEqual(out.spec.strategy, {});
  });

  it('primitive merge lists union, and $deleteFromPrimitiveList removes', () => {
    const out = applyStrategicMergePatch(deployment(), { metadata: { finalizers: ['c', 'a'] } }, opts);
    assert.deepEqual(out.metadata.finalizers, ['c', 'a', 'b']);
    const out2 = applyStrategicMergePatch(deployment(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, opts);
    assert.deepEqual(out2.metadata.finalizers, ['b']);
    const out3 = applyStrategicMergePatch(deployment(), { metadata: { '$setElementOrder/finalizers': ['b', 'c', 'a'], finalizers: ['c'] } }, opts);
    assert.deepEqual(out3.metadata.finalizers, ['b', 'c', 'a']);
  });

  it('lists without a merge strategy are replaced wholesale', () => {
    const d = deployment();
    (d.spec.template.spec.containers[0] as unknown as Record<string, unknown>).args = ['a', 'b'];
    const out = applyStrategicMergePatch(d, { spec: { template: { spec: { containers: [{ name: 'nginx', args: ['c'] }] } } } }, opts);
    assert.deepEqual((out.spec.template.spec.containers[0] as unknown as Record<string, unknown>).args, ['c']);
  });

  it('$retainKeys clears keys the patch does not keep (volume source switch)', () => {
    const patch = { spec: { template: { spec: { volumes: [{ $retainKeys: ['hostPath', 'name'], name: 'data', hostPath: { path: '/x' } }] } } } };
    const out = applyStrategicMergePatch(deployment(), patch, opts);
    assert.deepEqual(out.spec.template.spec.volumes, [{ name: 'data', hostPath: { path: '/x' } }]);
    const strat = applyStrategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } }, opts);
    assert.deepEqual(strat.spec.strategy, { type: 'Recreate' });
  });

  it('rejects patch keys missing from $retainKeys with 400', () => {
    assert.throws(
      () => applyStrategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, opts),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'invalid patch format of retainKeys',
    );
  });

  it('null deletes; cordon/uncordon style', () => {
    const pod = { spec: { unschedulable: true, containers: [] } };
    assert.deepEqual(applyStrategicMergePatch(pod, { spec: { unschedulable: null } }, podOpts), { spec: { containers: [] } });
  });

  it('fields without schema: maps merge, lists replace, directives are not stored', () => {
    const out = applyStrategicMergePatch({ spec: { a: { b: 1 }, l: [1, 2] } }, { spec: { a: { c: 2 }, l: [3], n: { x: null, $patch: 'delete' }, m: { k: 1, '$setElementOrder/q': [] } } });
    assert.deepEqual(out, { spec: { a: { b: 1, c: 2 }, l: [3], m: { k: 1 } } });
  });

  it('a delete directive without the merge key is a 422 with upstream text (upstream: a bare 500, a client mistake here)', () => {
    assert.throws(
      () => applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ $patch: 'delete', image: 'x' }] } } } }, opts),
      (e: unknown) => e instanceof StatusError && e.code === 422 && e.message === 'map: map[$patch:delete image:x] does not contain declared merge key: name',
    );
  });

  it('rejects a non-object patch with 400', () => {
    assert.throws(() => applyStrategicMergePatch({}, [1]), (e: unknown) => e instanceof StatusError && e.code === 400);
  });
});
