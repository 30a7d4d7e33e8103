/**
 * coordination.k8s.io/v1 Lease: leader election and node heartbeats.
 * Field names, types and list/patch markers follow upstream's Go types; the
 * descriptions are our own one-line summaries.
 */
import { arr, int32, microTime, obj, ref, str, frozen, gvk, typeMeta, objectMeta, listMeta } from './dsl.js';

const coordination = (name: string, desc?: string) => ref(`io.k8s.api.coordination.v1.${name}`, desc);

export const coordinationV1Definitions = frozen({
  'io.k8s.api.coordination.v1.Lease': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: coordination('LeaseSpec', 'Desired state of the object.'),
  }, { desc: 'A lease used for leader election and node heartbeats.', gvk: gvk('coordination.k8s.io', 'v1', 'Lease') }),
  'io.k8s.api.coordination.v1.LeaseList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(coordination('Lease'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('coordination.k8s.io', 'v1', 'LeaseList') }),
  'io.k8s.api.coordination.v1.LeaseSpec': obj({
    holderIdentity: str(),
    leaseDurationSeconds: int32(),
    acquireTime: microTime(),
    renewTime: microTime(),
    leaseTransitions: int32(),
    strategy: str(),
    preferredHolder: str(),
  }, { desc: 'Holder, duration and renewal time of a lease.' }),
});
