/**
 * StatefulSets and DaemonSets through the real kubectl (newest and 1.27) on a cluster of
 * three simulated nodes, where the scheduler binds pods and the nodes report them Running:
 *
 * - a StatefulSet comes up in order — a pod watch shows web-0 Ready before web-1 exists,
 *   and web-1 Ready before web-2 — and `rollout status` waits for it; `set image`,
 *   `rollout history` and `rollout undo` work off its ControllerRevisions; scaling down
 *   removes web-2 completely before web-1 starts terminating;
 * - a DaemonSet runs on every node but one tainted NoSchedule with `kubectl taint`,
 *   `rollout status` waits for it, history and undo work, and removing the taint adds
 *   the missing pod.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestCluster } from '../support/cluster.js';
import type { Json, WatchStream } from '../support/api-client.js';

interface PodEvent { type: string; name: string; ready: boolean; terminating: boolean }

const VERSIONS = ['latest', '1.27'];

describe('StatefulSets and DaemonSets with kubectl', () => {
  const env = useTestCluster({ simulatedNodes: 3 });

  for (const version of VERSIONS) {
    describe(`kubectl ${version}`, () => {
      const ns = `sd-${version.replace('.', '')}`;
      const kubectl = async (args: string[]) => {
        const res = await env.cluster.kubectl([...args, '-n', ns], { version, timeoutMs: 100_000 });
        assert.equal(res.code, 0, `kubectl ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
        return res.stdout;
      };
      const apply = (manifest: unknown) => env.cluster.kubectl(['apply', '-n', ns, '-f', '-'], { version, input: JSON.stringify(manifest) });
      /** Pod events in the namespace as a watch delivers them, in order. */
      const events: PodEvent[] = [];
      const until = (what: string, condition: () => boolean, timeoutMs = 60_000) => new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          if (condition()) return resolve();
          if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}; events:\n${events.map((e) => JSON.stringify(e)).join('\n')}`));
          setTimeout(check, 50);
        };
        check();
      });

      let watch: WatchStream | undefined;
      before(async () => {
        assert.equal((await env.cluster.kubectl(['create', 'namespace', ns], { version })).code, 0);
        watch = await env.client.watch(`/api/v1/namespaces/${ns}/pods`, (e) => {
          const pod = e.object as Json;
          if (!pod?.metadata?.name) return;
          const ready = (pod.status?.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True');
          events.push({ type: e.type, name: pod.metadata.name, ready, terminating: Boolean(pod.metadata.deletionTimestamp) });
        });
      });
      after(() => watch?.stop());

      it('brings a StatefulSet up in order and `rollout status` waits for it', async () => {
        const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] } };
        const set = {
          apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web' },
          spec: {
            serviceName: 'web', replicas: 3, selector: { matchLabels: { app: 'web' } },
            template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } },
            volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
          },
        };
        for (const m of [service, set]) {
          const res = await apply(m);
          assert.equal(res.code, 0, res.stderr);
        }
        assert.match(await kubectl(['rollout', 'status', 'sts/web', '--timeout=90s']), /roll(ing update| out) complete/);

        const firstAdded = (name: string) => events.findIndex((e) => e.type === 'ADDED' && e.name === name);
        const firstReady = (name: string) => events.findIndex((e) => e.name === name && e.ready);
        assert.ok(firstReady('web-0') >= 0 && firstReady('web-0') < firstAdded('web-1'), 'web-0 is Ready before web-1 exists');
        assert.ok(firstReady('web-1') >= 0 && firstReady('web-1') < firstAdded('web-2'), 'web-1 is Ready before web-2 exists');

        const pods = await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.spec.nodeName} {.spec.hostname}.{.spec.subdomain}{"\\n"}{end}']);
        assert.deepEqual(pods.trim().split('\n').map((l) => l.replace(/ sim-node-\d /, ' NODE ')), ['web-0 Running NODE web-0.web', 'web-1 Running NODE web-1.web', 'web-2 Running NODE web-2.web']);
        assert.match(await kubectl(['get', 'pvc']), /www-web-0\s/);
        assert.match(await kubectl(['get', 'sts', 'web']), /\nweb\s+3\/3\s/);
      });

      it('rolls a StatefulSet out and back with `set image`, `rollout history` and `rollout undo`', async () => {
        await kubectl(['set', 'image', 'sts/web', 'nginx=nginx:1.26']);
        assert.match(await kubectl(['rollout', 'status', 'sts/web', '--timeout=90s']), /roll(ing update| out) complete/);
        assert.match(await kubectl(['get', 'pod', 'web-0', '-o', 'jsonpath={.spec.containers[0].image}']), /^nginx:1.26$/);
        assert.match(await kubectl(['rollout', 'history', 'sts/web']), /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
        assert.match(await kubectl(['rollout', 'history', 'sts/web', '--revision=2']), /Image:\s+nginx:1.26/);
        assert.match(await kubectl(['rollout', 'undo', 'sts/web']), /statefulset.apps\/web rolled back/);
        assert.match(await kubectl(['rollout', 'status', 'sts/web', '--timeout=90s']), /roll(ing update| out) complete/);
        const images = await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.containers[0].image}']);
        assert.equal(images, 'nginx:1.25 nginx:1.25 nginx:1.25');
        assert.match(await kubectl(['rollout', 'history', 'sts/web']), /\n2\s+<none>\n3\s+<none>\n/);
      });

      it('scales a StatefulSet down from the highest ordinal, one pod at a time', async () => {
        const from = events.length;
        assert.match(await kubectl(['scale', 'sts/web', '--replicas=1']), /statefulset.apps\/web scaled/);
        await until('web-2 and web-1 deleted', () => ['web-2', 'web-1'].every((n) => events.slice(from).some((e) => e.type === 'DELETED' && e.name === n)));
        const index = (pred: (e: PodEvent) => boolean) => from + events.slice(from).findIndex(pred);
        assert.ok(index((e) => e.type === 'DELETED' && e.name === 'web-2') < index((e) => e.name === 'web-1' && e.terminating), 'web-2 is gone before web-1 starts terminating');
        await kubectl(['wait', '--for=jsonpath={.status.replicas}=1', 'sts/web', '--timeout=30s']);
        assert.equal(await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}']), 'web-0');
      });

      it('runs a DaemonSet on every node but a tainted one, and `rollout status` waits for it', async () => {
        const taint = await env.cluster.kubectl(['taint', 'nodes', 'sim-node-2', 'dedicated=db:NoSchedule', '--overwrite'], { version });
        assert.equal(taint.code, 0, taint.stderr);
        const ds = {
          apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' },
          spec: {
            selector: { matchLabels: { app: 'agent' } },
            template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
          },
        };
        assert.equal((await apply(ds)).code, 0);
        assert.match(await kubectl(['rollout', 'status', 'ds/agent', '--timeout=90s']), /daemon set "agent" successfully rolled out/);
        const nodes = await kubectl(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.nodeName}']);
        assert.deepEqual(nodes.split(' ').sort(), ['sim-node-0', 'sim-node-1']);
        assert.match(await kubectl(['get', 'ds', 'agent']), /\nagent\s+2\s+2\s+2\s+2\s+2\s/);
      });

      it('rolls a DaemonSet out and back, and adds the pod once the taint is removed', async () => {
        await kubectl(['set', 'image', 'ds/agent', 'agent=agent:2']);
        assert.match(await kubectl(['rollout', 'status', 'ds/agent', '--timeout=90s']), /daemon set "agent" successfully rolled out/);
        assert.equal(await kubectl(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.containers[0].image}']), 'agent:2 agent:2');
        assert.match(await kubectl(['rollout', 'history', 'ds/agent']), /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
        assert.match(await kubectl(['rollout', 'undo', 'ds/agent']), /daemonset.apps\/agent rolled back/);
        assert.match(await kubectl(['rollout', 'status', 'ds/agent', '--timeout=90s']), /successfully rolled out/);
        await kubectl(['wait', '--for=jsonpath={.status.updatedNumberScheduled}=2', 'ds/agent', '--timeout=30s']);

        const untaint = await env.cluster.kubectl(['taint', 'nodes', 'sim-node-2', 'dedicated:NoSchedule-'], { version });
        assert.equal(untaint.code, 0, untaint.stderr);
        await kubectl(['wait', '--for=jsonpath={.status.numberAvailable}=3', 'ds/agent', '--timeout=60s']);
        const nodes = await kubectl(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.nodeName}']);
        assert.deepEqual(nodes.split(' ').sort(), ['sim-node-0', 'sim-node-1', 'sim-node-2']);
        assert.equal(await kubectl(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.containers[0].image}']), 'agent:1 agent:1 agent:1');
      });
    });
  }
});
