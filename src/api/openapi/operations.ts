/**
 * The REST operations of a group-version, in a form both the v2 and v3 renderers
 * share: paths, `x-kubernetes-action`, `x-kubernetes-group-version-kind`, query
 * parameters and body/response definitions, named like kube-openapi's
 * (`listCoreV1NamespacedPod`, `patchAppsV1NamespacedDeploymentScale`).
 *
 * Every PATCH carries inline `dryRun`, `fieldManager`, `fieldValidation` and `force`:
 * kubectl decides whether the server validates fields by looking for
 * `fieldValidation` on the PATCH operation tagged with the object's GVK.
 */
import type { ResourceType } from '../types.js';
import { verbsOf } from '../discovery/discovery.js';
import { REF, listRef } from './schemas.js';

export type ParamType = 'string' | 'boolean' | 'integer';

export interface Param {
  name: string;
  in: 'query' | 'path';
  type: ParamType;
  description: string;
  required?: boolean;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  operationId: string;
  action: 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';
  gvk: { group: string; version: string; kind: string };
  description: string;
  params: Param[];
  body?: { ref: string; patch?: 'builtin' | 'custom' };
  /** Status code → definition returned. */
  responses: Record<string, string>;
  watchable?: boolean;
}

export interface PathItem {
  path: string;
  params: Param[];
  ops: Operation[];
}

const q = (name: string, type: ParamType, description: string): Param => ({ name, in: 'query', type, description });

const P = {
  pretty: q('pretty', 'string', "If 'true', then the output is pretty printed."),
  dryRun: q('dryRun', 'string', 'When present, indicates that modifications should not be persisted. Valid value: All.'),
  fieldManager: q('fieldManager', 'string', 'A name associated with the actor or entity that is making these changes.'),
  fieldValidation: q('fieldValidation', 'string', 'How the server treats unknown or duplicate fields: Ignore, Warn or Strict.'),
  force: q('force', 'boolean', 'Force is going to "force" Apply requests: re-acquire conflicting fields owned by other people.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be deleted.'),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: please use the PropagationPolicy.'),
  propagationPolicy: q('propagationPolicy', 'string', 'Whether and how garbage collection will be performed: Orphan, Background or Foreground.'),
  ignoreStoreReadError: q('ignoreStoreReadErrorWithClusterBreakingPotential', 'boolean', 'Delete the object even if it cannot be read from storage.'),
  list: [
    q('allowWatchBookmarks', 'boolean', 'Requests watch events with type "BOOKMARK".'),
    q('continue', 'string', 'The continue option should be set when retrieving more results from the server.'),
    q('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields.'),
    q('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels.'),
    q('limit', 'integer', 'The maximum number of responses to return for a list call.'),
    q('resourceVersion', 'string', 'Sets a constraint on what resource versions a request may be served from.'),
    q('resourceVersionMatch', 'string', 'Determines how resourceVersion is applied to list calls.'),
    q('sendInitialEvents', 'boolean', 'Send synthetic events for the initial state of a watch.'),
    q('timeoutSeconds', 'integer', 'Timeout for the list/watch call.'),
    q('watch', 'boolean', 'Watch for changes to the described resources.'),
  ],
};

/** kube-openapi's operation-id stem for a GV: `CoreV1`, `AppsV1`, `RbacAuthorizationV1`, `StableExampleComV1`. */
export function gvStem(group: string, version: string): string {
  const g = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '');
  const cap = (x: string) => (x ? x[0].toUpperCase() + x.slice(1) : x);
  return g.split(/[.-]/).map(cap).join('') + cap(version);
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export function gvPrefix(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

export function operationsFor(types: readonly ResourceType[], group: string, version: string): PathItem[] {
  const items: PathItem[] = [];
  for (const rt of types) if (rt.group === group && rt.version === version) items.push(...resourceOperations(rt));
  return items;
}

function resourceOperations(rt: ResourceType): PathItem[] {
  const verbs = new Set(verbsOf(rt));
  const stem = gvStem(rt.group, rt.version);
  const scope = rt.namespaced ? 'Namespaced' : '';
  const kindRef = rt.schemaRef;
  const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
  const base = gvPrefix(rt.group, rt.version);
  const nsParam: Param = { name: 'namespace', in: 'path', type: 'string', required: true, description: 'object name and auth scope, such as for teams and projects' };
  const nameParam: Param = { name: 'name', in: 'path', type: 'string', required: true, description: `name of the ${rt.kind}` };
  const collection = rt.namespaced ? `${base}/namespaces/{namespace}/${rt.plural}` : `${base}/${rt.plural}`;
  const collectionParams = rt.namespaced ? [nsParam, P.pretty] : [P.pretty];
  const itemParams = rt.namespaced ? [nameParam, nsParam, P.pretty] : [nameParam, P.pretty];
  const patch = rt.custom ? 'custom' : 'builtin';
  const out: PathItem[] = [];

  const coll: Operation[] = [];
  if (verbs.has('list')) {
    coll.push({
      method: 'get', operationId: `list${stem}${scope}${rt.kind}`, action: 'list', gvk, description: `list or watch objects of kind ${rt.kind}`,
      params: P.list, responses: { '200': listRef(rt) }, watchable: true,
    });
  }
  if (verbs.has('create')) {
    coll.push({
      method: 'post', operationId: `create${stem}${scope}${rt.kind}`, action: 'post', gvk, description: `create a ${rt.kind}`,
      params: [P.dryRun, P.fieldManager, P.fieldValidation], body: { ref: kindRef }, responses: { '200': kindRef, '201': kindRef, '202': kindRef },
    });
  }
  if (verbs.has('deletecollection')) {
    coll.push({
      method: 'delete', operationId: `delete${stem}Collection${scope}${rt.kind}`, action: 'deletecollection', gvk, description: `delete collection of ${rt.kind}`,
      params: [...P.list.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'), P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy],
      body: { ref: REF.deleteOptions }, responses: { '200': REF.status },
    });
  }
  if (coll.length) out.push({ path: collection, params: collectionParams, ops: coll });

  const item: Operation[] = [];
  if (verbs.has('get')) item.push({ method: 'get', operationId: `read${stem}${scope}${rt.kind}`, action: 'get', gvk, description: `read the specified ${rt.kind}`, params: [], responses: { '200': kindRef } });
  if (verbs.has('update')) {
    item.push({
      method: 'put', operationId: `replace${stem}${scope}${rt.kind}`, action: 'put', gvk, description: `replace the specified ${rt.kind}`,
      params: [P.dryRun, P.fieldManager, P.fieldValidation], body: { ref: kindRef }, responses: { '200': kindRef, '201': kindRef },
    });
  }
  if (verbs.has('delete')) {
    item.push({
      method: 'delete', operationId: `delete${stem}${scope}${rt.kind}`, action: 'delete', gvk, description: `delete a ${rt.kind}`,
      params: [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy],
      body: { ref: REF.deleteOptions }, responses: { '200': REF.status, '202': REF.status },
    });
  }
  if (verbs.has('patch')) item.push(patchOp(`patch${stem}${scope}${rt.kind}`, `partially update the specified ${rt.kind}`, gvk, kindRef, patch));
  if (item.length) out.push({ path: `${collection}/{name}`, params: itemParams, ops: item });

  if (rt.namespaced && verbs.has('list')) {
    out.push({
      path: `${base}/${rt.plural}`,
      params: [P.pretty],
      ops: [{
        method: 'get', operationId: `list${stem}${rt.kind}ForAllNamespaces`, action: 'list', gvk, description: `list or watch objects of kind ${rt.kind}`,
        params: P.list, responses: { '200': listRef(rt) }, watchable: true,
      }],
    });
  }

  const subs: Array<{ name: string; suffix: string; ref: string; gvk: Operation['gvk'] }> = [];
  if (rt.subresources?.status) subs.push({ name: 'status', suffix: 'Status', ref: kindRef, gvk });
  if (rt.subresources?.scale) subs.push({ name: 'scale', suffix: 'Scale', ref: REF.scale, gvk: { group: 'autoscaling', version: 'v1', kind: 'Scale' } });
  for (const sub of subs) {
    out.push({
      path: `${collection}/{name}/${sub.name}`,
      params: itemParams,
      ops: [
        { method: 'get', operationId: `read${stem}${scope}${rt.kind}${sub.suffix}`, action: 'get', gvk: sub.gvk, description: `read ${sub.name} of the specified ${rt.kind}`, params: [], responses: { '200': sub.ref } },
        {
          method: 'put', operationId: `replace${stem}${scope}${rt.kind}${sub.suffix}`, action: 'put', gvk: sub.gvk, description: `replace ${sub.name} of the specified ${rt.kind}`,
          params: [P.dryRun, P.fieldManager, P.fieldValidation], body: { ref: sub.ref }, responses: { '200': sub.ref, '201': sub.ref },
        },
        patchOp(`patch${stem}${scope}${rt.kind}${sub.suffix}`, `partially update ${sub.name} of the specified ${rt.kind}`, sub.gvk, sub.ref, patch),
      ],
    });
  }
  return out;
}

function patchOp(operationId: string, description: string, gvk: Operation['gvk'], ref: string, patch: 'builtin' | 'custom'): Operation {
  return {
    method: 'patch', operationId, action: 'patch', gvk, description,
    params: [P.dryRun, P.fieldManager, P.fieldValidation, P.force],
    body: { ref: REF.patch, patch }, responses: { '200': ref, '201': ref },
  };
}

export const PATCH_TYPES = {
  builtin: ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'],
  custom: ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'],
} as const;

export const RESPONSE_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
export const WATCH_RESPONSE_TYPES = [...RESPONSE_TYPES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];

/** Every definition an operation list refers to directly. */
export function operationRefs(items: readonly PathItem[]): string[] {
  const refs = new Set<string>();
  for (const item of items) {
    for (const op of item.ops) {
      if (op.body) refs.add(op.body.ref);
      for (const r of Object.values(op.responses)) refs.add(r);
    }
  }
  return [...refs];
}
