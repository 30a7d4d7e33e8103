/**
 * StorageClass and RuntimeClass defaults, validation and printing, checked against the
 * cases and messages of upstream's pkg/apis/storage/validation and pkg/apis/node/validation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalogue } from '../catalogue.js';
import { Invalid } from '../errors.js';
import { printerFor } from '../printers/index.js';
import type { KObject } from '../types.js';

const catalogue = builtinCatalogue();
const storageClasses = catalogue.byKind('storage.k8s.io', 'v1', 'StorageClass')!;
const runtimeClasses = catalogue.byKind('node.k8s.io', 'v1', 'RuntimeClass')!;

/** Defaults then validates, as the write path does; errors as `field: message`. */
function check(rt: typeof storageClasses, obj: KObject, old?: KObject): string[] {
  rt.defaulter?.(obj);
  return rt.validator!(obj, old).map((e) => `${e.field}: ${e.message}`);
}
const sc = (fields: Record<string, unknown> = {}): KObject => ({ metadata: { name: 'fast' }, provisioner: 'example.com/fast', ...fields });
const rc = (fields: Record<string, unknown> = {}): KObject => ({ metadata: { name: 'sandboxed' }, handler: 'runsc', ...fields });
const LABEL_NAME_REGEX = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('StorageClass', () => {
  it('defaults reclaimPolicy to Delete and volumeBindingMode to Immediate, keeping what is set', () => {
    const plain = sc();
    assert.deepEqual(check(storageClasses, plain), []);
    assert.equal(plain.reclaimPolicy, 'Delete');
    assert.equal(plain.volumeBindingMode, 'Immediate');
    const nulls = sc({ reclaimPolicy: null, volumeBindingMode: null });
    storageClasses.defaulter!(nulls);
    assert.deepEqual([nulls.reclaimPolicy, nulls.volumeBindingMode], ['Delete', 'Immediate']);
    const set = sc({ reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' });
    assert.deepEqual(check(storageClasses, set), []);
    assert.deepEqual([set.reclaimPolicy, set.volumeBindingMode], ['Retain', 'WaitForFirstConsumer']);
  });

  it('requires a provisioner that is a qualified name once lowercased', () => {
    assert.deepEqual(check(storageClasses, sc({ provisioner: undefined })), ['provisioner: Required value']);
    assert.deepEqual(check(storageClasses, sc({ provisioner: '' })), ['provisioner: Required value']);
    assert.deepEqual(check(storageClasses, sc({ provisioner: 'kubernetes.io/AWS-EBS' })), []);
    assert.deepEqual(check(storageClasses, sc({ provisioner: 'Bad Provisioner' })), [`provisioner: Invalid value: "bad provisioner": ${LABEL_NAME_REGEX}`]);
  });

  it('limits parameters: no empty key, at most 512 entries and 256 KiB', () => {
    assert.deepEqual(check(storageClasses, sc({ parameters: { '': 'x', type: 'ssd' } })), ['parameters: Invalid value: "": field can not be empty.']);
    const many = Object.fromEntries(Array.from({ length: 513 }, (_, i) => [`k${i}`, 'v']));
    assert.deepEqual(check(storageClasses, sc({ parameters: many })), ['parameters: Too long: may not be more than 512 bytes']);
    assert.deepEqual(check(storageClasses, sc({ parameters: { big: 'x'.repeat(256 * 1024) } })), ['parameters: Too long: may not be more than 262144 bytes']);
  });

  it('accepts only the supported policies and binding modes', () => {
    assert.deepEqual(check(storageClasses, sc({ reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' })), [
      'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
      'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
    ]);
    // Upstream checks only a non-empty reclaimPolicy.
    assert.deepEqual(storageClasses.validator!(sc({ reclaimPolicy: '', volumeBindingMode: 'Immediate' })), []);
    assert.deepEqual(storageClasses.validator!(sc({ reclaimPolicy: 'Delete' })).map((e) => `${e.field}: ${e.message}`), ['volumeBindingMode: Required value']);
  });

  it('checks allowed topologies: values present and unique, keys valid and unique, terms distinct', () => {
    const zone = (values: string[], key = 'topology.kubernetes.io/zone') => ({ key, values });
    assert.deepEqual(check(storageClasses, sc({ allowedTopologies: [{ matchLabelExpressions: [zone(['a', 'b'])] }, { matchLabelExpressions: [zone(['c'])] }] })), []);
    assert.deepEqual(check(storageClasses, sc({
      allowedTopologies: [{ matchLabelExpressions: [zone([]), zone(['a', 'a']), zone(['b'], 'bad key')] }],
    })), [
      'allowedTopologies[0].matchLabelExpressions[0].values: Required value',
      'allowedTopologies[0].matchLabelExpressions[1].values[1]: Duplicate value: "a"',
      'allowedTopologies[0].matchLabelExpressions[1].key: Duplicate value: "topology.kubernetes.io/zone"',
      `allowedTopologies[0].matchLabelExpressions[2].key: Invalid value: "bad key": ${LABEL_NAME_REGEX}`,
    ]);
    // The same term twice (values in another order) is a duplicate.
    assert.deepEqual(check(storageClasses, sc({ allowedTopologies: [{ matchLabelExpressions: [zone(['a', 'b'])] }, { matchLabelExpressions: [zone(['b', 'a'])] }] })), [
      'allowedTopologies[1].matchLabelExpressions: Duplicate value: ""',
    ]);
    // A term without expressions equals upstream's empty placeholders: one duplicate per term.
    assert.deepEqual(check(storageClasses, sc({ allowedTopologies: [{}] })), ['allowedTopologies[0].matchLabelExpressions: Duplicate value: ""']);
  });

  it('refuses changing parameters, provisioner, reclaimPolicy and volumeBindingMode with upstream words', () => {
    const old = sc({ parameters: { type: 'ssd' }, reclaimPolicy: 'Retain' });
    storageClasses.defaulter!(old);
    const changed = sc({ parameters: { type: 'hdd' }, provisioner: 'example.com/slow', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' });
    assert.deepEqual(check(storageClasses, changed, old), [
      'parameters: Forbidden: updates to parameters are forbidden.',
      'provisioner: Forbidden: updates to provisioner are forbidden.',
      'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
      'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ]);
    const relaxed = { ...structuredClone(old), allowVolumeExpansion: true, mountOptions: ['ro'], metadata: { name: 'fast', labels: { tier: 'gold' } } };
    assert.deepEqual(check(storageClasses, relaxed, old), []);
    // An update is checked by the create rules too.
    assert.deepEqual(check(storageClasses, { ...structuredClone(old), parameters: { type: 'ssd', '': 'x' } }, old), [
      'parameters: Invalid value: "": field can not be empty.',
      'parameters: Forbidden: updates to parameters are forbidden.',
    ]);
    const noParams = sc();
    storageClasses.defaulter!(noParams);
    assert.deepEqual(check(storageClasses, { ...structuredClone(noParams), parameters: {} }, noParams), []);
  });

  it('prints upstream columns, marking the default class', () => {
    const printer = printerFor('storage.k8s.io', 'StorageClass')!;
    assert.deepEqual(printer.columns.map((c) => c.name), ['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
    const now = new Date('2026-01-01T00:10:00Z');
    const metadata = (annotations: Record<string, string>) => ({ name: 'fast', creationTimestamp: '2026-01-01T00:00:00Z', annotations });
    assert.deepEqual(printer.row({ ...sc(), metadata: metadata({ 'storageclass.kubernetes.io/is-default-class': 'true' }) }, now), ['fast (default)', 'example.com/fast', 'Delete', 'Immediate', false, '10m']);
    assert.equal(printer.row({ ...sc(), metadata: metadata({ 'storageclass.beta.kubernetes.io/is-default-class': 'true' }) }, now)[0], 'fast (default)');
    assert.equal(printer.row({ ...sc(), metadata: metadata({ 'storageclass.kubernetes.io/is-default-class': 'false' }) }, now)[0], 'fast');
    assert.deepEqual(printer.row({ ...sc({ reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true }), metadata: metadata({}) }, now).slice(2, 5), ['Retain', 'WaitForFirstConsumer', true]);
  });
});

describe('RuntimeClass', () => {
  it('needs a handler that is a DNS label, and never changes it', () => {
    assert.deepEqual(check(runtimeClasses, rc()), []);
    const labelError = (v: string) => `handler: Invalid value: "${v}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`;
    assert.deepEqual(check(runtimeClasses, rc({ handler: 'Not_A_Label' })), [labelError('Not_A_Label')]);
    assert.deepEqual(check(runtimeClasses, rc({ handler: undefined })), [labelError('')]);
    assert.deepEqual(check(runtimeClasses, rc({ handler: 'runc' }), rc()), ['handler: Invalid value: "runc": field is immutable']);
    assert.deepEqual(check(runtimeClasses, { ...rc(), metadata: { name: 'sandboxed', labels: { a: 'b' } } }, rc()), []);
  });

  it('checks the pod overhead as container limits', () => {
    assert.deepEqual(check(runtimeClasses, rc({ overhead: { podFixed: { cpu: '250m', memory: '120Mi', 'example.com/gpu': '1' } } })), []);
    assert.deepEqual(check(runtimeClasses, rc({ overhead: { podFixed: { cpu: '-1', memory: '-512Mi', 'example.com/gpu': '500m', foo: '1' } } })), [
      'overhead.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0',
      'overhead.limits[example.com/gpu]: Invalid value: "500m": must be an integer',
      'overhead.limits[foo]: Invalid value: "foo": must be a standard resource type or fully qualified',
      'overhead.limits[foo]: Invalid value: "foo": must be a standard resource for containers',
      'overhead.limits[memory]: Invalid value: "-512Mi": must be greater than or equal to 0',
    ]);
    assert.deepEqual(check(runtimeClasses, rc({ overhead: { podFixed: { 'hugepages-2Mi': '3Mi' } } })), [
      'overhead.limits[hugepages-2Mi]: Invalid value: "3Mi": 3Mi is not positive integer multiple of hugepages-2Mi',
      'overhead: Forbidden: HugePages require cpu or memory',
    ]);
    assert.deepEqual(check(runtimeClasses, rc({ overhead: { podFixed: { memory: '1Gi', 'hugepages-2Mi': '4Mi' } } })), []);
    assert.deepEqual(check(runtimeClasses, rc({ overhead: {} })), []);
  });

  it('checks the scheduling node selector and tolerations, refusing repeated tolerations', () => {
    const ok = { nodeSelector: { 'runtime/sandbox': 'yes' }, tolerations: [{ key: 'sandbox', operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists' }] };
    assert.deepEqual(check(runtimeClasses, rc({ scheduling: ok })), []);
    const bad = {
      nodeSelector: { 'bad key': 'x' },
      tolerations: [
        { operator: 'Equal', value: 'v' },
        { key: 'k', operator: 'Exists', value: 'v' },
        { key: 'k', operator: 'Maybe', effect: 'Sometimes' },
        { key: 'k', value: 'v', effect: 'NoSchedule', tolerationSeconds: 30 },
        { key: 'k', value: 'bad value!' },
        { key: 'k', operator: 'Exists', value: 'v' },
      ],
    };
    assert.deepEqual(check(runtimeClasses, rc({ scheduling: bad })), [
      `scheduling.nodeSelector: Invalid value: "bad key": ${LABEL_NAME_REGEX}`,
      'scheduling.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
      'scheduling.tolerations[1].operator: Invalid value: "v": value must be empty when `operator` is \'Exists\'',
      'scheduling.tolerations[2].operator: Unsupported value: "Maybe": supported values: "Equal", "Exists"',
      'scheduling.tolerations[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      'scheduling.tolerations[3].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set',
      "scheduling.tolerations[4].operator: Invalid value: \"bad value!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      'scheduling.tolerations[5].operator: Invalid value: "v": value must be empty when `operator` is \'Exists\'',
      'scheduling.tolerations[5]: Duplicate value: core.Toleration{Key:"k", Operator:"Exists", Value:"v", Effect:"", TolerationSeconds:(*int64)(nil)}',
    ]);
  });

  it('prints Name, Handler and Age', () => {
    const printer = printerFor('node.k8s.io', 'RuntimeClass')!;
    assert.deepEqual(printer.columns.map((c) => c.name), ['Name', 'Handler', 'Age']);
    assert.deepEqual(printer.row({ ...rc(), metadata: { name: 'sandboxed', creationTimestamp: '2026-01-01T00:00:00Z' } }, new Date('2026-01-01T02:00:00Z')), ['sandboxed', 'runsc', '120m']);
  });
});

it('an Invalid answer names each distinct error once in its message and keeps every cause', () => {
  const same = { reason: 'FieldValueRequired', field: 'provisioner', message: 'Required value' };
  const err = new Invalid('StorageClass', 'storage.k8s.io', 'fast', [same, same]);
  const status = err.toStatus();
  assert.equal(status.message, 'StorageClass.storage.k8s.io "fast" is invalid: provisioner: Required value');
  assert.equal(status.details?.causes?.length, 2);
});
