import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, printers, toTable, podSummary } from './index.js';
import type { KObject } from '../types.js';

const now = new Date('2025-01-10T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration follows apimachinery HumanDuration', () => {
  const cases: Array<[number, string]> = [
    [-3 * S, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [95 * S, '95s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 5 * S, '3m5s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'],
    [47 * M, '47m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [5 * H + 12 * M, '5h12m'],
    [8 * H, '8h'],
    [30 * H, '30h'],
    [47 * H + 59 * M, '47h'],
    [48 * H, '2d'],
    [3 * D + 4 * H, '3d4h'],
    [8 * D, '8d'],
    [45 * D, '45d'],
    [729 * D, '729d'],
    [730 * D, '2y'],
    [(2 * 365 + 15) * D, '2y15d'],
    [9 * 365 * D, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

function pod(partial: { spec?: object; status?: object; metadata?: object }): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(600), ...partial.metadata },
    spec: { containers: [{ name: 'a' }, { name: 'b' }], ...partial.spec },
    status: partial.status ?? {},
  };
}

const running = (name: string, ready = true, restartCount = 0, extra: object = {}) => ({ name, ready, restartCount, state: { running: { startedAt: ago(300) } }, ...extra });

test('pod status golden rows', () => {
  const rows: Array<[string, KObject, string[]]> = [
    ['pending, unscheduled', pod({ status: { phase: 'Pending' } }), ['0/2', 'Pending', '0']],
    [
      'container creating',
      pod({ status: { phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }, running('b', false)] } }),
      ['0/2', 'ContainerCreating', '0'],
    ],
    [
      'running with restarts',
      pod({
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [running('a', true, 1, { lastState: { terminated: { exitCode: 1, finishedAt: ago(300) } } }), running('b')],
        },
      }),
      ['2/2', 'Running', '1 (5m ago)'],
    ],
    [
      'crash loop',
      pod({
        status: {
          phase: 'Running',
          containerStatuses: [
            { name: 'a', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } },
            running('b'),
          ],
        },
      }),
      ['1/2', 'CrashLoopBackOff', '5 (30s ago)'],
    ],
    [
      'init container running',
      pod({
        spec: { initContainers: [{ name: 'init1' }, { name: 'init2' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'init1', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            { name: 'init2', ready: false, restartCount: 0, state: { running: {} } },
          ],
          containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
        },
      }),
      ['0/2', 'Init:1/2', '0'],
    ],
    [
      'init container crash',
      pod({
        spec: { initContainers: [{ name: 'init1' }] },
        status: { phase: 'Pending', initContainerStatuses: [{ name: 'init1', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
      }),
      ['0/2', 'Init:CrashLoopBackOff', '3'],
    ],
    [
      'init exit code',
      pod({
        spec: { initContainers: [{ name: 'init1' }] },
        status: { phase: 'Pending', initContainerStatuses: [{ name: 'init1', restartCount: 0, state: { terminated: { exitCode: 2 } } }] },
      }),
      ['0/2', 'Init:ExitCode:2', '0'],
    ],
    [
      'sidecar counts toward ready',
      pod({
        spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
          initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 0, state: { running: {} } }],
          containerStatuses: [running('a'), running('b')],
        },
      }),
      ['3/3', 'Running', '0'],
    ],
    [
      'completed',
      pod({
        status: {
          phase: 'Succeeded',
          containerStatuses: [
            { name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            { name: 'b', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          ],
        },
      }),
      ['0/2', 'Completed', '0'],
    ],
    [
      'completed container but another still running and pod not ready',
      pod({
        status: {
          phase: 'Running',
          containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running('b')],
        },
      }),
      ['1/2', 'NotReady', '0'],
    ],
    ['terminating', pod({ metadata: { deletionTimestamp: ago(1) }, status: { phase: 'Running', containerStatuses: [running('a'), running('b')] } }), ['2/2', 'Terminating', '0']],
    ['node lost', pod({ metadata: { deletionTimestamp: ago(1) }, status: { phase: 'Running', reason: 'NodeLost' } }), ['0/2', 'Unknown', '0']],
    [
      'scheduling gated',
      pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }),
      ['0/2', 'SchedulingGated', '0'],
    ],
    ['evicted', pod({ status: { phase: 'Failed', reason: 'Evicted' } }), ['0/2', 'Evicted', '0']],
  ];
  for (const [label, p, [ready, reason, restarts]] of rows) {
    assert.deepEqual(podSummary(p, now), { ready, reason, restarts }, label);
  }
});

test('pod row has every column, wide cells included', () => {
  const p = pod({ spec: { nodeName: 'node-1' }, status: { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }], containerStatuses: [running('a'), running('b')] } });
  const printer = printers['/Pod'];
  assert.deepEqual(printer.columns.map((c) => [c.name, c.priority]), [
    ['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
  ]);
  assert.deepEqual(printer.row(p, now), ['p', '2/2', 'Running', '0', '10m', '10.0.0.5', 'node-1', '<none>', '<none>']);
});

test('deployment, service, job, node rows', () => {
  const d: KObject = {
    metadata: { name: 'web', creationTimestamp: ago(3600) },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'side', image: 'busybox' }] } } },
    status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  };
  assert.deepEqual(printers['apps/Deployment'].row(d, now), ['web', '2/3', 3, 2, '60m', 'nginx,side', 'nginx:1.27,busybox', 'app=web']);

  const svc: KObject = {
    metadata: { name: 'web', creationTimestamp: ago(90) },
    spec: { type: 'NodePort', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }], selector: { app: 'web' } },
  };
  assert.deepEqual(printers['/Service'].row(svc, now), ['web', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,443/TCP', '90s', 'app=web']);
  const lb: KObject = { metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', clusterIPs: ['10.96.0.11'], ports: [{ port: 80, protocol: 'TCP' }] } };
  assert.equal(printers['/Service'].row(lb, now)[3], '<pending>');

  const job: KObject = {
    metadata: { name: 'pi', creationTimestamp: ago(120) },
    spec: { completions: 1, template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } }, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } } },
    status: { succeeded: 1, startTime: ago(120), completionTime: ago(75), conditions: [{ type: 'Complete', status: 'True' }] },
  };
  assert.deepEqual(printers['batch/Job'].row(job, now), ['pi', 'Complete', '1/1', '45s', '2m', 'pi', 'perl', 'batch.kubernetes.io/controller-uid=u']);

  const node: KObject = {
    metadata: { name: 'n1', creationTimestamp: ago(86400 * 3), labels: { 'node-role.kubernetes.io/control-plane': '' } },
    spec: { unschedulable: true },
    status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.33.1' }, addresses: [{ type: 'InternalIP', address: '192.168.1.2' }] },
  };
  assert.deepEqual(printers['/Node'].row(node, now).slice(0, 7), ['n1', 'Ready,SchedulingDisabled', 'control-plane', '3d', 'v1.33.1', '192.168.1.2', '<none>']);
});

test('event row orders cells like upstream wide output', () => {
  const ev: KObject = {
    metadata: { name: 'web.17a' },
    involvedObject: { kind: 'Pod', name: 'web' },
    reason: 'Pulled',
    type: 'Normal',
    message: 'Pulled image \n',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: ago(600),
    lastTimestamp: ago(60),
    count: 3,
  };
  assert.deepEqual(printers['/Event'].row(ev, now), ['60s', 'Normal', 'Pulled', 'pod/web', '', 'kubelet, node-1', 'Pulled image', '10m', 3, 'web.17a']);
});

test('toTable returns PartialObjectMetadata rows by default and Name+Age without a printer', () => {
  const objs: KObject[] = [{ apiVersion: 'v1', kind: 'Thing', metadata: { name: 'a', namespace: 'ns', labels: { x: 'y' }, creationTimestamp: ago(5) }, spec: {} }];
  const t = toTable(objs, undefined, { now, resourceVersion: '1010' });
  assert.equal(t.kind, 'Table');
  assert.equal(t.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(t.metadata, { resourceVersion: '1010' });
  assert.deepEqual(t.columnDefinitions.map((c) => [c.name, c.format]), [['Name', 'name'], ['Age', '']]);
  assert.deepEqual(t.rows[0], {
    cells: ['a', '5s'],
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: objs[0].metadata },
  });
  assert.equal(toTable(objs, undefined, { now, includeObject: 'None' }).rows[0].object, undefined);
  assert.equal(toTable(objs, undefined, { now, includeObject: 'Object' }).rows[0].object, objs[0]);
  assert.deepEqual(toTable([], printers['/Pod'], { now, continue: 'abc', remainingItemCount: 4 }).metadata, { continue: 'abc', remainingItemCount: 4 });
});

test('CRD and LimitRange print Name + Created At', () => {
  const crd: KObject = { metadata: { name: 'crontabs.stable.example.com', creationTimestamp: '2024-05-01T10:00:00Z' } };
  const p = printers['apiextensions.k8s.io/CustomResourceDefinition'];
  assert.deepEqual(p.columns.map((c) => [c.name, c.type]), [['Name', 'string'], ['Created At', 'date']]);
  assert.deepEqual(p.row(crd, now), ['crontabs.stable.example.com', '2024-05-01T10:00:00Z']);
});
