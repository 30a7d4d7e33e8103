import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/objects/index.js';
import { ContainerConfigError, containerEnv, expand, type EnvContext } from './env.js';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u', labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [] } } as unknown as Pod;
const cm = { data: { color: 'blue', 'bad key': 'x' } };
const secret = { data: { password: Buffer.from('s3cret').toString('base64') } };
const ctx: EnvContext = {
  pod, hostIP: '127.0.0.1', podIP: '127.0.0.1', allocatable: { cpu: '2', memory: '1Gi' },
  sources: { configMap: async (_ns, name) => (name === 'cfg' ? cm : undefined), secret: async (_ns, name) => (name === 'sec' ? secret : undefined) },
};

describe('container environment', () => {
  it('expands $(VAR) as upstream: $$ escapes, unknown references stay', () => {
    const vars: Record<string, string> = { A: 'x' };
    assert.equal(expand('$(A)-$$(A)-$(B)-$A-$(', (n) => vars[n]), 'x-$(A)-$(B)-$A-$(');
  });

  it('envFrom, then env in order; values see earlier variables; field and resource refs; secrets decoded', async () => {
    const env = await containerEnv({
      name: 'c', resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } },
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
      env: [
        { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'GREETING', value: 'hello $(NAME) in $(CFG_color)' },
        { name: 'PW', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'CPU_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      ],
    }, ctx);
    assert.deepEqual(Object.fromEntries(env.map((e) => [e.key, e.value])), {
      CFG_color: 'blue', NAME: 'p', APP: 'web', GREETING: 'hello p in blue', PW: 's3cret', MEM: '64', CPU_M: '250', CPU_LIMIT: '2',
    });
  });

  it('a missing ConfigMap or key fails with upstream messages unless optional', async () => {
    await assert.rejects(containerEnv({ name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] }, ctx), new ContainerConfigError('configmap "nope" not found'));
    await assert.rejects(containerEnv({ name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }, ctx), new ContainerConfigError("couldn't find key k in ConfigMap ns/cfg"));
    assert.deepEqual(await containerEnv({ name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k', optional: true } } }] }, ctx), []);
  });
});

describe('service environment variables', () => {
  const svc = (namespace: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec });
  const services = [
    svc('default', 'kubernetes', { clusterIP: '127.43.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }),
    svc('ns', 'web-api', { clusterIP: '127.43.0.7', ports: [{ name: 'http', port: 80 }, { name: 'dns-udp', port: 53, protocol: 'UDP' }] }),
    svc('ns', 'headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
    svc('ns', 'outside', { type: 'ExternalName', externalName: 'example.org' }),
    svc('default', 'elsewhere', { clusterIP: '127.43.0.9', ports: [{ port: 8080 }] }),
  ];
  const withServices: EnvContext = { ...ctx, sources: { ...ctx.sources, services: (namespaces) => services.filter((s) => namespaces.includes(s.metadata.namespace)) } };

  it("the namespace's services with a cluster IP, and always the kubernetes service, named as upstream", async () => {
    const env = Object.fromEntries((await containerEnv({ name: 'c', env: [{ name: 'URL', value: 'http://$(WEB_API_SERVICE_HOST)' }] }, withServices)).map((e) => [e.key, e.value]));
    assert.deepEqual(env, {
      KUBERNETES_SERVICE_HOST: '127.43.0.1', KUBERNETES_SERVICE_PORT: '443', KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://127.43.0.1:443', KUBERNETES_PORT_443_TCP: 'tcp://127.43.0.1:443', KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443', KUBERNETES_PORT_443_TCP_ADDR: '127.43.0.1',
      WEB_API_SERVICE_HOST: '127.43.0.7', WEB_API_SERVICE_PORT: '80', WEB_API_SERVICE_PORT_HTTP: '80', WEB_API_SERVICE_PORT_DNS_UDP: '53',
      WEB_API_PORT: 'tcp://127.43.0.7:80', WEB_API_PORT_80_TCP: 'tcp://127.43.0.7:80', WEB_API_PORT_80_TCP_PROTO: 'tcp',
      WEB_API_PORT_80_TCP_PORT: '80', WEB_API_PORT_80_TCP_ADDR: '127.43.0.7',
      WEB_API_PORT_53_UDP: 'udp://127.43.0.7:53', WEB_API_PORT_53_UDP_PROTO: 'udp', WEB_API_PORT_53_UDP_PORT: '53', WEB_API_PORT_53_UDP_ADDR: '127.43.0.7',
      URL: 'http://127.43.0.7',
    });
  });

  it('enableServiceLinks: false leaves only the kubernetes service; the container overrides a service variable', async () => {
    const unlinked = { ...withServices, pod: { ...pod, spec: { ...pod.spec, enableServiceLinks: false } } as Pod };
    const env = await containerEnv({ name: 'c', env: [{ name: 'KUBERNETES_SERVICE_PORT', value: '6443' }] }, unlinked);
    const keys = env.map((e) => e.key);
    assert.ok(keys.every((k) => k.startsWith('KUBERNETES_')), keys.join(' '));
    assert.equal(env.find((e) => e.key === 'KUBERNETES_SERVICE_PORT')?.value, '6443');
  });
});
