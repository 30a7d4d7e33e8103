import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, findUnknownFields, prune, validateValue } from './index.js';
import { definitions } from './testdata/fixtures.js';
import type { Schema } from '../types.js';

const pod: Schema = { $ref: 'io.k8s.api.core.v1.Pod' };

function samplePod(): Record<string, any> {
  const container = (n: number) => ({
    name: `c${n}`,
    image: 'nginx:1.27',
    args: ['--a', '--b'],
    ports: [{ containerPort: 80 + n, protocol: 'TCP' }],
    resources: { limits: { cpu: 1, memory: '128Mi' } },
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, creationTimestamp: null },
    spec: { containers: [container(1), container(2), container(3)], restartPolicy: 'Always', terminationGracePeriodSeconds: 30 },
  };
}

test('a valid pod has no errors; nulls in object fields are ignored; Quantity accepts numbers', () => {
  assert.deepEqual(validateValue(samplePod(), pod, definitions), []);
});

test('type, enum, required, minimum, maxLength errors use upstream messages', () => {
  const p = samplePod();
  p.spec.terminationGracePeriodSeconds = 'soon';
  p.spec.restartPolicy = 'Sometimes';
  delete p.spec.containers[1].name;
  p.spec.containers[0].name = 'x'.repeat(64);
  p.spec.containers[2].ports[0].containerPort = 0;
  const errs = validateValue(p, pod, definitions);
  const byField = Object.fromEntries(errs.map((e) => [e.field, e]));
  assert.equal(
    byField['spec.terminationGracePeriodSeconds'].message,
    'Invalid value: "string": spec.terminationGracePeriodSeconds in body must be of type integer: "string"',
  );
  assert.equal(byField['spec.terminationGracePeriodSeconds'].reason, 'FieldValueTypeInvalid');
  assert.equal(byField['spec.restartPolicy'].message, 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
  assert.equal(byField['spec.containers[1].name'].message, 'Required value');
  assert.equal(byField['spec.containers[0].name'].message, 'Too long: may not be more than 63 bytes');
  assert.equal(
    byField['spec.containers[2].ports[0].containerPort'].message,
    'Invalid value: 0: spec.containers[2].ports[0].containerPort in body should be greater than or equal to 1',
  );
  assert.equal(errs.length, 5);
});

test('int-or-string, list-map duplicates, path prefix and nullable', () => {
  const schema: Schema = {
    type: 'object',
    properties: {
      port: { 'x-kubernetes-int-or-string': true },
      tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      maybe: { type: 'array', items: { type: 'string', nullable: true } },
      strict: { type: 'array', items: { type: 'string' } },
    },
  };
  const errs = validateValue({ port: true, tags: ['a', 'a'], maybe: [null], strict: [null] }, schema, {}, { path: 'spec' });
  assert.deepEqual(
    errs.map((e) => `${e.field}: ${e.message}`),
    [
      'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
      'spec.tags[1]: Duplicate value: "a"',
      'spec.strict[0]: Invalid value: "null": spec.strict[0] in body must be of type string: "null"',
    ],
  );
  assert.deepEqual(validateValue({ port: 8080 }, schema, {}), []);
  assert.deepEqual(validateValue({ port: 'http' }, schema, {}), []);
});

test('pattern, formats, maxItems', () => {
  const schema: Schema = {
    type: 'object',
    properties: {
      name: { type: 'string', pattern: '^[a-z]+$' },
      when: { type: 'string', format: 'date-time' },
      list: { type: 'array', maxItems: 1, items: { type: 'integer' } },
    },
  };
  const errs = validateValue({ name: 'ABC', when: 'yesterday', list: [1, 2] }, schema, {});
  assert.deepEqual(
    errs.map((e) => `${e.field}: ${e.message}`),
    [
      "name: Invalid value: \"ABC\": name in body should match '^[a-z]+$'",
      'when: Invalid value: "yesterday": when in body must be of type date-time: "yesterday"',
      'list: Too many: 2: must have at most 1 items',
    ],
  );
});

test('findUnknownFields walks refs, honours preserve-unknown-fields and opaque definitions', () => {
  const p = samplePod();
  p.spec.foo = 1;
  p.spec.containers[1].bar = { x: 1 };
  p.status = { anything: true };
  p.metadata.managedFields = [{ manager: 'kubectl', fieldsV1: { 'f:metadata': {} } }];
  p.metadata.bogus = 'x';
  assert.deepEqual(findUnknownFields(p, pod, definitions), ['metadata.bogus', 'spec.containers[1].bar', 'spec.foo']);
});

test('prune drops unknown fields in place; inline empty objects know no keys; embedded resources keep apiVersion/kind', () => {
  const schema: Schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          keep: { type: 'string' },
          empty: { type: 'object' },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          tpl: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } },
        },
      },
    },
  };
  const v: any = {
    spec: { keep: 'x', drop: 1, empty: { gone: 1 }, free: { stays: 1 }, tpl: { apiVersion: 'v1', kind: 'X', spec: { a: 'ok', b: 'no' } } },
  };
  assert.deepEqual(prune(v, schema, {}), ['spec.drop', 'spec.empty.gone', 'spec.tpl.spec.b']);
  assert.deepEqual(v, { spec: { keep: 'x', empty: {}, free: { stays: 1 }, tpl: { apiVersion: 'v1', kind: 'X', spec: { a: 'ok' } } } });
});

test('applyDefaults fills missing fields through refs and replaces non-nullable nulls', () => {
  const p = samplePod();
  delete p.spec.restartPolicy;
  p.spec.containers[0].ports = [{ containerPort: 80 }, { containerPort: 81, protocol: null }];
  applyDefaults(p, pod, definitions);
  assert.equal(p.spec.restartPolicy, 'Always');
  assert.deepEqual(p.spec.containers[0].ports, [
    { containerPort: 80, protocol: 'TCP' },
    { containerPort: 81, protocol: 'TCP' },
  ]);
  const schema: Schema = { type: 'object', properties: { o: { type: 'object', default: { a: [] } }, n: { type: 'string' } } };
  const a: any = { n: null };
  const b: any = {};
  applyDefaults(a, schema, {});
  applyDefaults(b, schema, {});
  assert.deepEqual(a, { o: { a: [] } });
  (a.o.a as number[]).push(1);
  assert.deepEqual(b.o, { a: [] }, 'defaults are copied, never shared');
});
