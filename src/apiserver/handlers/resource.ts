/**
 * Resource requests: `/api/v1/...` and `/apis/<group>/<version>/...` for every kind in
 * the catalogue. Finds the kind, checks scope, verb and authorization, decodes options
 * and bodies, and hands over to the service. The catalogue decides what exists.
 */
import { BadRequest, MethodNotAllowed, NotFound, StatusError } from '../../api/errors.js';
import { ALL_VERBS, type KObject, type ResourceType } from '../../api/types.js';
import { decodeBody, mediaType, readBody } from '../http.js';
import type { ResourceRequestInfo } from '../request-info.js';
import { deleteObject, parseDeleteOptions } from '../registry/deletion.js';
import type { PatchType } from '../registry/checks.js';
import { defaultFieldManager, type FieldValidation, type WriteContext } from '../registry/service.js';
import { parseFieldSelector, parseFieldSelectorForName } from '../selectors/fields.js';
import { parseLabelSelector } from '../selectors/labels.js';
import { queryBool, validateListOptions } from '../selectors/list-options.js';
import type { ApiContext, RequestScope } from '../context.js';
import { send, sendList, sendObject, serveList } from './respond.js';
import { serveWatch } from './watch.js';
import { handleScale } from './scale.js';
import { handleBinding } from './binding.js';
import { handleEviction } from './eviction.js';
import { handlePodLog } from './pod-log.js';
import { handleNodeProxy } from './node-proxy.js';
import { STREAMING_SUBRESOURCES } from './pod-stream.js';
import { handleMetrics } from './metrics.js';
import { handleVirtual } from './virtual.js';
import { forbiddenError } from '../auth/index.js';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export function notFoundResource(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

function writeContext(api: ApiContext, scope: RequestScope): WriteContext {
  const q = scope.url.searchParams;
  const dryRun = q.getAll('dryRun');
  for (const d of dryRun) if (d !== 'All') throw new BadRequest(`Invalid dry run: Unsupported value: "${d}": supported values: "All"`);
  const fv = q.get('fieldValidation') ?? 'Warn';
  if (!['Strict', 'Warn', 'Ignore'].includes(fv)) throw new BadRequest(`Invalid fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
  const fieldManager = q.get('fieldManager') ?? undefined;
  if (fieldManager !== undefined && (fieldManager.length > 128 || /[^\x20-\x7e]/.test(fieldManager))) {
    throw new BadRequest('fieldManager: Invalid value: must be between 1 and 128 printable ASCII characters');
  }
  return { dryRun: dryRun.length > 0, fieldManager, fieldValidation: fv as FieldValidation, warnings: scope.warnings, now: api.clock() };
}

async function body(api: ApiContext, scope: RequestScope): Promise<unknown> {
  const raw = await readBody(scope.req);
  if (raw.length === 0) throw new BadRequest('the request body is empty');
  return await decodeBody(raw, scope.req.headers['content-type'], api.protobuf);
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d{1,15}$/.test(v)) throw new BadRequest(`${name}: Invalid value: "${v}": must be an integer`);
  return Number(v);
}

/** The subresources served generically for every kind that declares them. */
function knownSubresource(rt: ResourceType, sub: string): boolean {
  if (sub === '') return true;
  if (sub === 'status') return rt.subresources?.status === true;
  if (sub === 'scale') return rt.subresources?.scale !== undefined;
  if (sub === 'finalize') return rt.group === '' && rt.kind === 'Namespace';
  if (sub === 'proxy') return rt.group === '' && rt.kind === 'Node';
  if (sub === 'binding' || sub === 'eviction' || sub === 'log' || STREAMING_SUBRESOURCES.includes(sub)) return rt.group === '' && rt.kind === 'Pod';
  return false;
}

export async function handleResourceRequest(api: ApiContext, scope: RequestScope, info: ResourceRequestInfo): Promise<void> {
  const rt = api.catalogue.byResource(info.group, info.version, info.resource);
  if (!rt) throw notFoundResource();
  if (!rt.namespaced && info.namespace) throw notFoundResource();
  if (info.rest.length && info.subresource !== 'proxy') throw notFoundResource();
  if (!knownSubresource(rt, info.subresource)) throw notFoundResource();
  const verbs = rt.verbs ?? ALL_VERBS;
  const verb = info.verb;
  if (!info.subresource && !verbs.includes(verb as (typeof ALL_VERBS)[number])) {
    throw new MethodNotAllowed('the server does not allow this method on the requested resource');
  }
  // Collections take POST, GET and DELETE; objects GET, PUT, PATCH and DELETE (upstream's routes).
  if (!info.subresource && ((verb === 'create' && info.name) || ((verb === 'update' || verb === 'patch') && !info.name))) {
    throw new MethodNotAllowed('the server does not allow this method on the requested resource');
  }
  // pods/binding and pods/eviction only take POST; the other subresources GET, PUT and PATCH.
  const postOnly = info.subresource === 'binding' || info.subresource === 'eviction';
  if (info.subresource && !(postOnly ? ['create'] : ['get', 'update', 'patch']).includes(verb)) {
    throw new MethodNotAllowed('the server does not allow this method on the requested resource');
  }
  if (rt.namespaced && !info.namespace && !['list', 'watch'].includes(verb)) {
    // Objects of namespaced kinds are only addressed inside a namespace.
    throw notFoundResource();
  }
  const attributes = {
    user: scope.user, verb, apiGroup: rt.group, resource: rt.plural, subresource: info.subresource,
    namespace: info.namespace, name: info.name, path: scope.url.pathname, resourceRequest: true,
  };
  const decision = api.authorizer.authorize(attributes);
  if (!decision.allowed) throw forbiddenError(attributes, decision.reason);
  api.metrics.labelRequest(scope, verb, rt.plural, info.subresource);

  if (rt.group === 'metrics.k8s.io') return handleMetrics(api, scope, rt, info);
  if (rt.virtual) return handleVirtual(api, scope, rt, info, await body(api, scope));
  // exec, attach and port-forward stream only over an upgraded connection (server.ts hands those to handlers/pod-stream.ts).
  if (STREAMING_SUBRESOURCES.includes(info.subresource)) throw new BadRequest('Upgrade request required');
  if (info.subresource === 'log') {
    if (verb !== 'get') throw new MethodNotAllowed('the server does not allow this method on the requested resource');
    return handlePodLog(api, scope, rt, info);
  }
  if (info.subresource === 'proxy') return handleNodeProxy(api, scope, info);
  if (info.subresource === 'eviction') return handleEviction(api, scope, rt, info, await body(api, scope), writeContext(api, scope));
  if (info.subresource === 'binding') return handleBinding(api, scope, rt, info, await body(api, scope), writeContext(api, scope));
  if (info.subresource === 'scale') return handleScale(api, scope, rt, info, () => body(api, scope), writeContext(api, scope));

  const q = scope.url.searchParams;
  const ns = info.namespace;
  switch (verb) {
    case 'get': {
      const obj = await api.service.storage.get(rt, ns, info.name);
      return sendObject(api, scope, rt, 200, obj);
    }
    case 'list': {
      const rvm = q.get('resourceVersionMatch') ?? undefined;
      validateListOptions(q, false);
      return serveList(api, scope, rt, ns, {
        labelSelector: parseLabelSelector(q.get('labelSelector') ?? undefined),
        fieldSelector: parseFieldSelector(q.get('fieldSelector') ?? undefined, rt),
        limit: intParam(q, 'limit'),
        continue: q.get('continue') ?? undefined,
        resourceVersion: q.get('resourceVersion') ?? undefined,
        resourceVersionMatch: rvm,
      });
    }
    case 'watch': {
      validateListOptions(q, true);
      return serveWatch(api, scope, rt, {
        namespace: ns,
        labelSelector: parseLabelSelector(q.get('labelSelector') ?? undefined),
        // A watch of one object (`…/configmaps/x?watch=true`) selects it by name.
        fieldSelector: parseFieldSelectorForName(q.get('fieldSelector') ?? undefined, rt, info.name),
        resourceVersion: q.get('resourceVersion') ?? undefined,
        timeoutSeconds: intParam(q, 'timeoutSeconds'),
        allowBookmarks: queryBool(q, 'allowWatchBookmarks'),
        sendInitialEvents: queryBool(q, 'sendInitialEvents'),
      });
    }
    case 'create': {
      const ctx = writeContext(api, scope);
      ctx.fieldManager ??= defaultFieldManager(scope.req.headers['user-agent']);
      const result = await api.service.create(rt, ns, await body(api, scope), ctx);
      return sendObject(api, scope, rt, 201, result.object);
    }
    case 'update': {
      const ctx = writeContext(api, scope);
      ctx.fieldManager ??= defaultFieldManager(scope.req.headers['user-agent']);
      const sub = info.subresource === 'finalize' ? 'finalize' : info.subresource;
      const result = await api.service.update(rt, ns, info.name, sub, await body(api, scope), ctx);
      return sendObject(api, scope, rt, 200, result.object);
    }
    case 'patch': {
      const type = PATCH_TYPES[mediaType(scope.req.headers['content-type'])];
      if (!type) throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
      if (type === 'strategic' && rt.custom) throw new StatusError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
      const ctx = writeContext(api, scope);
      if (type !== 'apply') ctx.fieldManager ??= defaultFieldManager(scope.req.headers['user-agent']);
      const force = queryBool(q, 'force');
      if (force && type !== 'apply') throw new StatusError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch', { kind: 'PatchOptions', group: 'meta.k8s.io', causes: [{ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' }] });
      const raw = await readBody(scope.req);
      if (raw.length === 0) throw new BadRequest('the request body is empty');
      const patch = await decodeBody(raw, type === 'apply' ? 'application/apply-patch+yaml' : 'application/json');
      const result = await api.service.patch(rt, ns, info.name, info.subresource, type, patch, { ...ctx, force });
      return sendObject(api, scope, rt, result.created ? 201 : 200, result.object);
    }
    case 'delete': {
      const raw = await readBody(scope.req);
      const options = parseDeleteOptions(raw.length ? await decodeBody(raw, scope.req.headers['content-type']) : undefined);
      const ctx = writeContext(api, scope);
      if (ctx.dryRun) options.dryRun = ['All'];
      const grace = intParam(q, 'gracePeriodSeconds');
      if (grace !== undefined) options.gracePeriodSeconds = grace;
      const policy = q.get('propagationPolicy');
      if (policy) options.propagationPolicy = parseDeleteOptions({ propagationPolicy: policy }).propagationPolicy;
      const result = await deleteObject(api.service.storage, rt, ns, info.name, options, api.clock());
      // As the generic registry (endpoints/handlers/delete.go, registry/store.go): a finished
      // deletion answers with a Status unless the kind sets ReturnDeletedObject; 202 only
      // when orphanDependents=false was asked for and the object is still there.
      if (result.deleted && !rt.strategy?.returnDeletedObject) {
        const details: Record<string, unknown> = { name: result.object.metadata?.name, kind: rt.plural, uid: result.object.metadata?.uid };
        if (rt.group) details.group = rt.group;
        return send(scope, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
      }
      return sendObject(api, scope, rt, !result.deleted && options.orphanDependents === false ? 202 : 200, result.object);
    }
    case 'deletecollection': {
      validateListOptions(q, false);
      const raw = await readBody(scope.req);
      const options = parseDeleteOptions(raw.length ? await decodeBody(raw, scope.req.headers['content-type']) : undefined);
      const ctx = writeContext(api, scope);
      if (ctx.dryRun) options.dryRun = ['All'];
      // The same DeleteOptions query parameters as a single delete.
      const collectionGrace = intParam(q, 'gracePeriodSeconds');
      if (collectionGrace !== undefined) options.gracePeriodSeconds = collectionGrace;
      const collectionPolicy = q.get('propagationPolicy');
      if (collectionPolicy) options.propagationPolicy = parseDeleteOptions({ propagationPolicy: collectionPolicy }).propagationPolicy;
      const list = await api.service.storage.list(rt, ns, {
        labelSelector: parseLabelSelector(q.get('labelSelector') ?? undefined),
        fieldSelector: parseFieldSelector(q.get('fieldSelector') ?? undefined, rt),
      });
      const deleted: KObject[] = [];
      for (const item of list.items) {
        // Objects that may not be deleted one by one (system PriorityClasses) stay out of "all" too.
        // Upstream's generic DeleteCollection bypasses the PriorityClass REST Delete and would
        // remove them; keeping them is the safer reading of the same rule.
        if (rt.strategy?.undeletable?.(item.metadata!.name!)) continue;
        try {
          const r = await deleteObject(api.service.storage, rt, item.metadata!.namespace ?? '', item.metadata!.name!, options, api.clock());
          deleted.push(r.object);
        } catch (err) {
          if (!(err instanceof NotFound)) throw err;
        }
      }
      return sendList(api, scope, rt, { items: deleted, resourceVersion: String(await api.service.storage.currentRevision()) });
    }
  }
  throw new MethodNotAllowed('the server does not allow this method on the requested resource');
}

