/**
 * What `kubectl scale`, `rollout pause|resume|undo|restart` and `rollout history` rely on:
 * resizing (proportionally mid-rollout), no rollout while paused, a rollback that finds
 * the old ReplicaSet again and gives it the next revision, change-cause on the
 * ReplicaSets, and old ReplicaSets beyond revisionHistoryLimit deleted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../../api/objects/index.js';
import { resources } from '../../client/resources.js';
import { waitUntil } from '../../testing/controllers.js';
import { computeHash } from './hash.js';
import { condition, deployment, deploymentWhen, eventMessages, replicaSetsOf, rolledOut, startDeployBed, type DeployBed } from './testbed.js';

describe('deployment controller: scale, pause, rollback, history', () => {
  let bed: DeployBed;
  const client = () => bed.env.client.resource<Deployment>(resources.deployments);
  const setImage = (name: string, image: string) => client().patch(name, 'default', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } });
  const sizes = (d: Deployment) => replicaSetsOf(bed, d).map((rs) => rs.spec.replicas);

  before(async () => {
    bed = await startDeployBed('deploy-ops');
    // Pods of a "bad" image never become ready, so a rollout to it gets stuck halfway.
    bed.kubelet.outcome = (pod) => (pod.spec.containers[0]!.image === 'nginx:bad' ? 'NotReady' : 'Running');
  });
  after(async () => { await bed.stop(); });

  it('scales a settled Deployment by resizing its one ReplicaSet', async () => {
    await client().create(deployment('scaled', 2));
    let d = await deploymentWhen(bed, 'scaled', rolledOut, 'rolled out');
    await client().patch('scaled', 'default', 'merge', { spec: { replicas: 5 } });
    d = await deploymentWhen(bed, 'scaled', (x) => x.spec.replicas === 5 && rolledOut(x), 'five');
    const [rs] = replicaSetsOf(bed, d);
    assert.equal(rs!.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '5');
    await client().patch('scaled', 'default', 'merge', { spec: { replicas: 1 } });
    d = await deploymentWhen(bed, 'scaled', (x) => x.spec.replicas === 1 && rolledOut(x), 'one');
    assert.deepEqual(sizes(d), [1]);
    await waitUntil(bed.all, () => eventMessages(bed, 'scaled').includes(`ScalingReplicaSet: Scaled down replica set ${rs!.metadata.name} from 5 to 1`), 'scale-down event');
    assert.ok(eventMessages(bed, 'scaled').includes(`ScalingReplicaSet: Scaled up replica set ${rs!.metadata.name} from 2 to 5`));
  });

  it('shares a resize mid-rollout between old and new ReplicaSets in proportion', async () => {
    await client().create(deployment('prop', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    let d = await deploymentWhen(bed, 'prop', rolledOut, 'rolled out');
    await setImage('prop', 'nginx:bad');
    // Stuck: 8 old (10 − maxUnavailable) and 5 new (13 − 8) that never become ready.
    d = await deploymentWhen(bed, 'prop', (x) => x.metadata.generation === 2 && x.status?.replicas === 13 && x.status.updatedReplicas === 5, 'stuck at 8 + 5');
    assert.deepEqual(sizes(d), [8, 5]);
    await client().patch('prop', 'default', 'merge', { spec: { replicas: 15 } });
    // 15 + 3 = 18 allowed, 5 more: 8·18/13 ≈ 11 (+3) and 5·18/13 ≈ 7 (+2).
    d = await deploymentWhen(bed, 'prop', (x) => x.spec.replicas === 15 && x.status?.replicas === 18, 'resized to 18 pods');
    assert.deepEqual(sizes(d), [11, 7]);
    const [old, next] = replicaSetsOf(bed, d);
    for (const rs of [old!, next!]) {
      assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '15');
      assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '18');
    }
    await waitUntil(bed.all, () => eventMessages(bed, 'prop').includes(`ScalingReplicaSet: Scaled up replica set ${old!.metadata.name} from 8 to 11`), 'proportional event');
  });

  it('does not roll out while paused, still scales, and rolls out once resumed', async () => {
    await client().create(deployment('paused', 2));
    let d = await deploymentWhen(bed, 'paused', rolledOut, 'rolled out');
    await client().patch('paused', 'default', 'merge', { spec: { paused: true } });
    d = await deploymentWhen(bed, 'paused', (x) => condition(x, 'Progressing')?.reason === 'DeploymentPaused', 'paused condition');
    assert.deepEqual([condition(d, 'Progressing')!.status, condition(d, 'Progressing')!.message], ['Unknown', 'Deployment is paused']);
    await setImage('paused', 'nginx:2');
    await client().patch('paused', 'default', 'merge', { spec: { replicas: 3 } });
    d = await deploymentWhen(bed, 'paused', (x) => x.metadata.generation === 4 && (x.status?.observedGeneration ?? 0) >= 4 && x.status?.availableReplicas === 3, 'scaled while paused');
    assert.equal(replicaSetsOf(bed, d).length, 1, 'no new ReplicaSet while paused');
    assert.equal(replicaSetsOf(bed, d)[0]!.spec.template.spec.containers[0]!.image, 'nginx:1');

    await client().patch('paused', 'default', 'merge', { spec: { paused: false } });
    d = await deploymentWhen(bed, 'paused', (x) => rolledOut(x) && x.status?.updatedReplicas === 3 && replicaSetsOf(bed, x).length === 2 && condition(x, 'Progressing')?.reason === 'NewReplicaSetAvailable', 'rolled out after resume');
    assert.equal(replicaSetsOf(bed, d)[1]!.spec.template.spec.containers[0]!.image, 'nginx:2');
  });

  it('rolls back by finding the old ReplicaSet again and giving it the next revision', async () => {
    await client().create(deployment('undo', 2));
    let d = await deploymentWhen(bed, 'undo', rolledOut, 'revision 1');
    await client().patch('undo', 'default', 'merge', { metadata: { annotations: { 'kubernetes.io/change-cause': 'to nginx:2' } } });
    await setImage('undo', 'nginx:2');
    d = await deploymentWhen(bed, 'undo', (x) => x.metadata.generation === 2 && rolledOut(x), 'revision 2');
    const [first, second] = replicaSetsOf(bed, d);
    assert.equal(second!.metadata.annotations?.['kubernetes.io/change-cause'], 'to nginx:2');

    // What `kubectl rollout undo` sends: the old ReplicaSet's template without the hash label, as a JSON patch.
    const template = structuredClone(first!.spec.template);
    delete template.metadata!.labels!['pod-template-hash'];
    await client().patch('undo', 'default', 'json', [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '2' } },
    ]);
    d = await deploymentWhen(bed, 'undo', (x) => x.metadata.generation === 3 && rolledOut(x) && x.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3', 'revision 3');
    const after = replicaSetsOf(bed, d);
    assert.equal(after.length, 2, 'no new ReplicaSet: the old one is reused');
    const reused = after.find((rs) => rs.metadata.uid === first!.metadata.uid)!;
    assert.equal(reused.spec.replicas, 2);
    assert.equal(reused.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(reused.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(after.find((rs) => rs.metadata.uid === second!.metadata.uid)!.spec.replicas, 0);
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    await client().create(deployment('history', 1, { revisionHistoryLimit: 1 }));
    let d = await deploymentWhen(bed, 'history', rolledOut, 'revision 1');
    for (const [i, image] of ['nginx:2', 'nginx:3', 'nginx:4'].entries()) {
      await setImage('history', image);
      d = await deploymentWhen(bed, 'history', (x) => x.metadata.generation === i + 2 && rolledOut(x), image);
    }
    await waitUntil(bed.all, () => replicaSetsOf(bed, d).length === 2, 'one old ReplicaSet left');
    const revisions = replicaSetsOf(bed, d).map((rs: ReplicaSet) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']);
    assert.deepEqual(revisions, ['3', '4']);
  });

  it('starts a new rollout when the template annotation changes (rollout restart)', async () => {
    await client().create(deployment('restart', 2));
    let d = await deploymentWhen(bed, 'restart', rolledOut, 'rolled out');
    await client().patch('restart', 'default', 'strategic', { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } } } } });
    d = await deploymentWhen(bed, 'restart', (x) => x.metadata.generation === 2 && rolledOut(x), 'restarted');
    const [old, next] = replicaSetsOf(bed, d);
    assert.equal(old!.spec.replicas, 0);
    assert.equal(next!.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], '2026-01-01T00:00:00Z');
  });

  it('names the new ReplicaSet differently when its name is taken (collisionCount)', async () => {
    // Paused, the Deployment makes no ReplicaSet: its stored (defaulted) template gives the name to occupy.
    await client().create(deployment('clash', 1, { paused: true }));
    const stored = await deploymentWhen(bed, 'clash', (x) => (x.status?.observedGeneration ?? 0) >= 1, 'observed');
    const taken = `clash-${computeHash(stored.spec.template)}`;
    await bed.env.client.resource<ReplicaSet>(resources.replicasets).create({
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: taken, namespace: 'default', labels: { app: 'someone-else' } },
      spec: { replicas: 0, selector: { matchLabels: { app: 'someone-else' } }, template: { metadata: { labels: { app: 'someone-else' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    await client().patch('clash', 'default', 'merge', { spec: { paused: false } });
    const d = await deploymentWhen(bed, 'clash', (x) => rolledOut(x) && x.status?.collisionCount === 1, 'rolled out after a collision');
    const [rs] = replicaSetsOf(bed, d);
    assert.equal(rs!.metadata.name, `clash-${computeHash(stored.spec.template, 1)}`);
    assert.equal(bed.replicaSets.get(taken, 'default')!.metadata.ownerReferences, undefined, 'the other ReplicaSet is left alone');
  });

  it('reports the new ReplicaSet\'s ReplicaFailure as its own', async () => {
    await client().create(deployment('refused', 1, { template: { metadata: { labels: { app: 'refused' } }, spec: { priorityClassName: 'missing', containers: [{ name: 'c', image: 'nginx' }] } } }));
    const d = await deploymentWhen(bed, 'refused', (x) => Boolean(condition(x, 'ReplicaFailure')), 'ReplicaFailure');
    const failure = condition(d, 'ReplicaFailure')!;
    assert.deepEqual([failure.status, failure.reason], ['True', 'FailedCreate']);
    assert.match(failure.message!, /no PriorityClass with name missing was found/);
    await client().patch('refused', 'default', 'json', [{ op: 'remove', path: '/spec/template/spec/priorityClassName' }]);
    await deploymentWhen(bed, 'refused', (x) => rolledOut(x) && !condition(x, 'ReplicaFailure'), 'rolled out, failure gone');
  });

  it('reported no errors other than the refused creates', () => {
    assert.deepEqual(bed.errors.filter((e) => !/no PriorityClass/.test(String((e as Error).message))), []);
  });
});
