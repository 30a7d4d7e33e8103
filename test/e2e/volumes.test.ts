/**
 * Pod volumes with the process runtime, through the real kubectl, read from inside the
 * containers with `kubectl exec`: configMap and secret volumes hold their data at their
 * mountPath and follow `kubectl apply`; an emptyDir is shared by two containers; a
 * downwardAPI volume follows the pod's labels; a hostPath shows the host's files; the
 * subPath escape (CVE-2017-1002101) is refused; a mountPath missing on the host works in
 * the pod and never appears on the host.
 *
 * Mounts need the agent to run as root (as in CI): without, the suite is skipped.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestCluster } from '../support/cluster.js';

const scratch = mkdtempSync(join(tmpdir(), 'skiff-volumes-e2e-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const root = process.getuid?.() === 0;

describe('pod volumes (process runtime) with kubectl', { skip: root ? false : 'mounting volumes in pod namespaces needs root' }, () => {
  const env = useTestCluster({ agent: true });
  const kubectl = async (args: string[], input?: string) => {
    const res = await env.cluster.kubectl(args, { input, timeoutMs: 60_000 });
    assert.equal(res.code, 0, `kubectl ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res.stdout;
  };
  const exec = (pod: string, cmd: string, container?: string) => kubectl(['exec', pod, ...(container ? ['-c', container] : []), '--', 'sh', '-c', cmd]);
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const ready = (pod: string) => kubectl(['wait', '--for=condition=Ready', `pod/${pod}`, '--timeout=30s']);

  it('reports the volumes condition on the node', async () => {
    await kubectl(['wait', '--for=condition=Ready', 'node/agent', '--timeout=30s']);
    assert.match(await kubectl(['describe', 'node', 'agent']), /VolumesNotMounted\s+False\s+.*PodNamespaces\s+each pod has private mount, PID, IPC and UTS namespaces/);
  });

  it('mounts configMap and secret volumes, and updates the ConfigMap\'s after kubectl apply', async () => {
    const configMap = (value: string) => `
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data:
  app.conf: "${value}"
`;
    await kubectl(['apply', '-f', '-'], configMap('version 1'));
    await kubectl(['create', 'secret', 'generic', 'app-secret', '--from-literal=password=s3cret']);
    await kubectl(['create', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: config-reader}
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - {name: config, configMap: {name: app-config}}
  - {name: secret, secret: {secretName: app-secret, defaultMode: 0400}}
  containers:
  - name: main
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
    - {name: config, mountPath: /etc/skiff-app}
    - {name: secret, mountPath: /etc/skiff-secret, readOnly: true}
`);
    await ready('config-reader');
    assert.equal(await exec('config-reader', 'cat /etc/skiff-app/app.conf'), 'version 1');
    assert.equal(await exec('config-reader', 'cat /etc/skiff-secret/password; stat -L -c " %a" /etc/skiff-secret/password'), 's3cret 400\n');
    assert.match(await exec('config-reader', 'touch /etc/skiff-app/x 2>&1 || true'), /Read-only file system/, 'configMap volumes are read-only');
    await kubectl(['apply', '-f', '-'], configMap('version 2'));
    await until('the new ConfigMap data in the container', async () => (await exec('config-reader', 'cat /etc/skiff-app/app.conf')) === 'version 2', 20_000);
    assert.equal(existsSync('/etc/skiff-app'), false, 'the mount point is not on the host');
  });

  it('shares an emptyDir between two containers; a downwardAPI volume follows the labels; a hostPath shows the host\'s files', async () => {
    writeFileSync(join(scratch, 'from-host'), 'host file\n');
    await kubectl(['create', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata:
  name: sharing
  labels: {app: sharing}
spec:
  terminationGracePeriodSeconds: 1
  volumes:
  - {name: shared, emptyDir: {}}
  - {name: info, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
  - {name: host, hostPath: {path: ${scratch}, type: Directory}}
  containers:
  - name: writer
    image: busybox
    command: ["sh", "-c", "echo from-writer > /shared/message; sleep 3600"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  - name: reader
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
    - {name: shared, mountPath: /data/shared}
    - {name: info, mountPath: /etc/podinfo}
    - {name: host, mountPath: /host-files, readOnly: true}
`);
    await ready('sharing');
    await until('the writer\'s message', async () => (await exec('sharing', 'cat /data/shared/message 2>/dev/null || true', 'reader')) === 'from-writer\n');
    assert.equal(await exec('sharing', 'cat /etc/podinfo/labels', 'reader'), 'app="sharing"');
    assert.equal(await exec('sharing', 'cat /host-files/from-host', 'reader'), 'host file\n');
    assert.equal(await exec('sharing', 'ls /etc/podinfo 2>&1; ls /shared 2>&1 || true', 'reader').then((o) => o.includes('No such file')), true, 'each container sees only its own mounts');
    await kubectl(['label', 'pod', 'sharing', 'tier=backend']);
    await until('the new label in the downwardAPI volume', async () => (await exec('sharing', 'cat /etc/podinfo/labels', 'reader')) === 'app="sharing"\ntier="backend"', 20_000);
  });

  it('refuses the subPath escape: a symlink planted by one container never exposes the host to another', async () => {
    await kubectl(['create', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: escape}
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{name: shared, emptyDir: {}}]
  initContainers:
  - name: plant
    image: busybox
    command: ["sh", "-c", "ln -s /etc /shared/escape && mkdir /shared/fine && echo inside > /shared/fine/file"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: victim
    image: busybox
    command: ["sh", "-c", "cat /escaped/hostname; sleep 3600"]
    volumeMounts: [{name: shared, mountPath: /escaped, subPath: escape}]
  - name: fine
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts: [{name: shared, mountPath: /fine, subPath: fine}]
`);
    const waiting = () => kubectl(['get', 'pod', 'escape', '-o', 'jsonpath={.status.containerStatuses[?(@.name=="victim")].state.waiting.reason}']);
    await until('the victim refused', async () => (await waiting()) === 'CreateContainerConfigError');
    assert.equal(await kubectl(['get', 'pod', 'escape', '-o', 'jsonpath={.status.containerStatuses[?(@.name=="victim")].state.waiting.message}']), 'failed to prepare subPath for volumeMount "shared" of container "victim"');
    assert.equal(await kubectl(['get', 'pod', 'escape', '-o', 'jsonpath={.status.containerStatuses[?(@.name=="victim")].restartCount}']), '0', 'it never ran');
    assert.match(await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=escape', '-o', 'jsonpath={.items[*].message}']), /Error: failed to prepare subPath for volumeMount "shared" of container "victim"/);
    // A subPath that stays inside the volume works for the pod's other container.
    await until('the fine container running', async () => (await kubectl(['get', 'pod', 'escape', '-o', 'jsonpath={.status.containerStatuses[?(@.name=="fine")].ready}'])) === 'true');
    assert.equal(await exec('escape', 'cat /fine/file', 'fine'), 'inside\n');
  });

  it('mounts at a path missing on the host: it exists in the pod only, and never on the host', async () => {
    assert.equal(existsSync('/skiff-test-data'), false, 'precondition: the host has no /skiff-test-data');
    await kubectl(['create', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: private-path}
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{name: data, emptyDir: {}}]
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "echo written > /skiff-test-data/file; sleep 3600"]
    volumeMounts: [{name: data, mountPath: /skiff-test-data}]
`);
    await ready('private-path');
    await until('the file in the pod', async () => (await exec('private-path', 'cat /skiff-test-data/file 2>/dev/null || true')) === 'written\n');
    assert.equal(await exec('private-path', 'cat /proc/sys/kernel/hostname'), 'private-path\n', 'the pod\'s hostname');
    assert.equal(existsSync('/skiff-test-data'), false, 'not on the host while the pod runs');
    await kubectl(['delete', 'pod', 'private-path', '--wait=true', '--timeout=30s']);
    assert.equal(existsSync('/skiff-test-data'), false, 'not on the host afterwards');
  });

  it('evicts a pod whose emptyDir on disk grows past its sizeLimit (Failed, Evicted, upstream\'s message)', async () => {
    await kubectl(['create', '-f', '-'], `
apiVersion: v1
kind: Pod
metadata: {name: hoarder}
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{name: scratch, emptyDir: {sizeLimit: 1Mi}}]
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "head -c 3000000 /dev/zero > /scratch/big; sleep 3600"]
    volumeMounts: [{name: scratch, mountPath: /scratch}]
`);
    // Measured every 10 s, as the kubelet's housekeeping does.
    await until('the eviction', async () => (await kubectl(['get', 'pod', 'hoarder', '-o', 'jsonpath={.status.reason}'])) === 'Evicted', 40_000);
    assert.equal(await kubectl(['get', 'pod', 'hoarder', '-o', 'jsonpath={.status.phase}']), 'Failed');
    assert.equal(await kubectl(['get', 'pod', 'hoarder', '-o', 'jsonpath={.status.message}']), 'Usage of EmptyDir volume "scratch" exceeds the limit "1Mi". ');
    await until('its container stopped', async () => (await kubectl(['get', 'pod', 'hoarder', '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.reason}'])) !== '');
    await kubectl(['delete', 'pod', 'hoarder', '--wait=false']);
  });
});
