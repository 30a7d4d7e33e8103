/**
 * Deployments through the real kubectl on a cluster with simulated nodes (the scheduler
 * binds pods, the nodes report them Running): `rollout status` waits for rollouts to
 * finish, `set image` rolls out again, `rollout history` lists revisions with their
 * change-cause, `rollout undo` restores the previous template by reusing its ReplicaSet,
 * `rollout restart`, `rollout pause|resume`, and `kubectl scale` — with the newest kubectl
 * and with 1.27 (whose undo patches the template client-side, as every version since does).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestCluster } from '../support/cluster.js';

interface Rs { metadata: { name: string; annotations?: Record<string, string> }; spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } } }

describe('Deployments with kubectl', () => {
  const env = useTestCluster({ simulatedNodes: 3 });
  const kubectl = async (args: string[], version?: string) => {
    const res = await env.cluster.kubectl(args, { version, timeoutMs: 90_000 });
    assert.equal(res.code, 0, `kubectl ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res.stdout;
  };
  const rolloutStatus = (name: string, version?: string) => kubectl(['rollout', 'status', `deployment/${name}`, '--timeout=80s'], version);
  const replicaSets = async (app: string): Promise<Rs[]> => {
    const items = JSON.parse(await kubectl(['get', 'rs', '-l', `app=${app}`, '-o', 'json'])).items as Rs[];
    return items.sort((a, b) => Number(a.metadata.annotations?.['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations?.['deployment.kubernetes.io/revision']));
  };
  const image = async (name: string) => kubectl(['get', 'deployment', name, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);

  it('rolls out a new Deployment and `rollout status` waits for it', async () => {
    assert.match(await kubectl(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3']), /deployment.apps\/web created/);
    assert.match(await rolloutStatus('web'), /deployment "web" successfully rolled out/);
    const pods = await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.status.phase}{" "}{.spec.nodeName}{"\\n"}{end}']);
    const lines = pods.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => /^Running \S+$/.test(l)), pods);
    const get = await kubectl(['get', 'deployment', 'web']);
    assert.match(get, /\nweb\s+3\/3\s+3\s+3\s+\S+\n/);
  });

  it('`set image` rolls out again; `rollout history` lists the revisions with their change-cause', async () => {
    await kubectl(['set', 'image', 'deployment/web', 'nginx=nginx:1.26']);
    await kubectl(['annotate', 'deployment/web', 'kubernetes.io/change-cause=upgrade to 1.26']);
    assert.match(await rolloutStatus('web'), /deployment "web" successfully rolled out/);
    const rss = await replicaSets('web');
    assert.deepEqual(rss.map((rs) => rs.spec.replicas), [0, 3]);
    const history = await kubectl(['rollout', 'history', 'deployment/web']);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+upgrade to 1.26\n/);
    assert.match(await kubectl(['rollout', 'history', 'deployment/web', '--revision=2']), /Image:\s+nginx:1.26/);
    const describe = await kubectl(['describe', 'deployment', 'web']);
    assert.match(describe, /NewReplicaSet:\s+web-\S+ \(3\/3 replicas created\)/);
    assert.match(describe, new RegExp(`Scaled up replica set ${rss[1]!.metadata.name} from 0 to 1`));
  });

  it('`rollout undo` restores the previous template by reusing its ReplicaSet', async () => {
    const before = await replicaSets('web');
    assert.match(await kubectl(['rollout', 'undo', 'deployment/web']), /deployment.apps\/web rolled back/);
    assert.match(await rolloutStatus('web'), /successfully rolled out/);
    assert.equal(await image('web'), 'nginx:1.25');
    const after = await replicaSets('web');
    assert.deepEqual(after.map((rs) => rs.metadata.name), [before[1]!.metadata.name, before[0]!.metadata.name], 'the revision 1 ReplicaSet is revision 3 now');
    assert.equal(after[1]!.spec.replicas, 3);
    assert.equal(after[1]!.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.match(await kubectl(['rollout', 'history', 'deployment/web']), /\n2\s+upgrade to 1.26\n3\s+<none>\n/);
  });

  it('`rollout restart` starts a new rollout', async () => {
    assert.match(await kubectl(['rollout', 'restart', 'deployment/web']), /deployment.apps\/web restarted/);
    assert.match(await rolloutStatus('web'), /successfully rolled out/);
    const rss = await replicaSets('web');
    assert.equal(rss.length, 3);
    assert.deepEqual(rss.map((rs) => rs.spec.replicas), [0, 0, 3]);
    assert.match(await kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.metadata.annotations}']), /kubectl.kubernetes.io\/restartedAt/);
  });

  it('`rollout pause` holds a template change back until `rollout resume`', async () => {
    assert.match(await kubectl(['rollout', 'pause', 'deployment/web']), /deployment.apps\/web paused/);
    await kubectl(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
    await kubectl(['wait', '--for=jsonpath={.status.conditions[?(@.type=="Progressing")].reason}=DeploymentPaused', 'deployment/web', '--timeout=30s']);
    await kubectl(['wait', '--for=jsonpath={.status.observedGeneration}=' + (await kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.generation}'])), 'deployment/web', '--timeout=30s']);
    assert.match(await kubectl(['rollout', 'status', 'deployment/web', '--watch=false']), /Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated/);
    assert.equal((await replicaSets('web')).length, 3, 'no new ReplicaSet while paused');
    assert.match(await kubectl(['rollout', 'resume', 'deployment/web']), /deployment.apps\/web resumed/);
    assert.match(await rolloutStatus('web'), /successfully rolled out/);
    const rss = await replicaSets('web');
    assert.equal(rss.at(-1)!.spec.template.spec.containers[0]!.image, 'nginx:1.27');
  });

  it('`kubectl scale` resizes up and down', async () => {
    assert.match(await kubectl(['scale', 'deployment/web', '--replicas=5']), /deployment.apps\/web scaled/);
    assert.match(await rolloutStatus('web'), /successfully rolled out/);
    await kubectl(['wait', '--for=jsonpath={.status.availableReplicas}=5', 'deployment/web', '--timeout=30s']);
    assert.match(await kubectl(['scale', 'deployment/web', '--replicas=2']), /deployment.apps\/web scaled/);
    await kubectl(['wait', '--for=jsonpath={.status.replicas}=2', 'deployment/web', '--timeout=30s']);
    assert.equal((await replicaSets('web')).at(-1)!.spec.replicas, 2);
  });

  it('works with kubectl 1.27: rollout status, history and undo', async () => {
    const v = '1.27';
    await kubectl(['create', 'deployment', 'old', '--image=nginx:1.25', '--replicas=2'], v);
    assert.match(await rolloutStatus('old', v), /deployment "old" successfully rolled out/);
    await kubectl(['set', 'image', 'deployment/old', 'nginx=nginx:1.26'], v);
    assert.match(await rolloutStatus('old', v), /successfully rolled out/);
    assert.match(await kubectl(['rollout', 'history', 'deployment/old'], v), /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    assert.match(await kubectl(['rollout', 'undo', 'deployment/old'], v), /deployment.apps\/old rolled back/);
    assert.match(await rolloutStatus('old', v), /successfully rolled out/);
    assert.equal(await image('old'), 'nginx:1.25');
    assert.equal((await replicaSets('old')).length, 2, 'the old ReplicaSet was reused');
  });
});
