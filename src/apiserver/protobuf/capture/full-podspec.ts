/**
 * A CronJob whose job template uses most PodSpec features. `kubectl create job --from`
 * copies the template into a Job body, so kubectl 1.33 re-encodes all of it as protobuf
 * and 1.31 as JSON: an oracle for the full PodSpec. Fields newer than 1.31 are left out
 * (1.31 would drop them). Zero values in pointer fields are deliberate.
 */
const probe = (handler: Record<string, unknown>): Record<string, unknown> => ({
  ...handler,
  initialDelaySeconds: 3,
  timeoutSeconds: 2,
  periodSeconds: 5,
  successThreshold: 1,
  failureThreshold: 4,
});

export const fullCronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'full', namespace: 'default', uid: 'u-full', resourceVersion: '9' },
  spec: {
    schedule: '0 * * * *',
    jobTemplate: {
      metadata: { labels: { tier: 'batch' }, annotations: { note: 'x' } },
      spec: {
        parallelism: 2,
        completions: 4,
        activeDeadlineSeconds: 600,
        backoffLimit: 0,
        ttlSecondsAfterFinished: 0,
        completionMode: 'Indexed',
        suspend: false,
        podReplacementPolicy: 'Failed',
        podFailurePolicy: {
          rules: [
            { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42, 43] } },
            { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
          ],
        },
        template: {
          metadata: { labels: { app: 'full' }, annotations: { 'a/b': '' } },
          spec: {
            restartPolicy: 'Never',
            terminationGracePeriodSeconds: 0,
            dnsPolicy: 'ClusterFirst',
            nodeSelector: { disk: 'ssd' },
            serviceAccountName: 'runner',
            automountServiceAccountToken: false,
            hostNetwork: false,
            shareProcessNamespace: true,
            enableServiceLinks: false,
            priority: 0,
            priorityClassName: 'low',
            runtimeClassName: 'simulated',
            hostUsers: false,
            setHostnameAsFQDN: false,
            os: { name: 'linux' },
            overhead: { cpu: '250m' },
            imagePullSecrets: [{ name: 'reg' }],
            hostAliases: [{ ip: '10.0.0.1', hostnames: ['a.local', 'b.local'] }],
            dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
            readinessGates: [{ conditionType: 'example.com/ready' }],
            schedulingGates: [{ name: 'example.com/gate' }],
            securityContext: {
              runAsUser: 0,
              runAsGroup: 1000,
              runAsNonRoot: false,
              fsGroup: 2000,
              fsGroupChangePolicy: 'OnRootMismatch',
              supplementalGroups: [0, 3000],
              sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
              seccompProfile: { type: 'RuntimeDefault' },
            },
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n0'] }] }],
                },
                preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] } }],
              },
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'full' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['default'] } },
                ],
              },
            },
            tolerations: [
              { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 },
              { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' },
            ],
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['full'] }] }, minDomains: 2, matchLabelKeys: ['pod-template-hash'] },
            ],
            volumes: [
              { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'a', path: 'a.txt', mode: 0o400 }], defaultMode: 0o644, optional: true } },
              { name: 'sec', secret: { secretName: 's', defaultMode: 0o600 } },
              { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
              { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
              { name: 'data', persistentVolumeClaim: { claimName: 'pvc', readOnly: true } },
              {
                name: 'proj',
                projected: {
                  sources: [
                    { serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } },
                    { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'cpu', resourceFieldRef: { containerName: 'main', resource: 'limits.cpu', divisor: '1m' } }] } },
                    { configMap: { name: 'cm2' } },
                  ],
                },
              },
              {
                name: 'eph',
                ephemeral: {
                  volumeClaimTemplate: {
                    metadata: { labels: { v: '1' } },
                    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
                  },
                },
              },
              { name: 'csi', csi: { driver: 'csi.example.com', readOnly: false, volumeAttributes: { k: 'v' } } },
              { name: 'empty', emptyDir: {} },
            ],
            initContainers: [
              {
                name: 'sidecar',
                image: 'envoy',
                restartPolicy: 'Always',
                startupProbe: probe({ grpc: { port: 9901, service: 'health' } }),
              },
              { name: 'init', image: 'busybox', command: ['sh', '-c'], args: ['echo init'], workingDir: '/tmp' },
            ],
            containers: [
              {
                name: 'main',
                image: 'registry.example.com/app:1.0',
                imagePullPolicy: 'IfNotPresent',
                command: ['/app'],
                args: ['--flag', ''],
                ports: [
                  { name: 'http', containerPort: 8080, protocol: 'TCP' },
                  { containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' },
                ],
                env: [
                  { name: 'PLAIN', value: 'v' },
                  { name: 'EMPTY', value: '' },
                  { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
                  { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
                  { name: 'PASS', valueFrom: { secretKeyRef: { name: 's', key: 'p', optional: false } } },
                  { name: 'CFG', valueFrom: { configMapKeyRef: { name: 'cm', key: 'a' } } },
                ],
                envFrom: [{ prefix: 'CM_', configMapRef: { name: 'cm' } }, { secretRef: { name: 's', optional: true } }],
                resources: { limits: { cpu: '1', memory: '512Mi', 'nvidia.com/gpu': '1' }, requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '1G' } },
                resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
                volumeMounts: [
                  { name: 'cfg', mountPath: '/etc/cfg', readOnly: true },
                  { name: 'data', mountPath: '/data', subPath: 'x', mountPropagation: 'HostToContainer' },
                  { name: 'host', mountPath: '/logs', subPathExpr: '$(POD)', readOnly: true, recursiveReadOnly: 'IfPossible' },
                ],
                livenessProbe: {
                  ...probe({ httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', host: '', httpHeaders: [{ name: 'X-Probe', value: '1' }] } }),
                  terminationGracePeriodSeconds: 10,
                },
                readinessProbe: probe({ tcpSocket: { port: 8080 } }),
                startupProbe: probe({ exec: { command: ['cat', '/tmp/ready'] } }),
                lifecycle: { postStart: { exec: { command: ['echo', 'started'] } }, preStop: { sleep: { seconds: 5 } } },
                terminationMessagePath: '/dev/termination-log',
                terminationMessagePolicy: 'FallbackToLogsOnError',
                securityContext: {
                  privileged: false,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsUser: 1000,
                  capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
                  seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/a.json' },
                  appArmorProfile: { type: 'RuntimeDefault' },
                  procMount: 'Default',
                },
                stdin: true,
                stdinOnce: false,
                tty: true,
              },
            ],
          },
        },
      },
    },
  },
};
