/**
 * authentication.k8s.io/v1: SelfSubjectReview ("who am I") and TokenRequest.
 * Field names, types and list/patch markers follow upstream's Go types; the
 * descriptions are our own one-line summaries.
 */
import { arr, int64, mapOf, obj, ref, str, time, frozen, gvk, typeMeta, objectMeta } from './dsl.js';

const authn = (name: string, desc?: string) => ref(`io.k8s.api.authentication.v1.${name}`, desc);

export const authenticationV1Definitions = frozen({
  'io.k8s.api.authentication.v1.SelfSubjectReview': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    status: authn('SelfSubjectReviewStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'Returns the user information of the caller as the server sees it.', gvk: gvk('authentication.k8s.io', 'v1', 'SelfSubjectReview') }),
  'io.k8s.api.authentication.v1.TokenRequest': obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: authn('TokenRequestSpec', 'Desired state of the object.'),
    status: authn('TokenRequestStatus', 'Most recently observed state, written by the system.'),
  }, { desc: 'Requests a token for a service account.', gvk: gvk('authentication.k8s.io', 'v1', 'TokenRequest') }),
  'io.k8s.api.authentication.v1.SelfSubjectReviewStatus': obj({
    userInfo: authn('UserInfo'),
  }),
  'io.k8s.api.authentication.v1.TokenRequestSpec': obj({
    audiences: arr(str(), { listType: 'atomic' }),
    expirationSeconds: int64(),
    boundObjectRef: authn('BoundObjectReference'),
    attestations: mapOf(arr(str())),
  }),
  'io.k8s.api.authentication.v1.TokenRequestStatus': obj({
    token: str(),
    expirationTimestamp: time(),
  }),
  'io.k8s.api.authentication.v1.UserInfo': obj({
    username: str(),
    uid: str(),
    groups: arr(str(), { listType: 'atomic' }),
    extra: mapOf(arr(str())),
  }, { desc: 'A user name, uid, groups and extra attributes.' }),
  'io.k8s.api.authentication.v1.BoundObjectReference': obj({
    kind: str(),
    apiVersion: str(),
    name: str(),
    uid: str(),
  }),
});
