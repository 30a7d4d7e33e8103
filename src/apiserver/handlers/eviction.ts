/**
 * POST `pods/{name}/eviction`: a deletion that respects PodDisruptionBudgets (upstream's
 * EvictionREST in pkg/registry/core/pod/storage/eviction.go), what `kubectl drain` uses.
 *
 * A pod that is not running yet or any more (Pending, Succeeded, Failed) or already
 * terminating goes at once. Otherwise the one budget selecting the pod must allow a
 * disruption: the budget's status is decremented (and the pod recorded in
 * `disruptedPods`, which the disruption controller clears) in the same compare-and-swap
 * as the check, then the pod is deleted with the eviction's delete options. A budget at
 * zero answers 429, which drain retries; more than one budget is upstream's 500.
 */
import { BadRequest, Forbidden, InternalError, StatusError } from '../../api/errors.js';
import type { KObject, ResourceType } from '../../api/types.js';
import { isEmptySelector, selectorMatches } from '../../api/validation/workloads.js';
import type { ResourceRequestInfo } from '../request-info.js';
import { deleteObject, parseDeleteOptions } from '../registry/deletion.js';
import type { WriteContext } from '../registry/service.js';
import type { ApiContext, RequestScope } from '../context.js';
import { metaTime } from '../../api/time.js';
import { send } from './respond.js';

/** Upstream's MaxDisruptedPodSize: evictions the disruption controller has not confirmed yet. */
const MAX_DISRUPTED_PODS = 2000;
const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

interface PdbStatus {
  observedGeneration?: number;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  disruptedPods?: Record<string, string>;
}

export async function handleEviction(api: ApiContext, scope: RequestScope, podType: ResourceType, info: ResourceRequestInfo, body: unknown, ctx: WriteContext): Promise<void> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('the body of the request must be an Eviction object');
  const eviction = body as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; deleteOptions?: unknown };
  if (eviction.kind !== undefined && eviction.kind !== 'Eviction') throw new BadRequest(`not an Eviction object: kind "${String(eviction.kind)}"`);
  if ((eviction.metadata?.name ?? '') !== info.name) throw new BadRequest('name in URL does not match name in Eviction object');
  const options = parseDeleteOptions(eviction.deleteOptions);
  if (ctx.dryRun) options.dryRun = ['All'];

  const pod = await api.service.storage.get(podType, info.namespace, info.name);
  if (!canIgnoreBudgets(pod)) {
    const pdbType = api.catalogue.byResource('policy', 'v1', 'poddisruptionbudgets');
    const budgets = pdbType ? (await api.service.storage.list(pdbType, info.namespace)).items.filter((pdb) => selects(pdb, pod)) : [];
    if (budgets.length > 1) throw new InternalError('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    if (budgets.length === 1 && !(isUnhealthy(pod) && unhealthyMayGo(budgets[0]!))) {
      await takeDisruption(api, pdbType!, budgets[0]!, info.name, ctx);
    }
  }
  await deleteObject(api.service.storage, podType, info.namespace, info.name, options, ctx.now);
  send(scope, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

function canIgnoreBudgets(pod: KObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return Boolean(pod.metadata?.deletionTimestamp) || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending';
}

/** A nil or empty selector selects nothing here (upstream guards eviction against such budgets). */
function selects(pdb: KObject, pod: KObject): boolean {
  const selector = (pdb.spec as { selector?: Record<string, unknown> } | undefined)?.selector;
  if (!selector || isEmptySelector(selector)) return false;
  return selectorMatches(selector, (pod.metadata?.labels ?? {}) as Record<string, string>);
}

function isUnhealthy(pod: KObject): boolean {
  const conditions = (pod.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)?.conditions ?? [];
  return !conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** unhealthyPodEvictionPolicy: AlwaysAllow, or IfHealthyBudget (the default) when the budget is met. */
function unhealthyMayGo(pdb: KObject): boolean {
  const policy = (pdb.spec as { unhealthyPodEvictionPolicy?: string } | undefined)?.unhealthyPodEvictionPolicy;
  if (policy === 'AlwaysAllow') return true;
  const status = (pdb.status ?? {}) as PdbStatus;
  return (status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0) && (status.desiredHealthy ?? 0) > 0;
}

/** checkAndDecrement: the check and the decrement are one compare-and-swap on the budget. */
async function takeDisruption(api: ApiContext, pdbType: ResourceType, pdb: KObject, podName: string, ctx: WriteContext): Promise<void> {
  const name = pdb.metadata!.name!;
  await api.service.storage.update(pdbType, pdb.metadata!.namespace!, name, (current) => {
    const status = { ...(current.status ?? {}) } as PdbStatus;
    if ((status.observedGeneration ?? 0) < (current.metadata?.generation ?? 0)) {
      throw violation(`The disruption budget ${name} is still being processed by the server.`);
    }
    const allowed = status.disruptionsAllowed ?? 0;
    if (allowed < 0) throw new Forbidden('pdb disruptions allowed is negative');
    if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) throw new Forbidden('DisruptedPods map too big - too many evictions not confirmed by PDB controller');
    if (allowed === 0) throw violation(`The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`);
    status.disruptionsAllowed = allowed - 1;
    status.disruptedPods = { ...status.disruptedPods, [podName]: metaTime(ctx.now) };
    return { ...current, status } as KObject;
  }, { dryRun: ctx.dryRun });
}

function violation(cause: string): StatusError {
  return new StatusError(429, 'TooManyRequests', VIOLATION, { causes: [{ reason: 'DisruptionBudget', message: cause }] });
}
