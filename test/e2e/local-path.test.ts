/**
 * The built-in local-path storage through the real kubectl, against `skiff server` with
 * its agent (process runtime): the default StorageClass `local-path`; a claim and a pod
 * using it — the claim Bound to a volume provisioned on the pod's node (node affinity,
 * a directory under the agent's storage root) that the pod writes to; deleting the pod
 * and the claim removes the volume and its directory; a StatefulSet's
 * volumeClaimTemplates bind through the default class.
 *
 * The pod finds its volume at its mountPath when the agent runs as root (as in CI), else
 * through the SKIFF_VOLUME_<NAME> variable: the script reads either.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTestCluster } from '../support/cluster.js';

describe('local-path storage with kubectl', () => {
  const env = useTestCluster({ agent: true });
  const kubectl = async (args: string[], input?: string) => {
    const res = await env.cluster.kubectl(args, { input, timeoutMs: 60_000 });
    assert.equal(res.code, 0, `kubectl ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res.stdout;
  };
  const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  /** A pod writing `hello` into its volume `data` (at /data), then sleeping. */
  const writer = (name: string, claim: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "dir=\${SKIFF_VOLUME_DATA:-/data}; echo hello > $dir/greeting; exec sleep 3600"]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: ${claim}}
`;

  it('ships local-path as the default StorageClass', async () => {
    const out = await kubectl(['get', 'storageclass']);
    assert.match(out, /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE\n/);
    assert.match(out, /\nlocal-path \(default\)\s+rancher\.io\/local-path\s+Delete\s+WaitForFirstConsumer\s+false\s+\S+\n/);
  });

  it('binds a claim to a volume provisioned on the pod\'s node, and removes both with pod and claim', async () => {
    await kubectl(['apply', '-f', '-'], `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 64Mi}}
`);
    // WaitForFirstConsumer: nothing happens before a pod uses the claim.
    assert.match(await kubectl(['get', 'pvc', 'data']), /\ndata\s+Pending\s+local-path\s+/);
    await kubectl(['apply', '-f', '-'], writer('writer', 'data'));
    await kubectl(['wait', '--for=condition=Ready', 'pod/writer', '--timeout=30s']);
    const uid = (await kubectl(['get', 'pvc', 'data', '-o', 'jsonpath={.metadata.uid}'])).trim();
    const pvName = `pvc-${uid}`;
    assert.match(await kubectl(['get', 'pvc', 'data']), new RegExp(`\\ndata\\s+Bound\\s+${pvName}\\s+64Mi\\s+RWO\\s+local-path\\s+`));
    const pv = JSON.parse(await kubectl(['get', 'pv', pvName, '-o', 'json'])) as { spec: { hostPath: { path: string; type: string }; nodeAffinity: unknown; claimRef: { name: string } }; metadata: { annotations: Record<string, string> } };
    const dir = join(env.cluster.dataDir, 'agent', 'storage', `${pvName}_default_data`);
    assert.deepEqual(pv.spec.hostPath, { path: dir, type: 'DirectoryOrCreate' });
    assert.deepEqual(pv.spec.nodeAffinity, { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['agent'] }] }] } });
    assert.equal(pv.metadata.annotations['pv.kubernetes.io/provisioned-by'], 'rancher.io/local-path');
    assert.match(await kubectl(['get', 'pv', pvName]), new RegExp(`\\n${pvName}\\s+64Mi\\s+RWO\\s+Delete\\s+Bound\\s+default/data\\s+local-path\\s+`));
    // What the pod wrote is in the volume's directory on the node.
    await until('the pod\'s file in the volume', () => existsSync(join(dir, 'greeting')));
    assert.equal(readFileSync(join(dir, 'greeting'), 'utf8'), 'hello\n');
    const described = await kubectl(['describe', 'pvc', 'data']);
    assert.match(described, /Normal\s+ProvisioningSucceeded\s+.*\s+rancher\.io\/local-path\s+Successfully provisioned volume pvc-/);
    assert.match(await kubectl(['get', 'node', 'agent', '-o', 'jsonpath={.metadata.annotations.skiff\\.dev/local-path-root}']), /\/agent\/storage$/);

    await kubectl(['delete', 'pod', 'writer', '--wait=true']);
    await kubectl(['delete', 'pvc', 'data', '--wait=true']);
    await until('the volume deleted', async () => (await env.cluster.kubectl(['get', 'pv', pvName])).code !== 0);
    assert.equal(existsSync(dir), false);
  });

  it('binds a StatefulSet\'s volumeClaimTemplates through the default class', async () => {
    await kubectl(['apply', '-f', '-'], `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", "exec sleep 3600"]
        volumeMounts: [{name: www, mountPath: /www}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 16Mi}}
`);
    await until('pod web-0', async () => (await env.cluster.kubectl(['get', 'pod', 'web-0'])).code === 0);
    await kubectl(['wait', '--for=condition=Ready', 'pod/web-0', '--timeout=30s']);
    assert.match(await kubectl(['get', 'pvc', 'www-web-0']), /\nwww-web-0\s+Bound\s+pvc-\S+\s+16Mi\s+RWO\s+local-path\s+/);
    await kubectl(['delete', 'statefulset', 'web', '--wait=true']);
  });
});
