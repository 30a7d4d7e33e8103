/** TypeScript shapes of core/v1 PersistentVolumes and storage.k8s.io/v1 StorageClasses. */
import type { KObject, ObjectMeta } from '../types.js';
import type { NodeSelectorTerm, ObjectReference, ResourceList } from './core.js';

export type PersistentVolumePhase = 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';

export interface PersistentVolumeSpec {
  capacity?: ResourceList;
  accessModes?: string[];
  claimRef?: ObjectReference;
  persistentVolumeReclaimPolicy?: 'Retain' | 'Delete' | 'Recycle';
  storageClassName?: string;
  volumeMode?: 'Filesystem' | 'Block';
  mountOptions?: string[];
  nodeAffinity?: { required?: { nodeSelectorTerms: NodeSelectorTerm[] } };
  hostPath?: { path: string; type?: string };
  local?: { path: string; fsType?: string };
  [source: string]: unknown;
}

export interface PersistentVolume extends KObject {
  metadata: ObjectMeta;
  spec?: PersistentVolumeSpec;
  status?: { phase?: PersistentVolumePhase; message?: string; reason?: string; lastPhaseTransitionTime?: string };
}

export interface TopologySelectorTerm { matchLabelExpressions?: Array<{ key: string; values: string[] }> }

export interface StorageClass extends KObject {
  metadata: ObjectMeta;
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: 'Retain' | 'Delete';
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
  allowedTopologies?: TopologySelectorTerm[];
}
