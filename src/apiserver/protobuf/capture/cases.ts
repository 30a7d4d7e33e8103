import { fullCronJob } from './full-podspec.js';

/** kubectl invocations whose request bodies become golden fixtures. */
export interface CaptureCase {
  name: string;
  args: string[];
  /** Canned JSON answers for GETs the command makes first (e.g. `--from=cronjob/c`). */
  gets?: Record<string, unknown>;
  /** Group versions left out of discovery, to steer kubectl to an older version. */
  hideGroupVersions?: string[];
  /** When kubectl 1.31 cannot serve as the oracle (it sends another version), the hand-checked expectation and why. */
  expected?: { note: string; object: unknown };
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'u-web', resourceVersion: '5' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
};

const cronjob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'cj', namespace: 'default', uid: 'u-cj', resourceVersion: '6' },
  spec: {
    schedule: '*/5 * * * *',
    jobTemplate: {
      metadata: { labels: { team: 'a' } },
      spec: {
        backoffLimit: 2,
        template: {
          spec: {
            restartPolicy: 'OnFailure',
            containers: [{ name: 'c', image: 'busybox', command: ['date'], resources: { limits: { cpu: '100m', memory: '64Mi' } } }],
          },
        },
      },
    },
  },
};

export const CASES: CaptureCase[] = [
  { name: 'configmap', args: ['create', 'configmap', 'cm', '--from-literal=a=b', '--from-literal=empty='] },
  { name: 'secret-generic', args: ['create', 'secret', 'generic', 's', '--from-literal=k=v', '--from-literal=bin=\u00ff\u0001'] },
  { name: 'secret-tls', args: ['create', 'secret', 'tls', 'tls', '--cert=$CERT', '--key=$KEY'] },
  { name: 'secret-docker', args: ['create', 'secret', 'docker-registry', 'reg', '--docker-server=r.io', '--docker-username=u', '--docker-password=p'] },
  { name: 'namespace', args: ['create', 'namespace', 'n1'] },
  { name: 'deployment', args: ['create', 'deployment', 'web', '--image=nginx', '--replicas=2', '--port=80'] },
  { name: 'deployment-cmd', args: ['create', 'deployment', 'cmd', '--image=busybox', '--', 'sleep', '3600'] },
  { name: 'deployment-multi', args: ['create', 'deployment', 'multi', '--image=busybox', '--image=nginx:1.27'] },
  { name: 'job', args: ['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi'] },
  { name: 'job-from-cronjob', args: ['create', 'job', 'jf', '--from=cronjob/cj'], gets: { '/apis/batch/v1/namespaces/default/cronjobs/cj': cronjob } },
  { name: 'job-full-podspec', args: ['create', 'job', 'jfull', '--from=cronjob/full'], gets: { '/apis/batch/v1/namespaces/default/cronjobs/full': fullCronJob } },
  { name: 'cronjob', args: ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/1 * * * *', '--restart=OnFailure', '--', 'date'] },
  { name: 'serviceaccount', args: ['create', 'serviceaccount', 'sa'] },
  { name: 'service-clusterip', args: ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080', '--tcp=443:https'] },
  { name: 'service-headless', args: ['create', 'service', 'clusterip', 'hl', '--clusterip=None'] },
  { name: 'service-nodeport', args: ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'] },
  { name: 'service-loadbalancer', args: ['create', 'service', 'loadbalancer', 'lb', '--tcp=80:8080'] },
  { name: 'service-externalname', args: ['create', 'service', 'externalname', 'ext', '--external-name=example.com'] },
  { name: 'quota', args: ['create', 'quota', 'q', '--hard=pods=3,cpu=1,memory=1Gi', '--scopes=NotTerminating'] },
  { name: 'pdb-min', args: ['create', 'pdb', 'p', '--selector=app=web', '--min-available=1'] },
  { name: 'pdb-max', args: ['create', 'pdb', 'p2', '--selector=app=web', '--max-unavailable=50%'] },
  { name: 'ingress', args: ['create', 'ingress', 'i', '--rule=foo.com/bar=svc:80', '--rule=tls.com/*=svc2:http,tls=sec', '--class=nginx', '--annotation=a=b'] },
  { name: 'ingress-default-backend', args: ['create', 'ingress', 'idb', '--default-backend=svc:8080'] },
  { name: 'role', args: ['create', 'role', 'r', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=x'] },
  { name: 'rolebinding', args: ['create', 'rolebinding', 'rb', '--role=r', '--user=u', '--group=g', '--serviceaccount=default:sa'] },
  { name: 'clusterrole', args: ['create', 'clusterrole', 'cr', '--verb=get', '--non-resource-url=/healthz'] },
  { name: 'clusterrole-aggregate', args: ['create', 'clusterrole', 'agg', '--aggregation-rule=rbac.example.com/aggregate=true'] },
  { name: 'clusterrolebinding', args: ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--user=u'] },
  { name: 'priorityclass', args: ['create', 'priorityclass', 'pc', '--value=1000', '--description=high', '--preemption-policy=Never'] },
  { name: 'can-i', args: ['auth', 'can-i', 'create', 'pods'] },
  { name: 'can-i-subresource', args: ['auth', 'can-i', 'get', 'deployments.apps/web', '--subresource=scale', '-n', 'kube-system'] },
  { name: 'can-i-nonresource', args: ['auth', 'can-i', 'get', '/logs'] },
  { name: 'can-i-list', args: ['auth', 'can-i', '--list'] },
  { name: 'whoami', args: ['auth', 'whoami'] },
  { name: 'token', args: ['create', 'token', 'default'] },
  { name: 'token-bound', args: ['create', 'token', 'default', '--bound-object-kind=Pod', '--bound-object-name=nginx', '--audience=a1', '--audience=a2', '--duration=1h'] },
  {
    name: 'autoscale',
    args: ['autoscale', 'deployment', 'web', '--min=1', '--max=3', '--cpu-percent=50'],
    gets: { '/apis/apps/v1/namespaces/default/deployments/web': deployment },
    expected: {
      note: 'kubectl 1.31 creates autoscaling/v1, 1.33 autoscaling/v2; the v2 form was checked by hand against the v1 oracle',
      object: {
        kind: 'HorizontalPodAutoscaler',
        apiVersion: 'autoscaling/v2',
        metadata: { name: 'web' },
        spec: {
          scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
          minReplicas: 1,
          maxReplicas: 3,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        },
        // HorizontalPodAutoscalerStatus.desiredReplicas has no omitempty.
        status: { desiredReplicas: 0 },
      },
    },
  },
  {
    name: 'autoscale-v1',
    args: ['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=70', '--name=web-v1'],
    gets: { '/apis/apps/v1/namespaces/default/deployments/web': deployment },
    hideGroupVersions: ['autoscaling/v2'],
  },
];
