/**
 * The official JavaScript client, @kubernetes/client-node, against a real Skiff cluster:
 * typed APIs (CoreV1Api, AppsV1Api), the dynamic KubernetesObjectApi (kinds resolved
 * through legacy discovery), every patch type, informers (including recovery through a
 * relist after the server answers 410 Gone) and error shapes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as K8s from '@kubernetes/client-node';
import type { ApiException as ApiExceptionType, KubeConfig, KubernetesObject, V1ConfigMap, V1ConfigMapList, V1Deployment, V1Status } from '@kubernetes/client-node';
import { openStore } from '../../src/store/index.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { startServer, waitFor, type TestServer } from '../support/servers.js';
import { unsupportedReason } from '../support/client-node.js';

const skipReason = unsupportedReason();
if (skipReason) console.error(`SKIPPED: ${skipReason}`);
const k8s: typeof K8s | undefined = skipReason ? undefined : await import('@kubernetes/client-node');
const { ApiException, AppsV1Api, CoreV1Api, KubeConfig: KubeConfigClass, KubernetesObjectApi, PatchStrategy, Watch, makeInformer, setHeaderOptions } = k8s ?? ({} as typeof K8s);

function loadKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfigClass();
  kc.loadFromFile(path);
  return kc;
}

/** The Status body of a failed call (the generated client leaves it as JSON text). */
function statusOf(err: unknown): V1Status {
  assert.ok(err instanceof ApiException, `expected an ApiException, got ${String(err)}`);
  const body = (err as ApiExceptionType<unknown>).body;
  return (typeof body === 'string' ? JSON.parse(body) : body) as V1Status;
}

async function rejectsWith(promise: Promise<unknown>, code: number): Promise<V1Status> {
  try {
    await promise;
  } catch (err) {
    const status = statusOf(err);
    assert.equal((err as ApiExceptionType<unknown>).code, code, `HTTP code; status: ${JSON.stringify(status)}`);
    return status;
  }
  assert.fail(`expected HTTP ${code}, the call succeeded`);
}

function deployment(name: string, namespace: string): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] },
            { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', 'infinity'] },
          ],
        },
      },
    },
  };
}

describe('@kubernetes/client-node', { skip: skipReason ?? false }, () => {
  let tc: TestCluster;
  let kc: KubeConfig;
  let core: K8s.CoreV1Api;
  let apps: K8s.AppsV1Api;
  let objects: K8s.KubernetesObjectApi;

  before(async () => {
    tc = await startTestCluster();
    kc = loadKubeConfig(tc.kubeconfig);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    objects = KubernetesObjectApi.makeApiClient(kc);
  });
  after(async () => {
    await tc?.stop();
  });

  it('lists namespaces, pods and deployments through the typed APIs', async () => {
    const namespaces = await core.listNamespace();
    const names = namespaces.items.map((n) => n.metadata?.name);
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.ok(names.includes(name), `namespace ${name} in ${names.join(',')}`);
    assert.match(namespaces.metadata?.resourceVersion ?? '', /^\d+$/);
    const ns = namespaces.items.find((n) => n.metadata?.name === 'default')!;
    assert.equal(ns.status?.phase, 'Active');
    assert.ok(ns.metadata?.creationTimestamp instanceof Date, 'creationTimestamp parsed as a Date');

    const pods = await core.listNamespacedPod({ namespace: 'default' });
    assert.deepEqual(pods.items, []);
    assert.equal(pods.kind, 'PodList');
    const allPods = await core.listPodForAllNamespaces();
    assert.ok(Array.isArray(allPods.items));
    const deployments = await apps.listDeploymentForAllNamespaces();
    assert.equal(deployments.kind, 'DeploymentList');
    assert.deepEqual(deployments.items, []);
  });

  it('creates a ConfigMap and a Deployment through the typed APIs and reads them back', async () => {
    const cm = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'typed-cm', labels: { tier: 'test' } }, data: { greeting: 'hello' } },
    });
    assert.equal(cm.metadata?.name, 'typed-cm');
    assert.equal(cm.metadata?.namespace, 'default');
    assert.match(cm.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.match(cm.metadata?.resourceVersion ?? '', /^\d+$/);
    assert.deepEqual(cm.data, { greeting: 'hello' });

    const created = await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('typed-web', 'default') });
    assert.equal(created.metadata?.generation, 1);
    assert.equal(created.spec?.replicas, 2);
    // Defaults the server fills in, as upstream does.
    assert.equal(created.spec?.strategy?.type, 'RollingUpdate');
    assert.equal(created.spec?.revisionHistoryLimit, 10);
    assert.equal(created.spec?.template.spec?.restartPolicy, 'Always');
    assert.equal(created.spec?.template.spec?.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(created.spec?.template.spec?.containers[0].ports?.[0].protocol, 'TCP');

    const read = await apps.readNamespacedDeployment({ name: 'typed-web', namespace: 'default' });
    assert.equal(read.metadata?.uid, created.metadata?.uid);
    const list = await apps.listNamespacedDeployment({ namespace: 'default', labelSelector: 'app=typed-web' });
    assert.deepEqual(list.items.map((d) => d.metadata?.name), ['typed-web']);
    const none = await apps.listNamespacedDeployment({ namespace: 'default', labelSelector: 'app=other' });
    assert.deepEqual(none.items, []);

    const replaced = await core.replaceNamespacedConfigMap({ name: 'typed-cm', namespace: 'default', body: { ...cm, data: { greeting: 'bye' } } });
    assert.deepEqual(replaced.data, { greeting: 'bye' });
    assert.notEqual(replaced.metadata?.resourceVersion, cm.metadata?.resourceVersion);
    // The stale resourceVersion now conflicts.
    const conflict = await rejectsWith(core.replaceNamespacedConfigMap({ name: 'typed-cm', namespace: 'default', body: { ...cm, data: { greeting: 'stale' } } }), 409);
    assert.equal(conflict.reason, 'Conflict');
    assert.match(conflict.message ?? '', /^Operation cannot be fulfilled on configmaps "typed-cm": the object has been modified; please apply your changes to the latest version and try again$/);

    const status = await core.deleteNamespacedConfigMap({ name: 'typed-cm', namespace: 'default' });
    assert.equal(status.kind, 'Status');
    assert.equal(status.status, 'Success');
    assert.deepEqual({ ...status.details }, { name: 'typed-cm', kind: 'configmaps', uid: cm.metadata?.uid });
  });

  it('patches with merge patch and JSON patch (typed API) and strategic merge (KubernetesObjectApi)', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'patched' }, data: { a: '1', b: '2' } } });

    const merged = await core.patchNamespacedConfigMap(
      { name: 'patched', namespace: 'default', body: { data: { b: null, c: '3' }, metadata: { labels: { merged: 'yes' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    assert.deepEqual(merged.data, { a: '1', c: '3' });
    assert.deepEqual(merged.metadata?.labels, { merged: 'yes' });

    const jsonPatched = await core.patchNamespacedConfigMap(
      { name: 'patched', namespace: 'default', body: [
        { op: 'test', path: '/data/a', value: '1' },
        { op: 'replace', path: '/data/a', value: 'one' },
        { op: 'remove', path: '/data/c' },
        { op: 'add', path: '/data/d', value: '4' },
      ] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    assert.deepEqual(jsonPatched.data, { a: 'one', d: '4' });
    // A failing test operation rejects the whole patch.
    const failed = await rejectsWith(core.patchNamespacedConfigMap(
      { name: 'patched', namespace: 'default', body: [{ op: 'test', path: '/data/a', value: 'nope' }, { op: 'remove', path: '/data/d' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    ), 422);
    assert.equal(failed.kind, 'Status');
    assert.deepEqual((await core.readNamespacedConfigMap({ name: 'patched', namespace: 'default' })).data, { a: 'one', d: '4' });

    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('smp', 'default') });
    // Strategic merge: containers merge by name, env by name; untouched entries stay.
    const smp = await objects.patch(
      {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'smp', namespace: 'default' },
        spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28', env: [{ name: 'B', value: '2' }] }] } } },
      } as KubernetesObject,
      undefined, undefined, undefined, undefined, PatchStrategy.StrategicMergePatch,
    ) as V1Deployment;
    const containers = smp.spec!.template.spec!.containers;
    assert.deepEqual(containers.map((c) => [c.name, c.image]), [['web', 'nginx:1.28'], ['sidecar', 'busybox:1.36']]);
    assert.deepEqual(containers[0].env?.map((e) => e.name).sort(), ['A', 'B']);
    assert.equal(smp.metadata?.generation, 2);

    // The same patch as a JSON merge patch replaces the whole list instead.
    const replacedList = await objects.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'smp', namespace: 'default' }, spec: { template: { spec: { containers: [{ name: 'only', image: 'busybox:1.36' }] } } } } as KubernetesObject,
      undefined, undefined, undefined, undefined, PatchStrategy.MergePatch,
    ) as V1Deployment;
    assert.deepEqual(replacedList.spec!.template.spec!.containers.map((c) => c.name), ['only']);
  });

  it('server-side applies through KubernetesObjectApi with a field manager, conflicts, and force', async () => {
    const manifest = (replicas: number, image: string): KubernetesObject => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ssa', namespace: 'default' },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'ssa' } },
        template: { metadata: { labels: { app: 'ssa' } }, spec: { containers: [{ name: 'app', image }] } },
      },
    } as KubernetesObject);
    const first = await objects.patch(manifest(1, 'nginx:1.27'), undefined, undefined, 'ci-tool', undefined, PatchStrategy.ServerSideApply) as V1Deployment;
    assert.equal(first.spec?.replicas, 1);
    const owner = first.metadata?.managedFields?.find((m) => m.manager === 'ci-tool');
    assert.ok(owner, `ci-tool in ${JSON.stringify(first.metadata?.managedFields)}`);
    assert.equal(owner.operation, 'Apply');
    assert.equal(owner.apiVersion, 'apps/v1');
    assert.equal(owner.fieldsType, 'FieldsV1');
    assert.ok((owner.fieldsV1 as Record<string, unknown>)['f:spec'], 'owns spec fields');

    // Another manager applying a different value for an owned field conflicts…
    const conflict = await rejectsWith(objects.patch(manifest(3, 'nginx:1.27'), undefined, undefined, 'other-tool', undefined, PatchStrategy.ServerSideApply), 409);
    assert.equal(conflict.reason, 'Conflict');
    assert.match(conflict.message ?? '', /conflict.*\.spec\.replicas/i);
    assert.ok(conflict.details?.causes?.some((c) => c.field === '.spec.replicas' && c.reason === 'FieldManagerConflict'), JSON.stringify(conflict.details));

    // …until it forces, which takes the field over.
    const forced = await objects.patch(manifest(3, 'nginx:1.27'), undefined, undefined, 'other-tool', true, PatchStrategy.ServerSideApply) as V1Deployment;
    assert.equal(forced.spec?.replicas, 3);
    const managers = new Map(forced.metadata!.managedFields!.map((m) => [m.manager, m.fieldsV1 as Record<string, Record<string, unknown>>]));
    assert.ok(managers.get('other-tool')?.['f:spec']?.['f:replicas'], 'other-tool owns replicas');
    assert.equal(managers.get('ci-tool')?.['f:spec']?.['f:replicas'], undefined, 'ci-tool lost replicas');

    // Applying without a field manager is rejected, as upstream.
    const missing = await rejectsWith(objects.patch(manifest(3, 'nginx:1.27'), undefined, undefined, undefined, undefined, PatchStrategy.ServerSideApply), 422);
    assert.match(missing.message ?? '', /fieldManager/);
  });

  it('round-trips read/create/replace/delete through KubernetesObjectApi (kinds resolved by discovery)', async () => {
    const spec = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'dyn-svc', namespace: 'default' }, spec: { selector: { app: 'x' }, ports: [{ port: 80, targetPort: 8080 }] } } as KubernetesObject;
    const created = await objects.create(spec) as KubernetesObject & { spec: { clusterIP?: string; type?: string; ports: Array<{ protocol?: string }> } };
    assert.equal(created.kind, 'Service');
    assert.equal(created.spec.type, 'ClusterIP');
    assert.equal(created.spec.ports[0].protocol, 'TCP');

    const read = await objects.read({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'dyn-svc', namespace: 'default' } });
    assert.equal(read.metadata?.uid, created.metadata?.uid);
    read.metadata!.labels = { replaced: 'true' };
    const replaced = await objects.replace(read);
    assert.deepEqual(replaced.metadata?.labels, { replaced: 'true' });

    const dep = await objects.create(deployment('dyn-web', 'default') as KubernetesObject) as V1Deployment;
    assert.equal(dep.kind, 'Deployment');
    assert.equal(dep.apiVersion, 'apps/v1');
    const list = await objects.list('apps/v1', 'Deployment', 'default');
    assert.ok(list.items.some((d) => d.metadata?.name === 'dyn-web'));
    const cluster = await objects.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } });
    assert.equal(cluster.metadata?.name, 'kube-system');

    // Services are among the kinds whose DELETE answers with the object (ReturnDeletedObject)…
    const deletedSvc = await objects.delete({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'dyn-svc', namespace: 'default' } }) as KubernetesObject;
    // (client-node decodes every DELETE answer as a V1Status, so only kind survives.)
    assert.equal(deletedSvc.kind, 'Service');
    // …most others answer with a Status.
    const deletedDep = await objects.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'dyn-web', namespace: 'default' } }) as V1Status;
    assert.equal(deletedDep.kind, 'Status');
    assert.equal(deletedDep.status, 'Success');
    assert.deepEqual({ ...deletedDep.details }, { name: 'dyn-web', group: 'apps', kind: 'deployments', uid: dep.metadata?.uid });
    await rejectsWith(objects.read({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'dyn-svc', namespace: 'default' } }), 404);

    // A kind discovery does not know is refused by the client before any request.
    await assert.rejects(objects.read({ apiVersion: 'v1', kind: 'NoSuchKind', metadata: { name: 'x', namespace: 'default' } }), /Unrecognized API version and kind: v1 NoSuchKind/);
  });

  it('reports a missing object as an ApiException with code 404 and a Status body', async () => {
    const status = await rejectsWith(core.readNamespacedConfigMap({ name: 'missing', namespace: 'default' }), 404);
    assert.equal(status.kind, 'Status');
    assert.equal(status.apiVersion, 'v1');
    assert.equal(status.status, 'Failure');
    assert.equal(status.reason, 'NotFound');
    assert.equal(status.code, 404);
    assert.equal(status.message, 'configmaps "missing" not found');
    assert.deepEqual(status.details, { name: 'missing', kind: 'configmaps' });

    const dynamic = await rejectsWith(objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'missing', namespace: 'default' } }), 404);
    assert.equal(dynamic.message, 'deployments.apps "missing" not found');
    assert.deepEqual(dynamic.details, { name: 'missing', group: 'apps', kind: 'deployments' });

    const exists = await rejectsWith(core.createNamespace({ body: { metadata: { name: 'default' } } }), 409);
    assert.equal(exists.reason, 'AlreadyExists');
    assert.equal(exists.message, 'namespaces "default" already exists');
  });

  it('an informer fires add, update and delete for changes made after it synced', async () => {
    const namespace = 'informer-live';
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'pre-existing' }, data: { v: '0' } } });
    const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${namespace}/configmaps`, () => core.listNamespacedConfigMap({ namespace }));
    const log: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (o) => log.push(`add ${o.metadata?.name} ${o.data?.v}`));
    informer.on('update', (o) => log.push(`update ${o.metadata?.name} ${o.data?.v}`));
    informer.on('delete', (o) => log.push(`delete ${o.metadata?.name}`));
    informer.on('error', (err) => errors.push(err));
    try {
      await informer.start();
      assert.deepEqual(log, ['add pre-existing 0']);
      assert.equal(informer.get('pre-existing', namespace)?.data?.v, '0');

      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'live' }, data: { v: '1' } } });
      await core.patchNamespacedConfigMap({ name: 'live', namespace, body: { data: { v: '2' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      await core.deleteNamespacedConfigMap({ name: 'pre-existing', namespace });
      // Another namespace's objects never reach this informer.
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'elsewhere' }, data: { v: 'x' } } });
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'last' }, data: { v: '3' } } });

      await waitFor('informer events', () => log.length >= 5, 10_000);
      assert.deepEqual(log, ['add pre-existing 0', 'add live 1', 'update live 2', 'delete pre-existing', 'add last 3']);
      assert.deepEqual(informer.list(namespace).map((o) => o.metadata?.name).sort(), ['last', 'live']);
      assert.equal(informer.get('live', namespace)?.data?.v, '2');
      assert.deepEqual(errors, []);
    } finally {
      await informer.stop();
    }
  });

  it('a raw Watch delivers events after the resourceVersion it starts from', async () => {
    const namespace = 'raw-watch';
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const start = await core.listNamespacedConfigMap({ namespace });
    const events: Array<[string, string | undefined]> = [];
    const watch = new Watch(kc);
    let ended: unknown = 'open';
    const controller = await watch.watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: start.metadata?.resourceVersion, allowWatchBookmarks: true },
      (type, obj: V1ConfigMap) => events.push([type, obj.metadata?.name]), (err) => { ended = err; });
    try {
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'w1' } } });
      await core.deleteNamespacedConfigMap({ name: 'w1', namespace });
      await waitFor('watch events', () => events.length >= 2);
      assert.deepEqual(events, [['ADDED', 'w1'], ['DELETED', 'w1']]);
    } finally {
      controller.abort();
    }
    assert.notEqual(ended, 'open');
  });

  describe('informer across a server restart', () => {
    let server: TestServer;
    before(async () => {
      server = await startServer();
    });
    after(async () => {
      await server?.destroy();
    });

    // Without compaction the restarted server replays the missed history from the store
    // (its watch hub starts empty); with it, it answers 410 and the informer must relist.
    for (const compact of [false, true]) {
      const title = compact
        ? 'recovers through a relist when its resourceVersion was compacted away (410 Gone)'
        : 'resumes from its resourceVersion, without a relist, when the history is still there';
      it(title, async () => {
        const skc = loadKubeConfig(server.kubeconfig);
        const score = skc.makeApiClient(CoreV1Api);
        const namespace = compact ? 'relist' : 'resume';
        await score.createNamespace({ body: { metadata: { name: namespace } } });
        for (const name of ['keep', 'change', 'remove']) await score.createNamespacedConfigMap({ namespace, body: { metadata: { name }, data: { v: '0' } } });

        let lists = 0;
        const informer = makeInformer<V1ConfigMap>(skc, `/api/v1/namespaces/${namespace}/configmaps`, async () => {
          lists++;
          return score.listNamespacedConfigMap({ namespace }) as Promise<V1ConfigMapList>;
        });
        const log: string[] = [];
        informer.on('add', (o) => log.push(`add ${o.metadata?.name} ${o.data?.v}`));
        informer.on('update', (o) => log.push(`update ${o.metadata?.name} ${o.data?.v}`));
        informer.on('delete', (o) => log.push(`delete ${o.metadata?.name}`));
        // client-node's informer stops on a connection error and leaves restarting to the
        // caller (its README's pattern): retry shortly, as long as the test runs.
        let stopped = false;
        let retryTimer: NodeJS.Timeout | undefined;
        informer.on('error', () => {
          if (stopped) return;
          retryTimer = setTimeout(() => { if (!stopped) void informer.start(); }, 100);
        });
        try {
          await informer.start();
          assert.equal(lists, 1);
          assert.deepEqual(log.sort(), ['add change 0', 'add keep 0', 'add remove 0']);
          log.length = 0;
          const kept = await score.patchNamespacedConfigMap({ name: 'keep', namespace, body: { data: { v: '1' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
          await waitFor('the update before the restart', () => log.includes('update keep 1'));
          // The newest revision the informer has seen: it resumes watching from here.
          const seenRevision = Number(kept.metadata?.resourceVersion);
          log.length = 0;

          // The server goes away. While it is down, the cluster changes (through a second
          // server on the same data dir, on another port the informer does not know), and
          // maybe the history the informer would resume from is compacted.
          await server.stop();
          const other = await startServer({ dataDir: server.dataDir });
          try {
            const ocore = loadKubeConfig(other.kubeconfig).makeApiClient(CoreV1Api);
            await ocore.patchNamespacedConfigMap({ name: 'change', namespace, body: { data: { v: '2' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
            await ocore.deleteNamespacedConfigMap({ name: 'remove', namespace });
            await ocore.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'new' }, data: { v: '3' } } });
          } finally {
            await other.stop();
          }
          if (compact) {
            const { store } = await openStore({ dataDir: server.dataDir });
            try {
              const current = await store.currentRevision();
              assert.ok(current > seenRevision + 1);
              await store.compact(current);
            } finally {
              await store.close();
            }
          }
          await server.start();

          // What the server itself answers for the informer's resourceVersion now.
          const watchEvents: Array<[string, string | undefined, number | undefined]> = [];
          const controller = await new Watch(skc).watch(`/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: String(seenRevision) },
            (type, obj: V1ConfigMap & { code?: number }) => watchEvents.push([type, obj.metadata?.name, obj.code]), () => {});
          try {
            if (compact) {
              await waitFor('a 410 ERROR event', () => watchEvents.length > 0);
              assert.deepEqual(watchEvents, [['ERROR', undefined, 410]]);
            } else {
              await waitFor('the replayed events', () => watchEvents.length >= 3);
              assert.deepEqual(watchEvents, [['MODIFIED', 'change', undefined], ['DELETED', 'remove', undefined], ['ADDED', 'new', undefined]]);
            }
          } finally {
            controller.abort();
          }

          // The informer reports exactly what changed while it was away (relisting only
          // when it had to), and keeps watching afterwards.
          await waitFor('the informer to catch up', () => log.length >= 3, 30_000);
          if (compact) {
            assert.equal(lists, 2, 'relisted once');
            assert.deepEqual(log.slice().sort(), ['add new 3', 'delete remove', 'update change 2']);
          } else {
            assert.equal(lists, 1, 'no relist');
            assert.deepEqual(log, ['update change 2', 'delete remove', 'add new 3']);
          }
          log.length = 0;
          // Any later watch starts at (or before) this change's revision, so it cannot be missed.
          await score.patchNamespacedConfigMap({ name: 'new', namespace, body: { data: { v: '4' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
          await waitFor('the informer to watch again', () => log.includes('update new 4'), 30_000);
          assert.deepEqual(log, ['update new 4']);
          assert.deepEqual(informer.list(namespace).map((o) => o.metadata?.name).sort(), ['change', 'keep', 'new']);
          assert.equal(informer.get('change', namespace)?.data?.v, '2');
        } finally {
          stopped = true;
          clearTimeout(retryTimer);
          await informer.stop();
        }
      });
    }
  });
});
