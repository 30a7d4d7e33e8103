import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../../api/errors.js';
import { decodeProtobufObject, protobufMessageFor, readProtobufEnvelope } from './index.js';
import { envelope, pb, type PbField } from './pb-writer.test-helper.js';
import { formatDuration } from './special.js';

const T = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;

/** ObjectMeta the way gogo writes it: every plain field present, even when empty. */
const meta = (name: string, more: PbField[] = []): PbField => [1, [[1, name], [2, ''], [3, ''], [4, ''], [5, ''], [6, ''], [7, 0], [8, []], ...more]];

function status(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return err;
  }
  assert.fail('expected a StatusError');
}

test('ObjectMeta: empty plain fields vanish, pointers and timestamps survive', () => {
  const obj = decodeProtobufObject(
    envelope(
      'v1',
      'ConfigMap',
      pb([
        meta('cm', [
          [8, [[1, T]]],
          [9, [[1, T + 60]]],
          [10, 0],
          [13, [[5, 'apps/v1'], [1, 'ReplicaSet'], [3, 'rs'], [4, 'u1'], [6, false]]],
          [14, 'example.com/f'],
          [17, [[1, 'kubectl'], [2, 'Update'], [3, 'v1'], [4, [[1, T]]], [6, 'FieldsV1'], [7, [[1, '{"f:data":{"f:a":{}}}']]], [8, '']]],
          [11, [[1, 'app'], [2, '']]],
        ]),
        [2, [[1, 'a'], [2, 'b']]],
        [3, [[1, 'bin'], [2, Buffer.from([0xff, 0x00])]]],
        [4, false],
      ]),
    ),
  );
  assert.deepEqual(obj, {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: {
      name: 'cm',
      creationTimestamp: '2026-01-02T03:04:05Z',
      deletionTimestamp: '2026-01-02T03:05:05Z',
      deletionGracePeriodSeconds: 0,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: false }],
      finalizers: ['example.com/f'],
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }],
      labels: { app: '' },
    },
    data: { a: 'b' },
    binaryData: { bin: '/wA=' },
    immutable: false,
  });
});

test('MicroTime keeps microseconds; int64 and packed repeated fields decode', () => {
  const obj = decodeProtobufObject(
    envelope('coordination.k8s.io/v1', 'Lease', pb([meta('l'), [2, [[1, 'node-1'], [2, 40], [3, [[1, T], [2, 123456789]]], [5, 0]]]])),
  );
  assert.deepEqual(obj.spec, { holderIdentity: 'node-1', leaseDurationSeconds: 40, acquireTime: '2026-01-02T03:04:05.123456Z', leaseTransitions: 0 });

  const pod = decodeProtobufObject(envelope('v1', 'Pod', pb([meta('p'), [2, [[14, [[4, { packed: [0, 3000] }], [5, -1]]]]]])));
  assert.deepEqual((pod.spec as Record<string, unknown>).securityContext, { supplementalGroups: [0, 3000], fsGroup: -1 });
});

test('inline members (Volume source, probe handler) merge into their parent', () => {
  const pod = decodeProtobufObject(
    envelope(
      'v1',
      'Pod',
      pb([
        meta('p'),
        [2, [
          [1, [[1, 'v'], [2, [[2, [[1, ''], [2, [[1, '1Gi']]]]]]]]],
          [2, [[1, 'c'], [2, 'img'], [10, [[1, [[2, [[1, '/h'], [2, [[1, 1], [2, 0], [3, 'http']]], [3, ''], [4, '']]]]], [2, 0], [4, 10]]]]],
        ]],
      ]),
    ),
  );
  assert.deepEqual(pod.spec, {
    volumes: [{ name: 'v', emptyDir: { sizeLimit: '1Gi' } }],
    containers: [{ name: 'c', image: 'img', livenessProbe: { httpGet: { path: '/h', port: 'http' }, periodSeconds: 10 } }],
  });
});

test('DeleteOptions keeps explicit zero pointers; RawExtension becomes JSON', () => {
  const opts = decodeProtobufObject(envelope('v1', 'DeleteOptions', pb([[1, 0], [2, [[1, 'u1']]], [4, 'Foreground'], [5, 'All']])));
  assert.deepEqual(opts, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: 'u1' }, propagationPolicy: 'Foreground', dryRun: ['All'] });

  const rev = decodeProtobufObject(envelope('apps/v1', 'ControllerRevision', pb([meta('r'), [2, [[1, '{"spec":{"x":1}}']]], [3, 7]])));
  assert.deepEqual(rev, { kind: 'ControllerRevision', apiVersion: 'apps/v1', metadata: { name: 'r' }, data: { spec: { x: 1 } }, revision: 7 });
});

test('unknown fields are skipped', () => {
  const obj = decodeProtobufObject(envelope('v1', 'Namespace', pb([meta('n'), [99, 'future'], [98, 5]])));
  assert.deepEqual(obj, { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'n' } });
});

test('an unsupported kind is a 415 naming the kind', () => {
  const err = status(() => decodeProtobufObject(envelope('example.com/v1', 'Widget', pb([meta('w')]))));
  assert.equal(err.code, 415);
  assert.equal(err.reason, 'UnsupportedMediaType');
  assert.match(err.message, /"Widget" in version "example.com\/v1"/);
  assert.equal(protobufMessageFor('example.com/v1', 'Widget'), undefined);
});

test('malformed bodies are 400s', () => {
  assert.equal(status(() => decodeProtobufObject(Buffer.from('{"kind":"Pod"}'))).code, 400);
  const truncated = envelope('v1', 'ConfigMap', pb([meta('cm')])).subarray(0, 30);
  assert.equal(status(() => decodeProtobufObject(truncated)).code, 400);
  const badRaw = envelope('v1', 'ConfigMap', Buffer.from([0x0a, 0x05, 0x01]));
  assert.equal(status(() => decodeProtobufObject(badRaw)).code, 400);
  const wrongWire = envelope('v1', 'ConfigMap', pb([[1, 5]]));
  assert.equal(status(() => decodeProtobufObject(wrongWire)).code, 400);
  assert.equal(status(() => decodeProtobufObject(envelope('v1', 'ConfigMap', pb([meta('cm')]), [[3, 'gzip']]))).code, 415);
});

test('readProtobufEnvelope exposes the type meta and payload', () => {
  const env = readProtobufEnvelope(envelope('apps/v1', 'Deployment', Buffer.from([1, 2, 3]), [[3, ''], [4, 'application/vnd.kubernetes.protobuf']]));
  assert.deepEqual(env, { apiVersion: 'apps/v1', kind: 'Deployment', raw: Buffer.from([1, 2, 3]), contentEncoding: '', contentType: 'application/vnd.kubernetes.protobuf' });
});

test('formatDuration follows Go time.Duration.String', () => {
  assert.equal(formatDuration(0n), '0s');
  assert.equal(formatDuration(1500n), '1.5µs');
  assert.equal(formatDuration(90_000_000_000n), '1m30s');
  assert.equal(formatDuration(3_600_000_000_000n), '1h0m0s');
  assert.equal(formatDuration(-2_500_000_000n), '-2.5s');
});

test('Scale and v1beta1 SelfSubjectReview are registered', () => {
  const scale = decodeProtobufObject(envelope('autoscaling/v1', 'Scale', pb([meta('web'), [2, [[1, 3]]], [3, [[1, 0], [2, '']]]])));
  assert.deepEqual(scale, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web' }, spec: { replicas: 3 }, status: { replicas: 0 } });
  const ssr = decodeProtobufObject(envelope('authentication.k8s.io/v1beta1', 'SelfSubjectReview', pb([meta(''), [2, [[1, [[1, ''], [2, ''], [4, [[1, 'k'], [2, [[1, 'a'], [1, 'b']]]]]]]]]])));
  assert.deepEqual(ssr, { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1beta1', metadata: {}, status: { userInfo: { extra: { k: ['a', 'b'] } } } });
});
