/**
 * Time in a Deployment, on the fake clock: pods count as available only minReadySeconds
 * after they became ready, and a rollout without progress for progressDeadlineSeconds is
 * reported as ProgressDeadlineExceeded (what makes `kubectl rollout status` fail) until
 * it progresses again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from '../../api/objects/index.js';
import { resources } from '../../client/resources.js';
import { reportPod } from '../../testing/pods.js';
import { condition, deployment, deploymentWhen, livePods, replicaSetsOf, rolledOut, startDeployBed, type DeployBed } from './testbed.js';

describe('deployment controller: minReadySeconds and progress deadline', () => {
  let bed: DeployBed;
  const client = () => bed.env.client.resource<Deployment>(resources.deployments);

  before(async () => {
    bed = await startDeployBed('deploy-time');
    bed.kubelet.outcome = (pod) => (pod.metadata.labels?.app === 'stuck' ? 'NotReady' : 'Running');
  });
  after(async () => { await bed.stop(); });

  it('counts pods available minReadySeconds after they are ready', async () => {
    await client().create(deployment('patient', 2, { minReadySeconds: 10 }));
    let d = await deploymentWhen(bed, 'patient', (x) => x.status?.readyReplicas === 2, 'two ready');
    assert.equal(replicaSetsOf(bed, d)[0]!.spec.minReadySeconds, 10);
    assert.equal(d.status?.availableReplicas, undefined);
    assert.deepEqual([condition(d, 'Available')?.status, condition(d, 'Available')?.reason], ['False', 'MinimumReplicasUnavailable']);
    assert.ok(!rolledOut(d));
    bed.clock.advance(9_000);
    bed.clock.advance(1_000);
    d = await deploymentWhen(bed, 'patient', (x) => rolledOut(x) && condition(x, 'Progressing')?.reason === 'NewReplicaSetAvailable', 'available after 10 s');
    assert.deepEqual([condition(d, 'Available')?.status, condition(d, 'Available')?.reason], ['True', 'MinimumReplicasAvailable']);
  });

  it('reports ProgressDeadlineExceeded after progressDeadlineSeconds without progress, and recovers', async () => {
    await client().create(deployment('stuck', 1, { progressDeadlineSeconds: 30 }));
    let d = await deploymentWhen(bed, 'stuck', (x) => x.status?.updatedReplicas === 1 && x.status.readyReplicas === undefined, 'one pod, not ready');
    const rs = replicaSetsOf(bed, d)[0]!;
    const progressing = condition(d, 'Progressing')!;
    assert.equal(progressing.status, 'True');
    assert.ok(['NewReplicaSetCreated', 'ReplicaSetUpdated'].includes(progressing.reason!), progressing.reason);
    bed.clock.advance(30_000);
    bed.clock.advance(1_000);
    d = await deploymentWhen(bed, 'stuck', (x) => condition(x, 'Progressing')?.reason === 'ProgressDeadlineExceeded', 'deadline exceeded');
    assert.deepEqual([condition(d, 'Progressing')!.status, condition(d, 'Progressing')!.message], ['False', `ReplicaSet "${rs.metadata.name}" has timed out progressing.`]);

    // The pod becomes ready at last: progress again, and then complete.
    const [pod] = livePods(bed, 'stuck');
    await reportPod(bed.env.client, pod!, 'Running', bed.clock.now());
    d = await deploymentWhen(bed, 'stuck', (x) => rolledOut(x) && condition(x, 'Progressing')?.reason === 'NewReplicaSetAvailable', 'complete');
    assert.equal(condition(d, 'Progressing')!.status, 'True');
  });

  it('reported no errors', () => {
    assert.deepEqual(bed.errors, []);
  });
});
