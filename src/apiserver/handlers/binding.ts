/**
 * POST `pods/{name}/binding`: how a scheduler assigns a pod to a node (upstream's
 * BindingREST in pkg/registry/core/pod/storage). The pod gets `spec.nodeName` once and
 * only once, the binding's annotations, and the condition PodScheduled=True; a pod that
 * is already assigned, being deleted or still gated is refused with a 409 on
 * `pods/binding`. The binding's uid and resourceVersion, when given, are preconditions.
 * Like upstream this writes the stored pod directly: pod update validation (which keeps
 * `spec.nodeName` immutable) and field managers do not apply to it.
 */
import { BadRequest, Conflict, Invalid } from '../../api/errors.js';
import type { FieldError, KObject, ResourceType } from '../../api/types.js';
import type { ResourceRequestInfo } from '../request-info.js';
import type { WriteContext } from '../registry/service.js';
import type { ApiContext, RequestScope } from '../context.js';
import { metaTime } from '../../api/time.js';
import { send } from './respond.js';

interface Binding {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; uid?: unknown; resourceVersion?: unknown; annotations?: unknown };
  target?: { kind?: unknown; name?: unknown };
}

interface PodCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export async function handleBinding(api: ApiContext, scope: RequestScope, rt: ResourceType, info: ResourceRequestInfo, body: unknown, ctx: WriteContext): Promise<void> {
  const binding = checkBinding(body, info);
  const meta = binding.metadata ?? {};
  const node = String(binding.target!.name);
  const annotations = (meta.annotations ?? {}) as Record<string, string>;
  await api.service.storage.update(rt, info.namespace, info.name, (pod) => {
    const refuse = (why: string) => new Conflict('pods/binding', '', info.name, why);
    if (typeof meta.uid === 'string' && meta.uid && meta.uid !== pod.metadata?.uid) {
      throw refuse(`Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${pod.metadata?.uid ?? ''}`);
    }
    if (typeof meta.resourceVersion === 'string' && meta.resourceVersion && meta.resourceVersion !== pod.metadata?.resourceVersion) {
      throw refuse(`Precondition failed: ResourceVersion in precondition: ${meta.resourceVersion}, ResourceVersion in object meta: ${pod.metadata?.resourceVersion ?? ''}`);
    }
    const spec = (pod.spec ?? {}) as { nodeName?: string; schedulingGates?: unknown[] };
    if (pod.metadata?.deletionTimestamp) throw refuse(`pod ${info.name} is being deleted, cannot be assigned to a host`);
    if (spec.nodeName) throw refuse(`pod ${info.name} is already assigned to node "${spec.nodeName}"`);
    if (spec.schedulingGates?.length) throw refuse(`pod ${info.name} has non-empty .spec.schedulingGates`);
    pod.spec = { ...spec, nodeName: node };
    if (Object.keys(annotations).length) pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, ...annotations } };
    setScheduled(pod, ctx.now);
    return pod;
  }, { dryRun: ctx.dryRun });
  send(scope, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** The typed decoder's and ValidatePodBinding's checks, and the create handler's name/namespace rules. */
function checkBinding(body: unknown, info: ResourceRequestInfo): Binding {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('the body of the request must be a Binding object');
  const binding = body as Binding;
  if (binding.kind !== undefined && binding.kind !== 'Binding') throw new BadRequest(`not a Binding object: kind "${String(binding.kind)}"`);
  const meta = binding.metadata;
  if (meta !== undefined && (typeof meta !== 'object' || meta === null || Array.isArray(meta))) throw new BadRequest('Binding in version "v1" cannot be handled as a Binding: metadata must be an object');
  if ((meta?.name ?? '') !== info.name) throw new BadRequest('name in URL does not match name in Binding object');
  if (typeof meta?.namespace === 'string' && meta.namespace && meta.namespace !== info.namespace) {
    throw new BadRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (meta?.annotations !== undefined && (typeof meta.annotations !== 'object' || meta.annotations === null || Array.isArray(meta.annotations) || Object.values(meta.annotations).some((v) => typeof v !== 'string'))) {
    throw new BadRequest('Binding in version "v1" cannot be handled as a Binding: metadata.annotations must map strings to strings');
  }
  const target = binding.target;
  const errors: FieldError[] = [];
  if (target !== undefined && (typeof target !== 'object' || target === null || Array.isArray(target))) throw new BadRequest('Binding in version "v1" cannot be handled as a Binding: target must be an object');
  const kind = target?.kind ?? '';
  if (kind !== '' && kind !== 'Node') errors.push({ reason: 'FieldValueNotSupported', field: 'target.kind', message: `Unsupported value: ${JSON.stringify(kind)}: supported values: "Node", "<empty>"` });
  if (typeof target?.name !== 'string' || target.name === '') errors.push({ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' });
  // Upstream lets these through as a 500 (an aggregate error, not a Status); a client's mistake is a 422 here.
  if (errors.length) throw new Invalid('Binding', '', info.name, errors);
  return binding;
}

/** podutil.UpdatePodCondition for PodScheduled=True: the transition time moves only when the status changes. */
function setScheduled(pod: KObject, now: Date): void {
  const status = (pod.status ?? {}) as { conditions?: PodCondition[] };
  const conditions = [...(status.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === 'PodScheduled');
  const previous = i >= 0 ? conditions[i] : undefined;
  const next: PodCondition = {
    type: 'PodScheduled',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: previous?.status === 'True' && previous.lastTransitionTime ? previous.lastTransitionTime : metaTime(now),
  };
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
  pod.status = { ...status, conditions };
}
