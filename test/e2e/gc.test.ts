/**
 * Garbage collection through the real kubectl (newest and 1.27): objects made owners by
 * hand-written ownerReferences, then `kubectl delete` with its default (background)
 * propagation, `--cascade=orphan` and `--cascade=foreground` — kubectl waits for the
 * owner to be gone, which for the last two needs the garbage collector to release it. And
 * a Deployment, whose ReplicaSets and Pods go with it (before it, in the foreground), or
 * stay with `--cascade=orphan`.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestCluster } from '../support/cluster.js';

describe('garbage collection with kubectl', () => {
  const env = useTestCluster({ simulatedNodes: 2 });
  const run = async (args: string[], options: { version?: string; input?: string } = {}) => {
    const res = await env.cluster.kubectl(args, { ...options, timeoutMs: 90_000 });
    assert.equal(res.code, 0, `kubectl ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res.stdout;
  };

  for (const version of ['latest', '1.27']) {
    describe(`kubectl ${version}`, () => {
      const ns = `gc-${version.replace('.', '-')}`;
      const kubectl = (args: string[], input?: string) => run(['-n', ns, ...args], { version, input });
      const names = async (kind: string) => (await kubectl(['get', kind, '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ').filter(Boolean).sort();
      const uid = (kind: string, name: string) => kubectl(['get', kind, name, '-o', 'jsonpath={.metadata.uid}']);
      /** ConfigMaps owned by `owner` (a ConfigMap), each optionally owning one more. */
      async function owned(owner: string, dependents: string[], options: { block?: boolean; grand?: boolean } = {}): Promise<void> {
        const ref = async (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid: await uid('configmap', name), ...(options.block ? { blockOwnerDeletion: true } : {}) });
        const items = await Promise.all(dependents.map(async (name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ownerReferences: [await ref(owner)] }, data: { owner } })));
        await kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
        if (!options.grand) return;
        const grands = await Promise.all(dependents.map(async (name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-grand`, ownerReferences: [await ref(name)] } })));
        await kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: grands }));
      }

      before(() => run(['create', 'namespace', ns]));

      it('`kubectl delete` removes the dependents, and theirs', async () => {
        await kubectl(['create', 'configmap', 'bg']);
        await owned('bg', ['bg-a', 'bg-b'], { grand: true });
        assert.match(await kubectl(['delete', 'configmap', 'bg']), /configmap "bg" deleted/);
        await kubectl(['wait', '--for=delete', 'configmap/bg-a', 'configmap/bg-b', 'configmap/bg-a-grand', 'configmap/bg-b-grand', '--timeout=30s']);
        assert.deepEqual((await names('configmaps')).filter((n) => n.startsWith('bg')), []);
      });

      it('`--cascade=orphan` leaves the dependents, without the reference to the owner', async () => {
        await kubectl(['create', 'configmap', 'or']);
        await owned('or', ['or-a', 'or-b'], { grand: true });
        const orA = await uid('configmap', 'or-a');
        assert.match(await kubectl(['delete', 'configmap', 'or', '--cascade=orphan']), /configmap "or" deleted/);
        assert.deepEqual((await names('configmaps')).filter((n) => n.startsWith('or')), ['or-a', 'or-a-grand', 'or-b', 'or-b-grand']);
        assert.equal(await kubectl(['get', 'configmap', 'or-a', 'or-b', '-o', 'jsonpath={.items[*].metadata.ownerReferences}']), '');
        assert.equal(await kubectl(['get', 'configmap', 'or-a-grand', '-o', 'jsonpath={.metadata.ownerReferences[0].uid}']), orA, 'only references to the deleted owner go');
      });

      it('`--cascade=foreground` deletes the dependents first and the owner last', async () => {
        await kubectl(['create', 'configmap', 'fg']);
        await owned('fg', ['fg-a', 'fg-b'], { block: true, grand: true });
        // kubectl returns once the owner is gone, which the garbage collector allows only after its dependents.
        assert.match(await kubectl(['delete', 'configmap', 'fg', '--cascade=foreground']), /configmap "fg" deleted/);
        assert.deepEqual((await names('configmaps')).filter((n) => n.startsWith('fg')), []);
      });

      it('collects a dependent whose owner never existed', async () => {
        const item = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'nobody', uid: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' }] } };
        await kubectl(['create', '-f', '-'], JSON.stringify(item));
        await kubectl(['wait', '--for=delete', 'configmap/stray', '--timeout=30s']);
      });
    });
  }

  describe('Deployments', () => {
    const ns = 'gc-deploy';
    const kubectl = (args: string[]) => run(['-n', ns, ...args]);
    const names = async (kind: string, app: string) => (await kubectl(['get', kind, '-l', `app=${app}`, '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ').filter(Boolean).sort();
    async function rolledOut(name: string): Promise<{ replicaSets: string[]; pods: string[] }> {
      await kubectl(['create', 'deployment', name, '--image=nginx', '--replicas=2']);
      await kubectl(['rollout', 'status', `deployment/${name}`, '--timeout=60s']);
      const replicaSets = await names('replicasets', name);
      const pods = await names('pods', name);
      assert.equal(replicaSets.length, 1);
      assert.equal(pods.length, 2);
      return { replicaSets, pods };
    }

    before(() => run(['create', 'namespace', ns]));

    it('deleting a Deployment removes its ReplicaSets and Pods', async () => {
      const { replicaSets, pods } = await rolledOut('web');
      await kubectl(['delete', 'deployment', 'web']);
      await kubectl(['wait', '--for=delete', ...replicaSets.map((n) => `replicaset/${n}`), ...pods.map((n) => `pod/${n}`), '--timeout=60s']);
    });

    it('with --cascade=foreground kubectl returns once the Pods, then the ReplicaSet, are gone', async () => {
      const { replicaSets, pods } = await rolledOut('fg');
      await kubectl(['delete', 'deployment', 'fg', '--cascade=foreground']);
      assert.deepEqual(await names('replicasets', 'fg'), []);
      assert.deepEqual(await names('pods', 'fg'), []);
      assert.equal(replicaSets.length + pods.length, 3);
    });

    it('with --cascade=orphan the ReplicaSet and Pods stay, no longer owned', async () => {
      const { replicaSets, pods } = await rolledOut('kept');
      await kubectl(['delete', 'deployment', 'kept', '--cascade=orphan']);
      assert.deepEqual(await names('replicasets', 'kept'), replicaSets);
      assert.equal(await kubectl(['get', 'replicaset', replicaSets[0]!, '-o', 'jsonpath={.metadata.ownerReferences}']), '');
      assert.deepEqual(await names('pods', 'kept'), pods);
      // The pods still belong to the ReplicaSet.
      assert.equal(await kubectl(['get', 'pod', pods[0]!, '-o', 'jsonpath={.metadata.ownerReferences[0].name}']), replicaSets[0]);
    });
  });
});
