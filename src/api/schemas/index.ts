/**
 * All built-in schema definitions, under upstream's definition names
 * (`io.k8s.api.core.v1.Pod`, `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`, …).
 * The schemas are frozen and shared; the record itself is fresh on every call.
 */
import type { SchemaDefinitions } from '../types.js';
import { apiextensionsV1Definitions } from './apiextensions-v1.js';
import { appsV1Definitions } from './apps-v1.js';
import { authenticationV1Definitions } from './authentication-v1.js';
import { authenticationV1beta1Definitions } from './authentication-v1beta1.js';
import { authorizationV1Definitions } from './authorization-v1.js';
import { autoscalingV1Definitions } from './autoscaling-v1.js';
import { batchV1Definitions } from './batch-v1.js';
import { coordinationV1Definitions } from './coordination-v1.js';
import { coreV1ContainerDefinitions } from './core-v1-containers.js';
import { coreV1MiscDefinitions } from './core-v1-misc.js';
import { coreV1NodeDefinitions } from './core-v1-node.js';
import { coreV1PodDefinitions } from './core-v1-pod.js';
import { coreV1ServiceDefinitions } from './core-v1-service.js';
import { coreV1StorageDefinitions } from './core-v1-storage.js';
import { coreV1VolumeDefinitions } from './core-v1-volumes.js';
import { eventsV1Definitions } from './events-v1.js';
import { metaV1Definitions } from './meta-v1.js';
import { policyV1Definitions } from './policy-v1.js';
import { primitiveDefinitions } from './primitives.js';
import { schedulingV1Definitions } from './scheduling-v1.js';
import { storageNodeV1Definitions } from './storage-node-v1.js';

export function builtinDefinitions(): SchemaDefinitions {
  return {
    ...primitiveDefinitions,
    ...metaV1Definitions,
    ...coreV1VolumeDefinitions,
    ...coreV1ContainerDefinitions,
    ...coreV1PodDefinitions,
    ...coreV1StorageDefinitions,
    ...coreV1NodeDefinitions,
    ...coreV1ServiceDefinitions,
    ...coreV1MiscDefinitions,
    ...appsV1Definitions,
    ...batchV1Definitions,
    ...autoscalingV1Definitions,
    ...eventsV1Definitions,
    ...coordinationV1Definitions,
    ...schedulingV1Definitions,
    ...storageNodeV1Definitions,
    ...policyV1Definitions,
    ...authorizationV1Definitions,
    ...authenticationV1Definitions,
    ...authenticationV1beta1Definitions,
    ...apiextensionsV1Definitions,
  };
}
