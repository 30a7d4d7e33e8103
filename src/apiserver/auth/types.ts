/**
 * The authentication and authorization seam, shaped after k8s.io/apiserver's
 * `user.Info` and `authorizer.Attributes`/`authorizer.RuleResolver`.
 */
import type { IncomingMessage } from 'node:http';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Well-known users and groups (k8s.io/apiserver/pkg/authentication/user). */
export const SystemGroups = {
  masters: 'system:masters',
  authenticated: 'system:authenticated',
  unauthenticated: 'system:unauthenticated',
  nodes: 'system:nodes',
} as const;

export const AnonymousUser: Readonly<UserInfo> = Object.freeze({ username: 'system:anonymous', groups: [SystemGroups.unauthenticated] });

export interface Authenticator {
  /** The caller's identity, or undefined when the request carries no valid credential (answer 401). */
  authenticate(req: IncomingMessage): UserInfo | undefined;
}

/** Resolves a bearer token to a user; another source (service-account JWTs, bootstrap tokens) plugs in here. */
export type TokenAuthenticator = (token: string) => UserInfo | undefined;

export interface AuthorizationAttributes {
  user: UserInfo;
  /** Resource requests: get, list, watch, create, update, patch, delete, deletecollection, …; otherwise the lower-case HTTP method. */
  verb: string;
  resourceRequest: boolean;
  /** The request path, used by non-resource requests. */
  path: string;
  apiGroup: string;
  apiVersion?: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface Decision {
  allowed: boolean;
  /** Why, in upstream's words; RBAC leaves it empty when nothing matched. */
  reason?: string;
}

/** authorization.k8s.io/v1 ResourceRule. */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** authorization.k8s.io/v1 NonResourceRule. */
export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

/** authorization.k8s.io/v1 SubjectRulesReviewStatus. */
export interface SubjectRulesReviewStatus {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  evaluationError?: string;
}

export interface Authorizer {
  authorize(attributes: AuthorizationAttributes): Decision;
  /** What `user` may do in `namespace` (SelfSubjectRulesReview, `kubectl auth can-i --list`). */
  rulesFor(user: UserInfo, namespace: string): SubjectRulesReviewStatus;
}
