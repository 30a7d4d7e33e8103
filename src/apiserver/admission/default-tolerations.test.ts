/** DefaultTolerationSeconds: which pods get the not-ready/unreachable tolerations, and for how long. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject, ResourceType } from '../../api/types.js';
import { defaultTolerationsAdmission } from './default-tolerations.js';

const podType = { group: '', kind: 'Pod' } as ResourceType;
const pod = (tolerations?: unknown): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }], ...(tolerations === undefined ? {} : { tolerations }) } });
const tolerationsOf = (obj: KObject) => (obj.spec as { tolerations?: unknown }).tolerations;

describe('DefaultTolerationSeconds admission', () => {
  it('adds both tolerations for 300 s to a pod without them', async () => {
    const obj = pod();
    await defaultTolerationsAdmission().admitCreate(podType, obj);
    assert.deepEqual(tolerationsOf(obj), [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('keeps what the pod says and adds only what is missing, with the configured seconds', async () => {
    const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 };
    const obj = pod([own]);
    await defaultTolerationsAdmission({ notReadySeconds: 60 }).admitCreate(podType, obj);
    assert.deepEqual(tolerationsOf(obj), [own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]);
  });

  it('adds nothing when a toleration without key or effect covers both taints, and leaves other kinds and bad input alone', async () => {
    const everything = pod([{ operator: 'Exists' }]);
    await defaultTolerationsAdmission().admitCreate(podType, everything);
    assert.deepEqual(tolerationsOf(everything), [{ operator: 'Exists' }]);
    const noSchedule = pod([{ operator: 'Exists', effect: 'NoSchedule' }]);
    await defaultTolerationsAdmission().admitCreate(podType, noSchedule);
    assert.equal((tolerationsOf(noSchedule) as unknown[]).length, 3);
    const bad = pod('x');
    await defaultTolerationsAdmission().admitCreate(podType, bad);
    assert.equal(tolerationsOf(bad), 'x');
    const cm: KObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    await defaultTolerationsAdmission().admitCreate({ group: '', kind: 'ConfigMap' } as ResourceType, cm);
    assert.deepEqual(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
  });
});
