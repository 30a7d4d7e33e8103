/**
 * Create-only kinds that are answered, never stored: self-subject access and rules
 * reviews (`kubectl auth can-i`) and self-subject reviews (`kubectl auth whoami`).
 */
import { BadRequest, NotFound } from '../../api/errors.js';
import type { KObject, ResourceType } from '../../api/types.js';
import type { ResourceRequestInfo } from '../request-info.js';
import type { ApiContext, RequestScope } from '../context.js';
import { send } from './respond.js';
import { apiVersion } from '../context.js';

interface ResourceAttributes { namespace?: string; verb?: string; group?: string; version?: string; resource?: string; subresource?: string; name?: string }
interface NonResourceAttributes { path?: string; verb?: string }

export async function handleVirtual(api: ApiContext, scope: RequestScope, rt: ResourceType, info: ResourceRequestInfo, body: unknown): Promise<void> {
  if (info.verb !== 'create') throw new NotFound(rt.plural, rt.group, info.name);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('the body of the request was not a JSON object');
  // Decoded like any typed body: wrong kinds or JSON types are the decoder's 400.
  const obj = api.service.decode(rt, structuredClone(body));
  const base: KObject = { kind: rt.kind, apiVersion: apiVersion(rt), metadata: { ...(obj.metadata ?? {}), creationTimestamp: null } };
  const user = scope.user;
  switch (rt.kind) {
    case 'SelfSubjectAccessReview': {
      const spec = (obj.spec ?? {}) as { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: NonResourceAttributes };
      let decision;
      if (spec.resourceAttributes) {
        const a = spec.resourceAttributes;
        decision = api.authorizer.authorize({ user, verb: a.verb ?? '', apiGroup: a.group ?? '', resource: a.resource ?? '', subresource: a.subresource ?? '', namespace: a.namespace ?? '', name: a.name ?? '', path: '', resourceRequest: true });
      } else if (spec.nonResourceAttributes) {
        const a = spec.nonResourceAttributes;
        decision = api.authorizer.authorize({ user, verb: a.verb ?? '', apiGroup: '', resource: '', subresource: '', namespace: '', name: '', path: a.path ?? '', resourceRequest: false });
      } else {
        return send(scope, 422, {
          kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Invalid', code: 422,
          message: `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`,
          details: { group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview', causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified', field: 'spec.resourceAttributes' }] },
        });
      }
      const status: Record<string, unknown> = { allowed: decision.allowed };
      if (decision.reason) status.reason = decision.reason;
      return send(scope, 201, { ...base, spec, status });
    }
    case 'SelfSubjectRulesReview': {
      const spec = (obj.spec ?? {}) as { namespace?: string };
      return send(scope, 201, { ...base, spec, status: api.authorizer.rulesFor(user, spec.namespace ?? '') });
    }
    case 'SelfSubjectReview': {
      const userInfo: Record<string, unknown> = { username: user.username, groups: user.groups };
      if (user.uid) userInfo.uid = user.uid;
      if (user.extra) userInfo.extra = user.extra;
      return send(scope, 201, { ...base, status: { userInfo } });
    }
  }
  throw new NotFound(rt.plural, rt.group, info.name);
}
