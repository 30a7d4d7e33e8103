import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinCatalogue } from '../catalogue.js';
import type { KObject } from '../types.js';
import { defaultPullPolicy, podQOSClass, quantityNanos } from './pod.js';

const catalogue = builtinCatalogue();
const applyDefaults = (group: string, kind: string, obj: KObject): KObject => {
  catalogue.byKind(group, 'v1', kind)!.defaulter!(obj);
  return obj;
};

test('image pull policy follows the tag', () => {
  assert.equal(defaultPullPolicy('nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultPullPolicy('nginx:1.25'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('localhost:5000/nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx@sha256:abc'), 'IfNotPresent');
});

test('a bare deployment gets upstream defaults, pod template included', () => {
  const d = applyDefaults('apps', 'Deployment', {
    metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 80 } } }] } } },
  });
  const spec = d.spec as any;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  const pod = spec.template.spec;
  assert.equal(pod.restartPolicy, 'Always');
  assert.equal(pod.dnsPolicy, 'ClusterFirst');
  assert.equal(pod.schedulerName, 'default-scheduler');
  assert.equal(pod.terminationGracePeriodSeconds, 30);
  assert.deepEqual(pod.securityContext, {});
  assert.equal(pod.enableServiceLinks, true);
  const c = pod.containers[0];
  assert.equal(c.imagePullPolicy, 'Always');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.deepEqual(c.resources, {});
  assert.equal(c.ports[0].protocol, 'TCP');
  assert.deepEqual(c.readinessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
});

test('statefulset, daemonset, job and cronjob defaults', () => {
  const sts = applyDefaults('apps', 'StatefulSet', { spec: { template: { spec: { containers: [] } } } }).spec as any;
  assert.equal(sts.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(sts.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(sts.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  const ds = applyDefaults('apps', 'DaemonSet', { spec: {} }).spec as any;
  assert.deepEqual(ds.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.revisionHistoryLimit, 10);
  const job = applyDefaults('batch', 'Job', { spec: { template: { spec: { restartPolicy: 'Never', containers: [] } } } }).spec as any;
  assert.equal(job.completions, 1);
  assert.equal(job.parallelism, 1);
  assert.equal(job.backoffLimit, 6);
  assert.equal(job.completionMode, 'NonIndexed');
  assert.equal(job.suspend, false);
  assert.equal(job.podReplacementPolicy, 'TerminatingOrFailed');
  assert.equal(job.template.spec.restartPolicy, 'Never');
  const cj = applyDefaults('batch', 'CronJob', { spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } } } }).spec as any;
  assert.equal(cj.concurrencyPolicy, 'Allow');
  assert.equal(cj.successfulJobsHistoryLimit, 3);
  assert.equal(cj.failedJobsHistoryLimit, 1);
  assert.equal(cj.jobTemplate.spec.backoffLimit, 6);
});

test('service, secret, namespace and claim defaults', () => {
  const svc = applyDefaults('', 'Service', { spec: { ports: [{ port: 80 }, { port: 443, targetPort: 8443 }] } }).spec as any;
  assert.equal(svc.type, 'ClusterIP');
  assert.equal(svc.sessionAffinity, 'None');
  assert.equal(svc.ipFamilyPolicy, 'SingleStack');
  assert.deepEqual(svc.ipFamilies, ['IPv4']);
  assert.equal(svc.internalTrafficPolicy, 'Cluster');
  assert.deepEqual(svc.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 443, targetPort: 8443, protocol: 'TCP' }]);
  assert.equal(applyDefaults('', 'Secret', {}).type, 'Opaque');
  const ns = applyDefaults('', 'Namespace', {});
  assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(ns.status, { phase: 'Active' });
  assert.equal(ns.metadata?.labels, undefined);
  const named = applyDefaults('', 'Namespace', { metadata: { name: 'team-a', labels: { x: 'y', 'kubernetes.io/metadata.name': 'other' } } });
  assert.deepEqual(named.metadata?.labels, { x: 'y', 'kubernetes.io/metadata.name': 'team-a' });
  assert.equal((applyDefaults('', 'PersistentVolumeClaim', { spec: {} }).spec as any).volumeMode, 'Filesystem');
});

test('a new pod starts Pending with its QoS class; an existing status is kept', () => {
  const pod = applyDefaults('', 'Pod', { spec: { containers: [{ name: 'a', image: 'nginx:1.25' }] } });
  assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });
  const running = applyDefaults('', 'Pod', { spec: { containers: [{ name: 'a', image: 'nginx:1.25' }] }, status: { phase: 'Running', qosClass: 'Burstable' } });
  assert.deepEqual(running.status, { phase: 'Running', qosClass: 'Burstable' });
});

test('quantities compare exactly across suffixes', () => {
  assert.equal(quantityNanos('1000m'), quantityNanos('1'));
  assert.equal(quantityNanos('0.1'), quantityNanos('100m'));
  assert.equal(quantityNanos('1024Mi'), quantityNanos('1Gi'));
  assert.equal(quantityNanos('1e3'), quantityNanos('1k'));
  assert.equal(quantityNanos('1.5Gi'), 1610612736_000_000_000n);
  assert.equal(quantityNanos(2), 2_000_000_000n);
  assert.equal(quantityNanos('abc'), undefined);
  assert.equal(quantityNanos(''), undefined);
});

test('QoS classes as GetPodQOS computes them', () => {
  const c = (resources?: object) => ({ name: 'c', ...(resources ? { resources } : {}) });
  assert.equal(podQOSClass({ containers: [c()] }), 'BestEffort');
  assert.equal(podQOSClass({ containers: [c({ limits: { cpu: '1', memory: '1Gi' } })] }), 'Guaranteed');
  assert.equal(podQOSClass({ containers: [c({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } })] }), 'Guaranteed');
  assert.equal(podQOSClass({ containers: [c({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } })] }), 'Burstable');
  assert.equal(podQOSClass({ containers: [c({ requests: { cpu: '500m' } })] }), 'Burstable');
  assert.equal(podQOSClass({ containers: [c({ limits: { cpu: '1', memory: '1Gi' } }), c()] }), 'Burstable');
});
