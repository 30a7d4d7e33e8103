/**
 * authentication.k8s.io/v1beta1 SelfSubjectReview.
 * Field names, types and list/patch markers follow upstream's Go types; the
 * descriptions are our own one-line summaries.
 */
import { obj, ref, frozen, gvk, typeMeta, objectMeta } from './dsl.js';

const authnBeta = (name: string, desc?: string) => ref(`io.k8s.api.authentication.v1beta1.${name}`, desc);
const authn = (name: string, desc?: string) => ref(`io.k8s.api.authentication.v1.${name}`, desc);

export const authenticationV1beta1Definitions = frozen({
  'io.k8s.api.authentication.v1beta1.SelfSubjectReview': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    status: authnBeta('SelfSubjectReviewStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'Returns the user information of the caller as the server sees it.', gvk: gvk('authentication.k8s.io', 'v1beta1', 'SelfSubjectReview') }),
  'io.k8s.api.authentication.v1beta1.SelfSubjectReviewStatus': obj({
    userInfo: authn('UserInfo'),
  }),
});
