/**
 * Server-side printing: `humanDuration`, `toTable`, and the per-kind printers keyed
 * `group/Kind` (`/Pod`, `apps/Deployment`). Kinds without an entry print Name + Age.
 */
import type { TablePrinter } from '../types.js';
import {
  configMapPrinter, endpointsPrinter, eventPrinter, namespacePrinter, nodePrinter, persistentVolumeClaimPrinter,
  persistentVolumePrinter, resourceQuotaPrinter, secretPrinter, serviceAccountPrinter, servicePrinter,
} from './core.js';
import {
  createdAtPrinter, leasePrinter, podDisruptionBudgetPrinter, priorityClassPrinter, rbacRoleBindingPrinter, runtimeClassPrinter, storageClassPrinter,
} from './misc.js';
import { podPrinter } from './pod.js';
import {
  controllerRevisionPrinter, cronJobPrinter, daemonSetPrinter, deploymentPrinter, jobPrinter, replicaSetPrinter, statefulSetPrinter,
} from './workloads.js';

export { humanDuration, translateTimestampSince } from './duration.js';
export { toTable, type Table, type TableRow, type TableOptions, type IncludeObject } from './table.js';
export { defaultPrinter, createdAtPrinter } from './misc.js';
export { podSummary } from './pod.js';

export const printers: Readonly<Record<string, TablePrinter>> = Object.freeze({
  '/Pod': podPrinter,
  '/Namespace': namespacePrinter,
  '/Service': servicePrinter,
  '/Endpoints': endpointsPrinter,
  '/ConfigMap': configMapPrinter,
  '/Secret': secretPrinter,
  '/ServiceAccount': serviceAccountPrinter,
  '/Event': eventPrinter,
  '/Node': nodePrinter,
  '/PersistentVolume': persistentVolumePrinter,
  '/PersistentVolumeClaim': persistentVolumeClaimPrinter,
  // Upstream has no LimitRange printer: the generic Name + Created At applies.
  '/LimitRange': createdAtPrinter,
  '/ResourceQuota': resourceQuotaPrinter,
  'apps/Deployment': deploymentPrinter,
  'apps/ReplicaSet': replicaSetPrinter,
  'apps/StatefulSet': statefulSetPrinter,
  'apps/DaemonSet': daemonSetPrinter,
  'apps/ControllerRevision': controllerRevisionPrinter,
  'batch/Job': jobPrinter,
  'batch/CronJob': cronJobPrinter,
  'coordination.k8s.io/Lease': leasePrinter,
  'apiextensions.k8s.io/CustomResourceDefinition': createdAtPrinter,
  'scheduling.k8s.io/PriorityClass': priorityClassPrinter,
  'policy/PodDisruptionBudget': podDisruptionBudgetPrinter,
  'node.k8s.io/RuntimeClass': runtimeClassPrinter,
  'rbac.authorization.k8s.io/RoleBinding': rbacRoleBindingPrinter,
  'rbac.authorization.k8s.io/ClusterRoleBinding': rbacRoleBindingPrinter,
  'storage.k8s.io/StorageClass': storageClassPrinter,
});

/** The printer for a kind, by group and kind; undefined means Name + Age. */
export function printerFor(group: string, kind: string): TablePrinter | undefined {
  return printers[`${group}/${kind}`];
}
