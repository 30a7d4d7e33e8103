/** Every built-in kind, freshly built on each call (callers may attach printers). */
import type { ResourceType } from '../types.js';
import { apiextensionsTypes } from './apiextensions.js';
import { appsTypes } from './apps.js';
import { batchTypes } from './batch.js';
import { coreTypes } from './core.js';
import { authenticationTypes, authorizationTypes, coordinationTypes, eventsTypes, metricsTypes, nodeTypes, policyTypes, schedulingTypes, storageTypes } from './others.js';

/** In discovery order: core first, then groups roughly as upstream lists them. */
export function builtinTypes(): ResourceType[] {
  return [
    ...coreTypes(),
    ...appsTypes(),
    ...eventsTypes(),
    ...authenticationTypes(),
    ...authorizationTypes(),
    ...batchTypes(),
    ...policyTypes(),
    ...coordinationTypes(),
    ...schedulingTypes(),
    ...storageTypes(),
    ...nodeTypes(),
    ...metricsTypes(),
    ...apiextensionsTypes(),
  ];
}
