/**
 * ReplicaSets and ReplicationControllers are one controller upstream: the RC manager is
 * the ReplicaSet controller running on RCs converted to ReplicaSets. Here each kind
 * describes how to read its objects as a ReplicaSet (`ReplicaSetView`) and where its
 * status goes; the reconcile only ever sees the view.
 */
import type { Condition, LabelSelectorSpec, PodTemplateSpec, ReplicaSet, ReplicationController } from '../../api/objects/index.js';
import type { KObject } from '../../api/types.js';
import type { ResourceRef } from '../../client/client.js';
import { objectKey } from '../../client/informer.js';
import { resources } from '../../client/resources.js';

export interface ReplicaSetStatusFields {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

/** A ReplicaSet or ReplicationController as the reconcile reads it. */
export interface ReplicaSetView {
  /** The object as cached, with apiVersion and kind set (events and owner references need them). */
  obj: KObject;
  key: string;
  namespace: string;
  name: string;
  uid: string;
  generation: number;
  deleting: boolean;
  replicas: number;
  minReadySeconds: number;
  selector: LabelSelectorSpec;
  template: PodTemplateSpec;
  status: ReplicaSetStatusFields;
}

export interface ReplicaKind {
  apiVersion: string;
  kind: string;
  resource: ResourceRef;
  /** The event source, as upstream names it. */
  component: string;
  view(obj: KObject): ReplicaSetView;
}

function viewOf(obj: KObject, apiVersion: string, kind: string, selector: LabelSelectorSpec, spec: { replicas?: number; minReadySeconds?: number; template?: PodTemplateSpec }): ReplicaSetView {
  const meta = obj.metadata ?? {};
  return {
    obj: { ...obj, apiVersion, kind },
    key: objectKey(obj),
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    generation: meta.generation ?? 0,
    deleting: Boolean(meta.deletionTimestamp),
    // Defaulted to 1 by the API server; absent only on objects that never went through it.
    replicas: spec.replicas ?? 1,
    minReadySeconds: spec.minReadySeconds ?? 0,
    selector,
    template: spec.template ?? { spec: { containers: [] } },
    status: (obj.status as ReplicaSetStatusFields | undefined) ?? { replicas: 0 },
  };
}

export const replicaSetKind: ReplicaKind = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  resource: resources.replicasets,
  component: 'replicaset-controller',
  view(obj) {
    const rs = obj as ReplicaSet;
    return viewOf(obj, this.apiVersion, this.kind, rs.spec?.selector ?? {}, rs.spec ?? {});
  },
};

export const replicationControllerKind: ReplicaKind = {
  apiVersion: 'v1',
  kind: 'ReplicationController',
  resource: resources.replicationcontrollers,
  component: 'replication-controller',
  view(obj) {
    const rc = obj as ReplicationController;
    // An RC selector is a plain label map: the matchLabels of the equivalent ReplicaSet.
    return viewOf(obj, this.apiVersion, this.kind, { matchLabels: rc.spec?.selector ?? {} }, rc.spec ?? {});
  },
};
