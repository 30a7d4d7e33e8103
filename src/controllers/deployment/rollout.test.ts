/**
 * Deployments rolling out with the ReplicaSet controller against a real API server: the
 * first ReplicaSet and its annotations, RollingUpdate within maxSurge/maxUnavailable at
 * every observed state, Recreate never running old and new pods together, and the
 * events and conditions `kubectl describe` and `kubectl rollout status` read.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, IntOrString } from '../../api/objects/index.js';
import { resources } from '../../client/resources.js';
import { waitUntil } from '../../testing/controllers.js';
import { isPodReady } from '../runtime/pods.js';
import { condition, deployment, deploymentWhen, eventMessages, livePods, replicaSetsOf, rolledOut, startDeployBed, type DeployBed } from './testbed.js';

describe('deployment controller: rollouts', () => {
  let bed: DeployBed;
  const client = () => bed.env.client.resource<Deployment>(resources.deployments);
  const setImage = (name: string, image: string) => client().patch(name, 'default', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } });

  before(async () => { bed = await startDeployBed('deploy'); });
  after(async () => { await bed.stop(); });

  it('rolls out a new Deployment through a ReplicaSet named after its template hash', async () => {
    const created = await client().create(deployment('web', 3, { template: { metadata: { labels: { app: 'web' }, annotations: { team: 'a' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } }));
    const d = await deploymentWhen(bed, 'web', (x) => rolledOut(x) && condition(x, 'Progressing')?.reason === 'NewReplicaSetAvailable', 'rolled out');
    const [rs] = replicaSetsOf(bed, d);
    assert.ok(rs, 'a ReplicaSet');
    const hash = rs.metadata.labels?.['pod-template-hash'];
    assert.match(hash!, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.deepEqual(rs.spec.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(rs.spec.template.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
    assert.equal(rs.spec.template.metadata?.annotations?.team, 'a');
    assert.deepEqual(rs.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
    assert.ok(livePods(bed, 'web').every((p) => p.metadata.labels?.['pod-template-hash'] === hash));

    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual({ ...d.status, conditions: undefined }, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: undefined });
    const available = condition(d, 'Available')!;
    assert.deepEqual([available.status, available.reason, available.message], ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']);
    const progressing = condition(d, 'Progressing')!;
    assert.deepEqual([progressing.status, progressing.message], ['True', `ReplicaSet "${rs.metadata.name}" has successfully progressed.`]);
    await waitUntil(bed.all, () => eventMessages(bed, 'web').includes(`ScalingReplicaSet: Scaled up replica set ${rs.metadata.name} from 0 to 3`), 'scaling event');
    assert.equal(bed.events.list('default').find((e) => e.reason === 'ScalingReplicaSet')?.source?.component, 'deployment-controller');
  });

  const budgets: Array<[IntOrString, IntOrString, number]> = [[1, 1, 4], ['25%', 0, 4], [0, '50%', 4]];
  for (const [surge, unavailable, replicas] of budgets) {
    it(`rolls out replicas=${replicas} maxSurge=${surge} maxUnavailable=${unavailable} within both budgets at every step`, async () => {
      const name = `roll-${String(surge).replace('%', 'p')}-${String(unavailable).replace('%', 'p')}`;
      await client().create(deployment(name, replicas, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } }));
      let d = await deploymentWhen(bed, name, rolledOut, 'first rollout');
      const maxPods = replicas + (typeof surge === 'number' ? surge : Math.ceil((parseInt(surge) * replicas) / 100));
      const minReady = replicas - (typeof unavailable === 'number' ? unavailable : Math.floor((parseInt(unavailable) * replicas) / 100));
      const violations: string[] = [];
      let states = 0;
      const check = () => {
        states++;
        const wanted = replicaSetsOf(bed, d).reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
        const pods = livePods(bed, name);
        const ready = pods.filter(isPodReady).length;
        if (wanted > maxPods) violations.push(`ReplicaSets want ${wanted} pods (> ${maxPods})`);
        if (pods.length > maxPods) violations.push(`${pods.length} pods (> ${maxPods})`);
        if (ready < minReady) violations.push(`${ready} ready pods (< ${minReady})`);
      };
      const handles = [bed.replicaSets, bed.pods].map((i) => (i as typeof bed.pods).addHandler({ add: check, update: check, delete: check }));
      try {
        await setImage(name, 'nginx:2');
        d = await deploymentWhen(bed, name, (x) => x.metadata.generation === 2 && rolledOut(x), 'second rollout');
      } finally {
        for (const h of handles) h.remove();
      }
      assert.deepEqual(violations, []);
      assert.ok(states > replicas, 'the rollout was watched step by step');
      const [old, next] = replicaSetsOf(bed, d);
      assert.equal(old!.spec.replicas, 0);
      assert.equal(next!.spec.replicas, replicas);
      assert.equal(next!.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
      assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
      assert.ok(livePods(bed, name).every((p) => p.spec.containers[0]!.image === 'nginx:2'));
      await waitUntil(bed.all, () => eventMessages(bed, name).some((m) => m.startsWith(`ScalingReplicaSet: Scaled down replica set ${old!.metadata.name} from ${replicas} to `)), 'scale-down event');
    });
  }

  it('Recreate: scales the old ReplicaSet to zero and waits for its pods before starting new ones', async () => {
    await client().create(deployment('rec', 3, { strategy: { type: 'Recreate' } }));
    let d = await deploymentWhen(bed, 'rec', rolledOut, 'first rollout');
    const overlaps: string[] = [];
    const check = () => {
      const images = new Set(bed.pods.list('default').filter((p) => p.metadata.labels?.app === 'rec').map((p) => p.spec.containers[0]!.image));
      if (images.size > 1) overlaps.push([...images].join(' and '));
    };
    const handle = bed.pods.addHandler({ add: check, update: check, delete: check });
    try {
      await setImage('rec', 'nginx:2');
      d = await deploymentWhen(bed, 'rec', (x) => x.metadata.generation === 2 && rolledOut(x), 'recreated');
    } finally {
      handle.remove();
    }
    assert.deepEqual(overlaps, []);
    const [old, next] = replicaSetsOf(bed, d);
    await waitUntil(bed.all, () => eventMessages(bed, 'rec').includes(`ScalingReplicaSet: Scaled up replica set ${next!.metadata.name} from 0 to 3`), 'scale-up event');
    assert.ok(eventMessages(bed, 'rec').includes(`ScalingReplicaSet: Scaled down replica set ${old!.metadata.name} from 3 to 0`));
  });

  it('reported no errors', () => {
    assert.deepEqual(bed.errors, []);
  });
});
