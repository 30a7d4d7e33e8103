/**
 * meta/v1: object metadata, selectors, conditions, status and options shared by every kind.
 * Field names, types and list/patch markers follow upstream's Go types; the
 * descriptions are our own one-line summaries.
 */
import { arr, bool, int32, int64, mapOf, obj, str, time, meta, frozen, gvk } from './dsl.js';

export const metaV1Definitions = frozen({
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': obj({
    name: str('Unique name within the namespace (or cluster, for cluster-scoped kinds).'),
    generateName: str('Prefix the server uses to generate a unique name when name is empty.'),
    namespace: str('Namespace the object lives in; empty for cluster-scoped kinds.'),
    selfLink: str(),
    uid: str('Server-assigned unique identifier for this incarnation of the object.'),
    resourceVersion: str('Opaque version of the object, used for optimistic concurrency and watches.'),
    generation: int64('Counter of changes to the desired state, bumped by the server.'),
    creationTimestamp: time('When the server created the object.'),
    deletionTimestamp: time('When deletion was requested; set by the server, finalizers may still be pending.'),
    deletionGracePeriodSeconds: int64('Seconds allowed for graceful termination before removal.'),
    labels: mapOf(str(), 'Key/value pairs used to select and group objects.'),
    annotations: mapOf(str(), 'Arbitrary non-identifying key/value metadata for tools.'),
    ownerReferences: arr(meta('OwnerReference'), { desc: 'Objects this one depends on; garbage collection follows these links.', mergeKey: 'uid', strategy: 'merge', listType: 'map', mapKeys: ['uid'] }),
    finalizers: arr(str(), { desc: 'Names of pending cleanup steps that must finish before the object is removed.', strategy: 'merge', listType: 'set' }),
    managedFields: arr(meta('ManagedFieldsEntry'), { desc: 'Which field manager owns which fields (server-side apply bookkeeping).', listType: 'atomic' }),
  }, { desc: 'Metadata every persisted object carries: identity, labels, annotations, ownership and bookkeeping.' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta': obj({
    selfLink: str(),
    resourceVersion: str('Version of the collection this list was read at.'),
    continue: str('Token to fetch the next chunk; empty when the list is complete.'),
    remainingItemCount: int64('Approximate number of items not yet returned.'),
    shardInfo: meta('ShardInfo'),
  }, { desc: 'Metadata of a list response: its resource version and continuation token.' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': obj({
    matchLabels: mapOf(str(), 'Labels that must be present with exactly these values.'),
    matchExpressions: arr(meta('LabelSelectorRequirement'), { desc: 'Set-based requirements on label values.', listType: 'atomic' }),
  }, { desc: 'A label query; all of matchLabels and matchExpressions must hold (an empty selector matches everything).', atomic: true }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference': obj({
    apiVersion: str(),
    kind: str(),
    name: str(),
    uid: str(),
    controller: bool('True when the owner is the managing controller.'),
    blockOwnerDeletion: bool('Foreground deletion of the owner waits for this object.'),
  }, { desc: 'A link to an owning object in the same namespace.', required: ['apiVersion', 'kind', 'name', 'uid'], atomic: true }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry': obj({
    manager: str(),
    operation: str(),
    apiVersion: str(),
    time: time(),
    fieldsType: str(),
    fieldsV1: meta('FieldsV1'),
    subresource: str(),
  }, { desc: 'The set of fields one manager owns, and how it last touched them.' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Condition': obj({
    type: str(),
    status: str('Most recently observed state, written by the system.'),
    observedGeneration: int64(),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
  }, { desc: 'One aspect of an object\'s current state, in the standard condition shape.', required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Status': obj({
    kind: str(),
    apiVersion: str(),
    metadata: meta('ListMeta'),
    status: str('Most recently observed state, written by the system.'),
    message: str(),
    reason: str(),
    details: meta('StatusDetails'),
    code: int32(),
  }, { desc: 'The result of an operation that did not return an object, usually an error.', gvk: gvk('', 'v1', 'Status') }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': obj({
    kind: str(),
    apiVersion: str(),
    gracePeriodSeconds: int64('Seconds before the object is deleted; 0 means immediately.'),
    preconditions: meta('Preconditions'),
    orphanDependents: bool(),
    propagationPolicy: str('Whether and how dependents are garbage collected: Orphan, Background or Foreground.'),
    dryRun: arr(str(), { listType: 'atomic' }),
    ignoreStoreReadErrorWithClusterBreakingPotential: bool(),
  }, { desc: 'Options for a delete request: grace period, preconditions and propagation.' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.ShardInfo': obj({
    selector: str(),
  }, { required: ['selector'] }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': obj({
    key: str(),
    operator: str(),
    values: arr(str(), { listType: 'atomic' }),
  }, { desc: 'One requirement: a label key, an operator (In, NotIn, Exists, DoesNotExist) and values.', required: ['key', 'operator'] }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails': obj({
    name: str(),
    group: str(),
    kind: str(),
    uid: str(),
    causes: arr(meta('StatusCause'), { listType: 'atomic' }),
    retryAfterSeconds: int32(),
  }, { desc: 'Extra data about a failure: the object involved and the individual causes.' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions': obj({
    uid: str(),
    resourceVersion: str(),
  }, { desc: 'Conditions that must hold for a delete to proceed.' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause': obj({
    reason: str(),
    message: str(),
    field: str(),
  }, { desc: 'One reason for a failure, often tied to a field.' }),
});
