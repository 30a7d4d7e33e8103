/**
 * The scale subresource (autoscaling/v1 Scale) over any kind that declares one: built-in
 * workloads and custom resources alike read and write replicas through JSON paths.
 */
import { BadRequest, Conflict, Invalid, StatusError } from '../../api/errors.js';
import type { KObject, ResourceType, ScaleSubresource } from '../../api/types.js';
import { mediaType, readBody, decodeBody } from '../http.js';
import type { ResourceRequestInfo } from '../request-info.js';
import type { WriteContext } from '../registry/service.js';
import { formatLabelSelector } from '../selectors/labels.js';
import type { ApiContext, RequestScope } from '../context.js';
import { send } from './respond.js';

function pathParts(path: string): string[] {
  return path.replace(/^\./, '').split('.').filter(Boolean);
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of pathParts(path)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

export function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = pathParts(path);
  let cur: Record<string, unknown> = obj;
  for (const p of parts.slice(0, -1)) {
    if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

function scaleOf(rt: ResourceType, spec: ScaleSubresource, obj: KObject): KObject {
  const m = obj.metadata!;
  let selector = '';
  if (spec.labelSelectorPath) {
    const s = getPath(obj, spec.labelSelectorPath);
    // A string (CRDs keep it so in status), a LabelSelector (apps kinds' spec.selector),
    // or a plain label map (a ReplicationController's spec.selector).
    const isLabelMap = s !== null && typeof s === 'object' && !('matchLabels' in s) && !('matchExpressions' in s);
    selector = typeof s === 'string' ? s : formatLabelSelector((isLabelMap ? { matchLabels: s } : s) as Parameters<typeof formatLabelSelector>[0]);
  }
  const status: Record<string, unknown> = { replicas: Number(getPath(obj, spec.statusReplicasPath) ?? 0) };
  if (selector) status.selector = selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: Number(getPath(obj, spec.specReplicasPath) ?? 0) },
    status,
  };
}

export async function handleScale(api: ApiContext, scope: RequestScope, rt: ResourceType, info: ResourceRequestInfo, readJson: () => Promise<unknown>, ctx: WriteContext): Promise<void> {
  const spec = rt.subresources!.scale!;
  if (info.verb === 'get') {
    return send(scope, 200, scaleOf(rt, spec, await api.service.storage.get(rt, info.namespace, info.name)));
  }
  let patchBody: unknown;
  let patchType: 'json' | 'merge' | 'strategic' | undefined;
  let putBody: KObject | undefined;
  if (info.verb === 'patch') {
    const type = mediaType(scope.req.headers['content-type']);
    patchType = ({ 'application/json-patch+json': 'json', 'application/merge-patch+json': 'merge', 'application/strategic-merge-patch+json': 'strategic' } as const)[type as 'application/json-patch+json'];
    if (!patchType) throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
    patchBody = await decodeBody(await readBody(scope.req), 'application/json');
  } else {
    putBody = (await readJson()) as KObject;
    if (!putBody || typeof putBody !== 'object' || Array.isArray(putBody)) throw new BadRequest('expected a Scale object');
    // Wrong JSON types are the decoder's 400 upstream (Scale is a typed struct), as for any built-in body.
    const putSpec = (putBody as { spec?: unknown }).spec;
    const putReplicas = (putSpec as { replicas?: unknown } | undefined)?.replicas;
    if ((putSpec !== undefined && putSpec !== null && (typeof putSpec !== 'object' || Array.isArray(putSpec))) || (putReplicas !== undefined && putReplicas !== null && typeof putReplicas !== 'number')) {
      throw new BadRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${Array.isArray(putReplicas ?? putSpec) ? 'array' : typeof (putReplicas ?? putSpec)} into Go struct field Scale.spec${putReplicas !== undefined ? '.replicas' : ''} of type ${putReplicas !== undefined ? 'int32' : 'v1.ScaleSpec'}`);
    }
    // The update handler's checkName (endpoints/handlers/rest.go): the body names the object on the URL.
    const putMeta = (putBody as { metadata?: unknown }).metadata;
    const putName = putMeta && typeof putMeta === 'object' ? (putMeta as { name?: unknown }).name : undefined;
    if (putName !== info.name) throw new BadRequest(`the name of the object (${typeof putName === 'string' ? putName : ''}) does not match the name on the URL (${info.name})`);
    const putNamespace = (putMeta as { namespace?: unknown }).namespace;
    if (typeof putNamespace === 'string' && putNamespace && putNamespace !== info.namespace) {
      throw new BadRequest(`the namespace of the object (${putNamespace}) does not match the namespace on the request (${info.namespace})`);
    }
  }
  const scaleType = { ...rt, kind: 'Scale', group: 'autoscaling', version: 'v1', plural: rt.plural, custom: true } as ResourceType;
  const result = await api.service.storage.update(rt, info.namespace, info.name, (current) => {
    const scale = scaleOf(rt, spec, current);
    const desired = patchType ? api.service.patchPlain(scaleType, patchType, scale, patchBody) : putBody!;
    // A patch that leaves no Scale object (a list, a string, a spec that is not an object) must not read as "0 replicas".
    const desiredSpec = (desired as { spec?: unknown } | null)?.spec;
    if (desired === null || typeof desired !== 'object' || Array.isArray(desired) || (desiredSpec !== undefined && desiredSpec !== null && (typeof desiredSpec !== 'object' || Array.isArray(desiredSpec)))) {
      throw new Invalid('', '', '', [{ reason: 'FieldValueInvalid', field: 'patch', message: `Invalid value: ${JSON.stringify(JSON.stringify(desired))}: json: cannot unmarshal ${Array.isArray(desired) ? 'array' : typeof desired} into Go value of type v1.Scale` }]);
    }
    const rv = desired.metadata?.resourceVersion;
    if (rv && rv !== current.metadata!.resourceVersion) throw new Conflict(rt.plural, rt.group, info.name);
    // Scale.spec.replicas is `omitempty`: a PUT of zero replicas arrives without the field.
    const replicas = (desired.spec as { replicas?: unknown } | undefined)?.replicas ?? 0;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new StatusError(422, 'Invalid', `Scale.autoscaling "${info.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {
        name: info.name, group: 'autoscaling', kind: 'Scale', causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }],
      });
    }
    const next = structuredClone(current);
    setPath(next as Record<string, unknown>, spec.specReplicasPath, replicas);
    return api.service.successorOfScale(rt, next, current, ctx);
  }, { dryRun: ctx.dryRun });
  return send(scope, 200, scaleOf(rt, spec, result.object));
}
