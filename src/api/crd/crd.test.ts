import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdStatus, evaluateJsonPath, parseJsonPath, resourceTypesFromCRD, validateCRD } from './index.js';
import { findUnknownFields, prune, validateValue, applyDefaults } from '../structural/index.js';
import { openapiV3Document } from '../openapi/index.js';
import { definitions as builtins } from '../structural/testdata/fixtures.js';
import type { KObject } from '../types.js';

const now = new Date('2025-01-10T12:00:00Z');

function crontabCRD(): KObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'], categories: ['all'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
                    image: { type: 'string' },
                    replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
                  },
                },
                status: {
                  type: 'object',
                  properties: {
                    replicas: { type: 'integer' },
                    conditions: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, status: { type: 'string' } } } },
                  },
                },
              },
            },
          },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
          additionalPrinterColumns: [
            { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
            { name: 'Image', type: 'string', priority: 1, jsonPath: '.spec.image' },
          ],
        },
        { name: 'v1beta1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
      ],
    },
  };
}

test('JSONPath subset', () => {
  const obj = { status: { conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True' }] }, metadata: { labels: { 'app.kubernetes.io/name': 'x' } }, a: [1, 2, 3] };
  assert.deepEqual(evaluateJsonPath(parseJsonPath('.status.conditions[?(@.type=="Ready")].status'), obj), ['True']);
  assert.deepEqual(evaluateJsonPath(parseJsonPath('.metadata.labels.app\\.kubernetes\\.io/name'), obj), ['x']);
  assert.deepEqual(evaluateJsonPath(parseJsonPath("{.metadata.labels['app.kubernetes.io/name']}"), obj), ['x']);
  assert.deepEqual(evaluateJsonPath(parseJsonPath('.a[1]'), obj), [2]);
  assert.deepEqual(evaluateJsonPath(parseJsonPath('.a[*]'), obj), [1, 2, 3]);
  assert.deepEqual(evaluateJsonPath(parseJsonPath('.nope.deeper'), obj), []);
});

test('one ResourceType per served version, with names, scope, subresources and schema', () => {
  const { types, definitions, storageVersion } = resourceTypesFromCRD(crontabCRD());
  assert.equal(storageVersion, 'v1');
  assert.equal(types.length, 1);
  const rt = types[0];
  assert.deepEqual(
    { group: rt.group, version: rt.version, kind: rt.kind, listKind: rt.listKind, plural: rt.plural, singular: rt.singular, namespaced: rt.namespaced, shortNames: rt.shortNames, categories: rt.categories, custom: rt.custom },
    { group: 'stable.example.com', version: 'v1', kind: 'CronTab', listKind: 'CronTabList', plural: 'crontabs', singular: 'crontab', namespaced: true, shortNames: ['ct'], categories: ['all'], custom: true },
  );
  assert.equal(rt.schemaRef, 'com.example.stable.v1.CronTab');
  assert.deepEqual(rt.subresources, { status: true, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } });
  const schema = definitions['com.example.stable.v1.CronTab'];
  assert.deepEqual(Object.keys(schema.properties!).sort(), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  assert.deepEqual(schema['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }]);
  assert.ok(definitions['com.example.stable.v1.CronTabList']);

  // The converted schema drives validation, pruning, defaulting and OpenAPI.
  const defs = { ...builtins, ...definitions };
  const ref = { $ref: rt.schemaRef };
  const cr: any = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'c', namespace: 'default' }, spec: { cronSpec: '* * * * */5', image: 'img', extra: true } };
  assert.deepEqual(findUnknownFields(cr, ref, defs), ['spec.extra']);
  assert.deepEqual(prune(cr, ref, defs), ['spec.extra']);
  applyDefaults(cr, ref, defs);
  assert.equal(cr.spec.replicas, 1);
  assert.deepEqual(validateValue(cr, ref, defs), []);
  cr.spec.replicas = 'three';
  assert.deepEqual(validateValue(cr, ref, defs).map((e) => `${e.field}: ${e.message}`), [
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
  ]);
  const doc = openapiV3Document(types, defs, 'stable.example.com', 'v1') as any;
  assert.ok(doc.components.schemas['com.example.stable.v1.CronTab']);
  assert.ok(doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}/scale']);
});

test('printer from additionalPrinterColumns', () => {
  const { types } = resourceTypesFromCRD(crontabCRD());
  const p = types[0].printer!;
  assert.deepEqual(p.columns.map((c) => [c.name, c.type, c.priority]), [
    ['Name', 'string', 0], ['Spec', 'string', 0], ['Replicas', 'integer', 0], ['Ready', 'string', 0], ['Age', 'date', 0], ['Image', 'string', 1],
  ]);
  const obj: KObject = {
    metadata: { name: 'c', creationTimestamp: '2025-01-10T11:00:00Z' },
    spec: { cronSpec: '* * * * */5', replicas: 2 },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
  assert.deepEqual(p.row(obj, now), ['c', '* * * * */5', 2, 'True', '60m', null]);

  const bare = crontabCRD() as any;
  delete bare.spec.versions[0].additionalPrinterColumns;
  const dp = resourceTypesFromCRD(bare).types[0].printer!;
  assert.deepEqual(dp.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Age', 'date']]);
  assert.deepEqual(dp.row(obj, now), ['c', '60m']);
});

test('validateCRD accepts a good CRD and reports the main upstream rules', () => {
  assert.deepEqual(validateCRD(crontabCRD()), []);
  const bad = crontabCRD() as any;
  bad.metadata.name = 'wrong';
  bad.spec.scope = 'Global';
  bad.spec.versions[1].storage = true;
  bad.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.untyped = { description: 'no type' };
  bad.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.list = { type: 'array' };
  bad.spec.versions[0].additionalPrinterColumns[0].type = 'text';
  const errs = validateCRD(bad).map((e) => `${e.field}: ${e.message}`);
  assert.deepEqual(errs, [
    'metadata.name: Invalid value: "wrong": must be spec.names.plural+"."+spec.group',
    'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
    'spec.versions: Invalid value: ["v1","v1beta1"]: must have exactly one version marked as storage version',
    'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[untyped].type: Required value: must not be empty for specified object fields',
    'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[list].items: Required value: must be specified',
    'spec.versions[0].additionalPrinterColumns[0].type: Unsupported value: "text": supported values: "integer", "number", "string", "boolean", "date"',
  ]);
  const noNames = { metadata: { name: 'x' }, spec: { group: 'example', names: {}, versions: [] } };
  const fields = validateCRD(noNames).map((e) => e.field);
  assert.ok(fields.includes('spec.names.plural') && fields.includes('spec.names.kind') && fields.includes('spec.group') && fields.includes('spec.scope'));
});

test('status to write back keeps transition times', () => {
  const crd = crontabCRD();
  const st = crdStatus(crd, now);
  assert.deepEqual(st.conditions.map((c) => [c.type, c.status, c.reason]), [['NamesAccepted', 'True', 'NoConflicts'], ['Established', 'True', 'InitialNamesAccepted']]);
  assert.equal(st.conditions[0].lastTransitionTime, '2025-01-10T12:00:00Z');
  assert.deepEqual(st.acceptedNames, { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'], categories: ['all'] });
  assert.deepEqual(st.storedVersions, ['v1']);
  const later = crdStatus({ ...crd, status: st }, new Date('2025-02-01T00:00:00Z'));
  assert.equal(later.conditions[1].lastTransitionTime, '2025-01-10T12:00:00Z');
});
