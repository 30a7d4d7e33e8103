/**
 * authorization.k8s.io/v1 self reviews: "can I do this?" questions answered by the server.
 * Field names, types and list/patch markers follow upstream's Go types; the
 * descriptions are our own one-line summaries.
 */
import { arr, bool, obj, ref, str, meta, frozen, gvk, typeMeta, objectMeta } from './dsl.js';

const authz = (name: string, desc?: string) => ref(`io.k8s.api.authorization.v1.${name}`, desc);

export const authorizationV1Definitions = frozen({
  'io.k8s.api.authorization.v1.SelfSubjectAccessReview': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: authz('SelfSubjectAccessReviewSpec', 'Desired state of the object.'),
    status: authz('SubjectAccessReviewStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'Asks whether the current user may perform an action.', required: ['spec'], gvk: gvk('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview') }),
  'io.k8s.api.authorization.v1.SelfSubjectRulesReview': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: authz('SelfSubjectRulesReviewSpec', 'Desired state of the object.'),
    status: authz('SubjectRulesReviewStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'Lists the actions the current user may perform in a namespace.', required: ['spec'], gvk: gvk('authorization.k8s.io', 'v1', 'SelfSubjectRulesReview') }),
  'io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec': obj({
    resourceAttributes: authz('ResourceAttributes'),
    nonResourceAttributes: authz('NonResourceAttributes'),
  }),
  'io.k8s.api.authorization.v1.SubjectAccessReviewStatus': obj({
    allowed: bool(),
    denied: bool(),
    reason: str(),
    evaluationError: str(),
  }, { required: ['allowed'] }),
  'io.k8s.api.authorization.v1.SelfSubjectRulesReviewSpec': obj({
    namespace: str(),
  }),
  'io.k8s.api.authorization.v1.SubjectRulesReviewStatus': obj({
    resourceRules: arr(authz('ResourceRule'), { listType: 'atomic' }),
    nonResourceRules: arr(authz('NonResourceRule'), { listType: 'atomic' }),
    incomplete: bool(),
    evaluationError: str(),
  }, { required: ['resourceRules', 'nonResourceRules', 'incomplete'] }),
  'io.k8s.api.authorization.v1.ResourceAttributes': obj({
    namespace: str(),
    verb: str(),
    group: str(),
    version: str(),
    resource: str(),
    subresource: str(),
    name: str(),
    fieldSelector: authz('FieldSelectorAttributes'),
    labelSelector: authz('LabelSelectorAttributes'),
  }),
  'io.k8s.api.authorization.v1.NonResourceAttributes': obj({
    path: str(),
    verb: str(),
  }),
  'io.k8s.api.authorization.v1.ResourceRule': obj({
    verbs: arr(str(), { listType: 'atomic' }),
    apiGroups: arr(str(), { listType: 'atomic' }),
    resources: arr(str(), { listType: 'atomic' }),
    resourceNames: arr(str(), { listType: 'atomic' }),
  }, { required: ['verbs'] }),
  'io.k8s.api.authorization.v1.NonResourceRule': obj({
    verbs: arr(str(), { listType: 'atomic' }),
    nonResourceURLs: arr(str(), { listType: 'atomic' }),
  }, { required: ['verbs'] }),
  'io.k8s.api.authorization.v1.FieldSelectorAttributes': obj({
    rawSelector: str(),
    requirements: arr(meta('FieldSelectorRequirement'), { listType: 'atomic' }),
  }),
  'io.k8s.api.authorization.v1.LabelSelectorAttributes': obj({
    rawSelector: str(),
    requirements: arr(meta('LabelSelectorRequirement'), { listType: 'atomic' }),
  }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement': obj({
    key: str(),
    operator: str(),
    values: arr(str(), { listType: 'atomic' }),
  }, { required: ['key', 'operator'] }),
});
