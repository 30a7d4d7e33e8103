/**
 * Pod volumes through the agent, on the `simulated` runtime (nothing runs, so what is
 * checked is what the agent prepares on the host) and a fake clock: configMap, secret,
 * downwardAPI, projected and emptyDir contents, updated when their sources change; a
 * missing ConfigMap and an unbound claim keep the pod ContainerCreating with FailedMount
 * until they appear; hostPath type checks; subPath refusals as CreateContainerConfigError;
 * volume directories removed with the pod. (Mounts in namespaces: namespaces.test.ts and
 * test/e2e/volumes.test.ts.)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event, PersistentVolumeClaim, Pod } from '../../../api/objects/index.js';
import type { KObject } from '../../../api/types.js';
import { Informer } from '../../../client/informer.js';
import { resources } from '../../../client/resources.js';
import { eventMessages, waitFor } from '../../../testing/controllers.js';
import { FakeClock, startInProcessCluster, type InProcessCluster } from '../../../testing/in-process.js';
import { SimulatedRuntime } from '../../runtime/simulated/index.js';
import { startAgent, type Agent } from '../index.js';
import { mountPoints } from './empty-dir.js';

/** Files change without a watch event: checked until they hold (a safety net of 10 s, not a sleep). */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

describe('pod volumes through the agent (simulated runtime)', () => {
  let env: InProcessCluster;
  let agent: Agent;
  let pods: Informer<Pod>;
  let events: Informer<Event>;
  const clock = new FakeClock('2026-11-22T10:00:00.000Z');
  const runtime = new SimulatedRuntime(clock);
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-volumes-unit-'));
  const hostDir = mkdtempSync(join(tmpdir(), 'skiff-volumes-host-'));
  const volumeDir = (pod: string, kind: string, name: string) => join(dataDir, 'kubelet', 'pods', pods.get(pod, 'default')!.metadata.uid!, 'volumes', `kubernetes.io~${kind}`, name);
  const api = <T extends KObject>(r: typeof resources.pods) => env.client.resource<T>(r);

  before(async () => {
    env = await startInProcessCluster('volumes', { controllers: [], scheduler: false });
    agent = await startAgent({ client: env.client, nodeName: 'n1', runtime, dataDir, clock });
    pods = new Informer<Pod>(env.client.resource<Pod>(resources.pods), {});
    events = new Informer<Event>(env.client.resource<Event>(resources.events), {});
    pods.start();
    events.start();
    await Promise.all([pods.waitForSync(), events.waitForSync()]);
  });
  after(async () => {
    pods.stop();
    events.stop();
    await agent.stop({ killPods: true });
    await env.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(hostDir, { recursive: true, force: true });
  });

  const create = (name: string, spec: Partial<Pod['spec']>, meta: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}) => api<Pod>(resources.pods).create({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...meta },
    spec: { nodeName: 'n1', containers: [{ name: 'main', image: 'x', command: ['run'] }], ...spec },
  } as Pod);
  const phase = (name: string, p: string) => waitFor(pods, (pod) => pod.metadata.name === name && pod.status?.phase === p, `${name} ${p}`);
  const failedMount = (pod: string, pattern: RegExp) => waitFor(events, (e) => e.involvedObject.name === pod && e.reason === 'FailedMount' && pattern.test(e.message ?? ''), `FailedMount ${pattern} for ${pod}`);

  it('writes configMap, secret, downwardAPI and projected volumes, and an emptyDir', async () => {
    await api(resources.configmaps).create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'default' }, data: { 'app.conf': 'v1', other: 'o' } });
    await api(resources.secrets).create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { password: Buffer.from('s3cret').toString('base64') } });
    await create('files', {
      volumes: [
        { name: 'cfg', configMap: { name: 'app' } },
        { name: 'picked', configMap: { name: 'app', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o600 }] } },
        { name: 'sec', secret: { secretName: 'creds', defaultMode: 0o400 } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'notes', fieldRef: { fieldPath: 'metadata.annotations' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        { name: 'all', projected: { sources: [{ configMap: { name: 'app', items: [{ key: 'app.conf', path: 'conf' }] } }, { secret: { name: 'creds' } }, { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } }] } },
        { name: 'scratch', emptyDir: {} },
      ],
    }, { labels: { app: 'web', tier: 'front' }, annotations: { note: 'say "hi"\n' } });
    await phase('files', 'Running');
    assert.equal(read(join(volumeDir('files', 'configmap', 'cfg'), 'app.conf')), 'v1');
    assert.equal(read(join(volumeDir('files', 'configmap', 'picked'), 'conf', 'app.conf')), 'v1');
    assert.equal(statSync(join(volumeDir('files', 'configmap', 'picked'), 'conf', 'app.conf')).mode & 0o777, 0o600);
    assert.equal(existsSync(join(volumeDir('files', 'configmap', 'picked'), 'other')), false, 'only the listed items');
    assert.equal(read(join(volumeDir('files', 'secret', 'sec'), 'password')), 's3cret');
    assert.equal(statSync(join(volumeDir('files', 'secret', 'sec'), 'password')).mode & 0o777, 0o400);
    assert.equal(read(join(volumeDir('files', 'downward-api', 'info'), 'labels')), 'app="web"\ntier="front"');
    assert.equal(read(join(volumeDir('files', 'downward-api', 'info'), 'notes')), 'note="say \\"hi\\"\\n"', 'values quoted as Go %q');
    assert.equal(read(join(volumeDir('files', 'downward-api', 'info'), 'name')), 'files');
    assert.deepEqual(['conf', 'password', 'ns'].map((f) => read(join(volumeDir('files', 'projected', 'all'), f))), ['v1', 's3cret', 'default']);
    assert.equal(statSync(volumeDir('files', 'empty-dir', 'scratch')).mode & 0o777, 0o777);
  });

  it('rewrites them when the ConfigMap, the Secret or the labels change', async () => {
    await api(resources.configmaps).patch('app', 'default', 'merge', { data: { 'app.conf': 'v2', other: null } });
    await eventually(() => read(join(volumeDir('files', 'configmap', 'cfg'), 'app.conf')) === 'v2', 'the new app.conf');
    await eventually(() => !existsSync(join(volumeDir('files', 'configmap', 'cfg'), 'other')), 'the removed key gone');
    await api(resources.secrets).patch('creds', 'default', 'merge', { data: { password: Buffer.from('rotated').toString('base64') } });
    await eventually(() => read(join(volumeDir('files', 'projected', 'all'), 'password')) === 'rotated', 'the rotated password in the projected volume');
    await api(resources.pods).patch('files', 'default', 'merge', { metadata: { labels: { app: 'api', tier: null } } });
    await eventually(() => read(join(volumeDir('files', 'downward-api', 'info'), 'labels')) === 'app="api"', 'the new labels');
  });

  it('a missing ConfigMap keeps the pod ContainerCreating (FailedMount) until it exists; optional ones mount empty', async () => {
    await create('waits', { volumes: [{ name: 'cfg', configMap: { name: 'later' } }, { name: 'maybe', configMap: { name: 'never', optional: true } }] });
    await failedMount('waits', /^MountVolume\.SetUp failed for volume "cfg" : configmap "later" not found$/);
    const pending = await waitFor(pods, (p) => p.metadata.name === 'waits' && p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating', 'waits ContainerCreating');
    assert.equal(pending.status?.phase, 'Pending');
    assert.equal((await runtime.listPodSandboxes()).some((s) => s.config.name === 'waits'), false, 'no sandbox before the volumes');
    await api(resources.configmaps).create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later', namespace: 'default' }, data: { k: 'here' } });
    await phase('waits', 'Running');
    assert.equal(read(join(volumeDir('waits', 'configmap', 'cfg'), 'k')), 'here');
    assert.equal(eventMessages(events, 'waits').some((m) => m.includes('"maybe"')), false, 'an optional missing ConfigMap is no failure');
  });

  it('waits for its claim to be bound (FailedMount), starts once it is, on the PersistentVolume\'s hostPath (made when DirectoryOrCreate)', async () => {
    await create('claims', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] });
    await failedMount('claims', /failed to process volumes=\[data\]: error processing PVC default\/data: failed to fetch PVC from API server: persistentvolumeclaims "data" not found/);
    const pvc = await api<PersistentVolumeClaim>(resources.persistentvolumeclaims).create({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    } as PersistentVolumeClaim);
    // No clock moves below: the claim's changes themselves bring the pod to sync again.
    await failedMount('claims', /^Unable to attach or mount volumes: unmounted volumes=\[data\], unattached volumes=\[\], failed to process volumes=\[data\]: error processing PVC default\/data: PVC is not bound$/);
    const path = join(hostDir, 'pv-data', 'nested');
    await api(resources.persistentvolumes).create({
      apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-data' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path, type: 'DirectoryOrCreate' }, claimRef: { namespace: 'default', name: 'data', uid: pvc.metadata.uid } },
    });
    await api<PersistentVolumeClaim>(resources.persistentvolumeclaims).patch('data', 'default', 'merge', { spec: { volumeName: 'pv-data' } });
    await api<PersistentVolumeClaim>(resources.persistentvolumeclaims).patch('data', 'default', 'merge', { status: { phase: 'Bound' } }, { subresource: 'status' });
    await phase('claims', 'Running');
    assert.ok(statSync(path).isDirectory(), 'the PV directory was made');
  });

  it('checks a hostPath against its type', async () => {
    const dir = join(hostDir, 'a-dir');
    mkdirSync(dir);
    await create('typed', { volumes: [{ name: 'h', hostPath: { path: dir, type: 'File' } }] });
    await failedMount('typed', new RegExp(`^MountVolume\\.SetUp failed for volume "h" : hostPath type check failed: ${dir} is not a file, it's a Directory$`));
    await create('created', { volumes: [{ name: 'f', hostPath: { path: join(hostDir, 'made.sock-not'), type: 'FileOrCreate' } }, { name: 'd', hostPath: { path: join(hostDir, 'made-dir'), type: 'DirectoryOrCreate' } }] });
    await phase('created', 'Running');
    assert.ok(statSync(join(hostDir, 'made.sock-not')).isFile());
    assert.ok(statSync(join(hostDir, 'made-dir')).isDirectory());
  });

  it('refuses a subPath that a symlink leads out of the volume, `..`, or an unset subPathExpr variable (CreateContainerConfigError)', async () => {
    const shared = join(hostDir, 'shared');
    mkdirSync(join(shared, 'ok'), { recursive: true });
    // What a first container would plant to reach the host's files through a second one's subPath.
    symlinkSync('/etc', join(shared, 'escape'));
    const mount = (subPath: Record<string, string>) => ({ name: 'main', image: 'x', command: ['run'], volumeMounts: [{ name: 'shared', mountPath: '/data', ...subPath }] });
    const volumes = [{ name: 'shared', hostPath: { path: shared } }];
    await create('escape', { volumes, containers: [mount({ subPath: 'escape' })] });
    const refused = await waitFor(pods, (p) => p.metadata.name === 'escape' && p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError', 'escape refused');
    assert.equal(refused.status?.containerStatuses?.[0]?.state?.waiting?.message, 'failed to prepare subPath for volumeMount "shared" of container "main"');
    assert.equal((await runtime.listContainers()).some((c) => c.labels['io.kubernetes.pod.uid'] === refused.metadata.uid), false, 'the container was never created');
    await create('expr', { volumes, containers: [{ ...mount({ subPathExpr: '$(DIR)' }), env: [{ name: 'OTHER', value: 'x' }] }] });
    const expr = await waitFor(pods, (p) => p.metadata.name === 'expr' && p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError', 'expr refused');
    assert.equal(expr.status?.containerStatuses?.[0]?.state?.waiting?.message, 'missing value for DIR');
    await create('inside', { volumes, containers: [{ ...mount({ subPathExpr: '$(DIR)/new' }), env: [{ name: 'DIR', value: 'ok' }] }] });
    await phase('inside', 'Running');
    assert.ok(statSync(join(shared, 'ok', 'new')).isDirectory(), 'a missing subPath is made inside the volume');
  });

  it('removes the volume directories (unmounting memory-backed ones) when the pod goes', async () => {
    await create('memory', { volumes: [{ name: 'fast', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }] });
    await phase('memory', 'Running');
    const dir = volumeDir('memory', 'empty-dir', 'fast');
    const podDir = join(dataDir, 'kubelet', 'pods', pods.get('memory', 'default')!.metadata.uid!);
    if (process.getuid?.() === 0) assert.ok(mountPoints().includes(dir), 'a tmpfs as root');
    writeFileSync(join(dir, 'f'), 'x');
    await api(resources.pods).delete('memory', 'default');
    await waitFor(pods, (_p, all) => !all.some((p) => p.metadata.name === 'memory'), 'memory deleted');
    await eventually(() => !existsSync(podDir), 'the pod volume directory removed');
    assert.equal(mountPoints().some((m) => m.startsWith(podDir)), false);
  });
});
