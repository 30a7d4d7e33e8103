import type { FieldError, KObject, ResourceType } from '../types.js';
import { validateCRD } from '../crd/index.js';
import { immutable } from '../validation/field.js';
import { metaAnd } from './helpers.js';

/** Upstream's CRD rules (src/api/crd), plus what may not change on update. */
function validateCustomResourceDefinition(obj: KObject, old?: KObject): FieldError[] {
  const errs = validateCRD(obj);
  if (old) {
    const scope = (obj.spec as { scope?: unknown } | undefined)?.scope;
    const oldScope = (old.spec as { scope?: unknown } | undefined)?.scope;
    errs.push(...immutable('spec.scope', scope, oldScope));
  }
  return errs;
}

export function apiextensionsTypes(): ResourceType[] {
  return [{
    group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions',
    singular: 'customresourcedefinition', namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'],
    schemaRef: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition', subresources: { status: true },
    validator: metaAnd({ namespaced: false, rest: validateCustomResourceDefinition }),
  }];
}
