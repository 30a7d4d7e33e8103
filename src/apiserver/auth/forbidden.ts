/**
 * The 403 the authorization filter answers, worded like upstream
 * (k8s.io/apiserver endpoints/handlers/responsewriters/errors.go `forbiddenMessage`,
 * wrapped by apimachinery's `NewForbidden`).
 */
import { Forbidden, qualifiedResource, type StatusDetails } from '../../api/errors.js';
import type { AuthorizationAttributes } from './types.js';

type ForbiddenAttributes = Pick<AuthorizationAttributes, 'verb' | 'resourceRequest' | 'path' | 'apiGroup' | 'resource' | 'subresource' | 'namespace' | 'name'> & {
  user: { username: string };
};

/** `User "x" cannot list resource "pods" in API group "" in the namespace "default"` and its variants. */
export function forbiddenMessage(attributes: ForbiddenAttributes): string {
  const who = `User ${JSON.stringify(attributes.user.username)}`;
  if (!attributes.resourceRequest) return `${who} cannot ${attributes.verb} path ${JSON.stringify(attributes.path)}`;
  const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
  const where = attributes.namespace ? `in the namespace ${JSON.stringify(attributes.namespace)}` : 'at the cluster scope';
  return `${who} cannot ${attributes.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attributes.apiGroup)} ${where}`;
}

/**
 * The full error: `pods "web" is forbidden: User …`, `forbidden: User … cannot get path "/x"`
 * for non-resource requests, and `: <reason>` appended when the authorizer gave one.
 */
export function forbiddenError(attributes: ForbiddenAttributes, reason?: string): Forbidden {
  const cause = reason ? `${forbiddenMessage(attributes)}: ${reason}` : forbiddenMessage(attributes);
  const group = attributes.resourceRequest ? attributes.apiGroup : '';
  const resource = attributes.resourceRequest ? attributes.resource : '';
  const name = attributes.resourceRequest ? attributes.name : '';
  let message: string;
  if (!group && !resource) message = `forbidden: ${cause}`;
  else if (!name) message = `${qualifiedResource(resource, group)} is forbidden: ${cause}`;
  else message = `${qualifiedResource(resource, group)} ${JSON.stringify(name)} is forbidden: ${cause}`;
  // Upstream always sends details, `{}` when there is nothing to say.
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (resource) details.kind = resource;
  return new Forbidden(message, details);
}
