import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalogue } from '../catalogue.js';
import type { FieldError, KObject } from '../types.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from './names.js';

const catalogue = builtinCatalogue();
function check(group: string, kind: string, obj: KObject, old?: KObject): FieldError[] {
  const rt = catalogue.byKind(group, 'v1', kind)!;
  rt.defaulter?.(obj);
  return rt.validator!(obj, old);
}
const deployment = (over: Record<string, unknown> = {}): KObject => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, ...over },
});

test('name messages have upstream wording', () => {
  assert.deepEqual(isDNS1123Subdomain('Foo'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  assert.deepEqual(isDNS1123Label('a_b'), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(isQualifiedName('example.com/ok'), []);
  assert.match(isQualifiedName('bad key')[0], /^name part must consist of alphanumeric characters/);
});

test('a valid deployment passes; replicas and selector rules fail with kubectl-shaped messages', () => {
  assert.deepEqual(check('apps', 'Deployment', deployment()), []);
  assert.deepEqual(check('apps', 'Deployment', deployment({ replicas: -1 })), [
    { reason: 'FieldValueInvalid', field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' },
  ]);
  const mismatch = deployment({ selector: { matchLabels: { app: 'other' } } });
  assert.deepEqual(check('apps', 'Deployment', mismatch), [
    { reason: 'FieldValueInvalid', field: 'spec.template.metadata.labels', message: 'Invalid value: {"app":"web"}: `selector` does not match template `labels`' },
  ]);
  const noSelector = deployment();
  delete (noSelector.spec as any).selector;
  assert.deepEqual(check('apps', 'Deployment', noSelector), [{ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' }]);
});

test('metadata name and labels', () => {
  const bad = deployment();
  bad.metadata = { name: 'Web', labels: { 'bad key': 'x' } };
  const errs = check('apps', 'Deployment', bad);
  assert.equal(errs[0].field, 'metadata.name');
  assert.match(errs[0].message, /^Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of/);
  assert.equal(errs[1].field, 'metadata.labels');
  assert.match(errs[1].message, /^Invalid value: "bad key": name part must consist/);
  const noName = deployment();
  noName.metadata = {};
  assert.deepEqual(check('apps', 'Deployment', noName)[0], { reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  const svc: KObject = { metadata: { name: '1svc' }, spec: { ports: [{ port: 80 }] } };
  assert.match(check('', 'Service', svc)[0].message, /a DNS-1035 label must consist/);
  assert.match(check('', 'Namespace', { metadata: { name: 'a.b' } })[0].message, /RFC 1123 label/);
});

test('pod rules: containers, names, images, enums, mounts', () => {
  assert.deepEqual(check('', 'Pod', { metadata: { name: 'p' }, spec: { containers: [] } }), [{ reason: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' }]);
  const errs = check('', 'Pod', {
    metadata: { name: 'p' },
    spec: { restartPolicy: 'Sometimes', containers: [{ name: 'a' }, { name: 'a', image: 'x', imagePullPolicy: 'Maybe', volumeMounts: [{ name: 'v', mountPath: '/v' }] }] },
  });
  assert.deepEqual(errs.map((e) => `${e.field}: ${e.message}`), [
    'spec.containers[0].image: Required value',
    'spec.containers[1].name: Duplicate value: "a"',
    'spec.containers[1].imagePullPolicy: Unsupported value: "Maybe": supported values: "Always", "IfNotPresent", "Never"',
    'spec.containers[1].volumeMounts[0].name: Not found: "v"',
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ]);
  const pod: KObject = { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x' }] } };
  assert.deepEqual(check('', 'Pod', pod), []);
  const changed = structuredClone(pod);
  (changed.spec as any).containers[0].image = 'y';
  assert.deepEqual(check('', 'Pod', changed, pod), []);
  (changed.spec as any).containers[0].command = ['sh'];
  assert.equal(check('', 'Pod', changed, pod)[0].field, 'spec');
  // Tolerations as upstream's ValidateTolerations.
  const tolerating = check('', 'Pod', { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x' }], tolerations: [{ operator: 'Equal', value: 'v' }, { key: 'k', effect: 'NoSchedule', tolerationSeconds: 5 }] } });
  assert.deepEqual(tolerating.map((e) => e.field), ['spec.tolerations[0].operator', 'spec.tolerations[1].effect']);
});

test('configmap and secret keys, service ports, job restart policy', () => {
  assert.deepEqual(check('', 'ConfigMap', { metadata: { name: 'c' }, data: { 'a b': 'x' } }).map((e) => e.field), ['data[a b]']);
  assert.match(check('', 'Secret', { metadata: { name: 's' }, data: { 'ok.key': 'eA==' }, type: 'kubernetes.io/tls' })[0].message, /^Required value/);
  const svcErrs = check('', 'Service', { metadata: { name: 's' }, spec: { ports: [{ port: 0, name: 'a' }, { port: 80 }] } });
  assert.deepEqual(svcErrs.map((e) => `${e.field}: ${e.message}`), [
    'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    'spec.ports[1].name: Required value',
  ]);
  const job = check('batch', 'Job', { metadata: { name: 'j' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] } } } });
  assert.deepEqual(job.map((e) => e.field), ['spec.template.spec.restartPolicy']);
});
