/** apiextensions.k8s.io/v1 kinds. */
import type { ResourceType } from '../types.js';
import { validateCustomResourceDefinition } from '../validation/crd.js';
import { metaAnd } from './helpers.js';

export function apiextensionsTypes(): ResourceType[] {
  return [{
    group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition', namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'],
    schemaRef: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition', subresources: { status: true },
    validator: metaAnd({ namespaced: false, rest: validateCustomResourceDefinition }),
  }];
}
