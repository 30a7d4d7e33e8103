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
