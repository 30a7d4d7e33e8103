/**
 * apps/v1 workloads: Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision.
 * Field names, types and list/patch markers follow upstream's Go types; the
 * descriptions are our own one-line summaries.
 */
import { arr, bool, int32, int64, intOrString, obj, rawExtension, ref, str, time, core, meta, frozen, gvk, typeMeta, objectMeta, listMeta } from './dsl.js';

const apps = (name: string, desc?: string) => ref(`io.k8s.api.apps.v1.${name}`, desc);

export const appsV1Definitions = frozen({
  'io.k8s.api.apps.v1.Deployment': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: apps('DeploymentSpec', 'Desired state of the deployment.'),
    status: apps('DeploymentStatus', 'Most recently observed state of the deployment.'),
  }, { desc: 'Declarative updates for pods through replica sets.', gvk: gvk('apps', 'v1', 'Deployment') }),
  'io.k8s.api.apps.v1.DeploymentList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(apps('Deployment'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('apps', 'v1', 'DeploymentList') }),
  'io.k8s.api.apps.v1.ReplicaSet': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: apps('ReplicaSetSpec', 'Desired state of the object.'),
    status: apps('ReplicaSetStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'Keeps a number of identical pods running.', gvk: gvk('apps', 'v1', 'ReplicaSet') }),
  'io.k8s.api.apps.v1.ReplicaSetList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(apps('ReplicaSet'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('apps', 'v1', 'ReplicaSetList') }),
  'io.k8s.api.apps.v1.StatefulSet': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: apps('StatefulSetSpec', 'Desired state of the object.'),
    status: apps('StatefulSetStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'Pods with stable identities and storage, created in order.', gvk: gvk('apps', 'v1', 'StatefulSet') }),
  'io.k8s.api.apps.v1.StatefulSetList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(apps('StatefulSet'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('apps', 'v1', 'StatefulSetList') }),
  'io.k8s.api.apps.v1.DaemonSet': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: apps('DaemonSetSpec', 'Desired state of the object.'),
    status: apps('DaemonSetStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'Runs a copy of a pod on every (selected) node.', gvk: gvk('apps', 'v1', 'DaemonSet') }),
  'io.k8s.api.apps.v1.DaemonSetList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(apps('DaemonSet'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('apps', 'v1', 'DaemonSetList') }),
  'io.k8s.api.apps.v1.ControllerRevision': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    data: rawExtension('The serialized state.'),
    revision: int64('Revision number of this snapshot.'),
  }, { desc: 'An immutable snapshot of a controller\'s state, used for rollbacks.', required: ['data'], gvk: gvk('apps', 'v1', 'ControllerRevision') }),
  'io.k8s.api.apps.v1.ControllerRevisionList': obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(apps('ControllerRevision'), 'The listed objects.'),
  }, { required: ['items'], gvk: gvk('apps', 'v1', 'ControllerRevisionList') }),
  'io.k8s.api.apps.v1.DeploymentSpec': obj({
    replicas: int32('Number of desired pods.'),
    selector: meta('LabelSelector', 'Label selector of the pods; must match the template labels.'),
    template: core('PodTemplateSpec', 'Template of the pods to create.'),
    strategy: { ...apps('DeploymentStrategy', 'How old pods are replaced by new ones.'), 'x-kubernetes-patch-strategy': 'retainKeys' },
    minReadySeconds: int32('Seconds a new pod must be ready to count as available.'),
    revisionHistoryLimit: int32('Number of old replica sets kept for rollback.'),
    paused: bool('Stops rollouts while true.'),
    progressDeadlineSeconds: int32('Seconds without progress before the rollout is reported failed.'),
  }, { desc: 'Replicas, selector, pod template and rollout strategy.', required: ['selector', 'template'] }),
  'io.k8s.api.apps.v1.DeploymentStatus': obj({
    observedGeneration: int64(),
    replicas: int32(),
    updatedReplicas: int32(),
    readyReplicas: int32(),
    availableReplicas: int32(),
    unavailableReplicas: int32(),
    terminatingReplicas: int32(),
    conditions: arr(apps('DeploymentCondition'), { mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] }),
    collisionCount: int32(),
  }, { desc: 'Observed replica counts and conditions of a deployment.' }),
  'io.k8s.api.apps.v1.ReplicaSetSpec': obj({
    replicas: int32(),
    minReadySeconds: int32(),
    selector: meta('LabelSelector'),
    template: core('PodTemplateSpec'),
  }, { desc: 'Replicas, selector and pod template.', required: ['selector'] }),
  'io.k8s.api.apps.v1.ReplicaSetStatus': obj({
    replicas: int32(),
    fullyLabeledReplicas: int32(),
    readyReplicas: int32(),
    availableReplicas: int32(),
    terminatingReplicas: int32(),
    observedGeneration: int64(),
    conditions: arr(apps('ReplicaSetCondition'), { mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] }),
  }, { desc: 'Observed replica counts.', required: ['replicas'] }),
  'io.k8s.api.apps.v1.StatefulSetSpec': obj({
    replicas: int32(),
    selector: meta('LabelSelector'),
    template: core('PodTemplateSpec'),
    volumeClaimTemplates: arr(core('PersistentVolumeClaim'), { desc: 'Claims created for each pod.', listType: 'atomic' }),
    serviceName: str('Headless service that gives the pods their network identity.'),
    podManagementPolicy: str('OrderedReady or Parallel pod creation.'),
    updateStrategy: apps('StatefulSetUpdateStrategy'),
    revisionHistoryLimit: int32(),
    minReadySeconds: int32(),
    persistentVolumeClaimRetentionPolicy: apps('StatefulSetPersistentVolumeClaimRetentionPolicy'),
    ordinals: apps('StatefulSetOrdinals'),
  }, { desc: 'Replicas, selector, template, claim templates and update strategy.', required: ['selector', 'template'] }),
  'io.k8s.api.apps.v1.StatefulSetStatus': obj({
    observedGeneration: int64(),
    replicas: int32(),
    readyReplicas: int32(),
    currentReplicas: int32(),
    updatedReplicas: int32(),
    currentRevision: str(),
    updateRevision: str(),
    collisionCount: int32(),
    conditions: arr(apps('StatefulSetCondition'), { mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] }),
    availableReplicas: int32(),
  }, { desc: 'Observed replica counts and revisions.', required: ['replicas'] }),
  'io.k8s.api.apps.v1.DaemonSetSpec': obj({
    selector: meta('LabelSelector'),
    template: core('PodTemplateSpec'),
    updateStrategy: apps('DaemonSetUpdateStrategy'),
    minReadySeconds: int32(),
    revisionHistoryLimit: int32(),
  }, { desc: 'Selector, template and update strategy.', required: ['selector', 'template'] }),
  'io.k8s.api.apps.v1.DaemonSetStatus': obj({
    currentNumberScheduled: int32(),
    numberMisscheduled: int32(),
    desiredNumberScheduled: int32(),
    numberReady: int32(),
    observedGeneration: int64(),
    updatedNumberScheduled: int32(),
    numberAvailable: int32(),
    numberUnavailable: int32(),
    collisionCount: int32(),
    conditions: arr(apps('DaemonSetCondition'), { mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] }),
  }, { desc: 'Observed scheduling counts.', required: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'] }),
  'io.k8s.api.apps.v1.DeploymentStrategy': obj({
    type: str(),
    rollingUpdate: apps('RollingUpdateDeployment'),
  }, { desc: 'Recreate, or RollingUpdate with its parameters.' }),
  'io.k8s.api.apps.v1.DeploymentCondition': obj({
    type: str(),
    status: str('Most recently observed state, written by the system.'),
    lastUpdateTime: time(),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
  }, { desc: 'One condition of a deployment.' }),
  'io.k8s.api.apps.v1.ReplicaSetCondition': obj({
    type: str(),
    status: str('Most recently observed state, written by the system.'),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
  }),
  'io.k8s.api.apps.v1.StatefulSetUpdateStrategy': obj({
    type: str(),
    rollingUpdate: apps('RollingUpdateStatefulSetStrategy'),
  }, { desc: 'RollingUpdate or OnDelete.' }),
  'io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy': obj({
    whenDeleted: str(),
    whenScaled: str(),
  }),
  'io.k8s.api.apps.v1.StatefulSetOrdinals': obj({
    start: int32(),
  }),
  'io.k8s.api.apps.v1.StatefulSetCondition': obj({
    type: str(),
    status: str('Most recently observed state, written by the system.'),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
  }),
  'io.k8s.api.apps.v1.DaemonSetUpdateStrategy': obj({
    type: str(),
    rollingUpdate: apps('RollingUpdateDaemonSet'),
  }, { desc: 'RollingUpdate or OnDelete.' }),
  'io.k8s.api.apps.v1.DaemonSetCondition': obj({
    type: str(),
    status: str('Most recently observed state, written by the system.'),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
  }),
  'io.k8s.api.apps.v1.RollingUpdateDeployment': obj({
    maxUnavailable: intOrString(),
    maxSurge: intOrString(),
  }, { desc: 'Limits on unavailable and surplus pods during a rolling update.' }),
  'io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy': obj({
    partition: int32(),
    maxUnavailable: intOrString(),
  }),
  'io.k8s.api.apps.v1.RollingUpdateDaemonSet': obj({
    maxUnavailable: intOrString(),
    maxSurge: intOrString(),
  }),
});
