/**
 * Authentication (who is calling) and authorization (may they) for the API server.
 * The HTTP layer calls `authenticate` then `authorize`, answering 401 / `forbiddenError`.
 */
export { createAuthenticator, bearerToken, websocketToken } from './authenticator.js';
export type { AuthenticatorOptions } from './authenticator.js';
export { createAdminOnlyAuthorizer } from './authorizer.js';
export { forbiddenError, forbiddenMessage } from './forbidden.js';
export { ruleAllows, defaultBindings, toReviewRules } from './rules.js';
export type { PolicyRule, DefaultBinding } from './rules.js';
export { parseTokenFile, readTokenFile, formatTokenRecord, tokenMap } from './token-file.js';
export type { TokenFileEntry } from './token-file.js';
export { SystemGroups, AnonymousUser } from './types.js';
export type {
  Authenticator,
  AuthorizationAttributes,
  Authorizer,
  Decision,
  NonResourceRule,
  ResourceRule,
  SubjectRulesReviewStatus,
  TokenAuthenticator,
  UserInfo,
} from './types.js';
