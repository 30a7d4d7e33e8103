/**
 * autoscaling/v1 Scale: the scale subresource of workloads.
 * Field names, types and list/patch markers follow upstream's Go types; the
 * descriptions are our own one-line summaries.
 */
import { int32, obj, ref, str, frozen, gvk, typeMeta, objectMeta } from './dsl.js';

const autoscaling = (name: string, desc?: string) => ref(`io.k8s.api.autoscaling.v1.${name}`, desc);

export const autoscalingV1Definitions = frozen({
  'io.k8s.api.autoscaling.v1.Scale': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: autoscaling('ScaleSpec', 'Desired state of the object.'),
    status: autoscaling('ScaleStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'The desired and observed replica count of a scalable resource.', gvk: gvk('autoscaling', 'v1', 'Scale') }),
  'io.k8s.api.autoscaling.v1.ScaleSpec': obj({
    replicas: int32({ default: 0 }),
  }, { desc: 'The desired replica count.' }),
  'io.k8s.api.autoscaling.v1.ScaleStatus': obj({
    replicas: int32(),
    selector: str(),
  }, { desc: 'The observed replica count and pod selector.', required: ['replicas'] }),
});
