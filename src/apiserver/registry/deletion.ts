/**
 * Deletion as kube-apiserver's generic registry does it: preconditions, graceful
 * deletion (pods on a node), finalizers that hold an object (with deletionTimestamp
 * set) until controllers release it, and the propagation policy recorded as the
 * garbage collector's finalizers (`foregroundDeletion`, `orphan`).
 */
import { BadRequest, Conflict, Forbidden, Invalid } from '../../api/errors.js';
import type { KObject, ResourceType } from '../../api/types.js';
import { metaTime } from '../../api/time.js';
import { pendingGracefulDeletion } from './lifecycle.js';
import { DELETE_OBJECT, type ObjectStorage } from './storage.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export interface DeleteResult {
  object: KObject;
  /** False when the object is only marked (finalizers or graceful deletion pending). */
  deleted: boolean;
}

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

export function parseDeleteOptions(body: unknown): DeleteOptions {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('DeleteOptions: expected an object');
  const o = body as Record<string, unknown>;
  const out: DeleteOptions = {};
  if (o.gracePeriodSeconds !== undefined && o.gracePeriodSeconds !== null) {
    if (typeof o.gracePeriodSeconds !== 'number' || !Number.isInteger(o.gracePeriodSeconds)) throw new BadRequest('DeleteOptions.gracePeriodSeconds: expected an integer');
    out.gracePeriodSeconds = o.gracePeriodSeconds;
  }
  if (o.propagationPolicy !== undefined && o.propagationPolicy !== null) {
    if (!['Orphan', 'Background', 'Foreground'].includes(o.propagationPolicy as string)) {
      throw new BadRequest(`DeleteOptions.propagationPolicy: Unsupported value: "${String(o.propagationPolicy)}": supported values: "Foreground", "Background", "Orphan"`);
    }
    out.propagationPolicy = o.propagationPolicy as DeleteOptions['propagationPolicy'];
  }
  // DeleteOptions is a typed struct upstream: a value of the wrong JSON type does not decode (400).
  const wrongType = (field: string, want: string, v: unknown): BadRequest =>
    new BadRequest(`json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v} into Go struct field DeleteOptions.${field} of type ${want}`);
  if (o.kind !== undefined && o.kind !== null && o.kind !== 'DeleteOptions') throw new BadRequest(`the body of the request is not a DeleteOptions: kind ${JSON.stringify(o.kind)}`);
  if (o.orphanDependents !== undefined && o.orphanDependents !== null && typeof o.orphanDependents !== 'boolean') throw wrongType('orphanDependents', 'bool', o.orphanDependents);
  if (typeof o.orphanDependents === 'boolean') out.orphanDependents = o.orphanDependents;
  if (o.preconditions !== undefined && o.preconditions !== null) {
    if (typeof o.preconditions !== 'object' || Array.isArray(o.preconditions)) throw wrongType('preconditions', 'v1.Preconditions', o.preconditions);
    const pre = o.preconditions as Record<string, unknown>;
    for (const k of ['uid', 'resourceVersion']) {
      if (pre[k] !== undefined && pre[k] !== null && typeof pre[k] !== 'string') throw wrongType(`preconditions.${k}`, 'string', pre[k]);
    }
    out.preconditions = o.preconditions as DeleteOptions['preconditions'];
  }
  if (o.dryRun !== undefined && o.dryRun !== null) {
    if (!Array.isArray(o.dryRun) || o.dryRun.some((d) => typeof d !== 'string')) throw wrongType('dryRun', '[]string', o.dryRun);
    const bad = (o.dryRun as string[]).find((d) => d !== 'All');
    if (bad !== undefined) {
      throw new Invalid('DeleteOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueNotSupported', field: 'dryRun', message: `Unsupported value: ${JSON.stringify(bad)}: supported values: "All"` }]);
    }
    out.dryRun = o.dryRun as string[];
  }
  if (out.orphanDependents !== undefined && out.propagationPolicy) throw new BadRequest('DeleteOptions: orphanDependents and propagationPolicy cannot both be set');
  return out;
}

function checkPreconditions(rt: ResourceType, current: KObject, options: DeleteOptions): void {
  const pre = options.preconditions;
  const name = current.metadata?.name ?? '';
  if (pre?.uid && pre.uid !== current.metadata?.uid) {
    throw new Conflict(rt.plural, rt.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata?.uid}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata?.resourceVersion) {
    throw new Conflict(rt.plural, rt.group, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata?.resourceVersion}`);
  }
}

/** The namespace kind keeps its own finalizer list in spec (`kubernetes`), emptied by the namespace controller. */
function hasSpecFinalizers(rt: ResourceType, obj: KObject): boolean {
  return rt.group === '' && rt.kind === 'Namespace' && ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers?.length ?? 0) > 0;
}

export async function deleteObject(storage: ObjectStorage, rt: ResourceType, namespace: string, name: string, options: DeleteOptions, now: Date): Promise<DeleteResult> {
  const refused = rt.strategy?.undeletable?.(name);
  if (refused) throw new Forbidden(`${rt.plural}${rt.group ? '.' + rt.group : ''} "${name}" is forbidden: ${refused}`);
  const dryRun = Boolean(options.dryRun?.length);
  let deleted = false;
  const result = await storage.update(rt, namespace, name, (current) => {
    deleted = false; // this may be a retry after a lost race
    checkPreconditions(rt, current, options);
    const meta = current.metadata!;
    const finalizers = new Set(meta.finalizers ?? []);
    const policy = options.propagationPolicy ?? (options.orphanDependents ? 'Orphan' : options.orphanDependents === false ? 'Background' : undefined);
    if (policy === 'Foreground') { finalizers.add(FOREGROUND); finalizers.delete(ORPHAN); }
    if (policy === 'Orphan') { finalizers.add(ORPHAN); finalizers.delete(FOREGROUND); }
    if (policy === 'Background') { finalizers.delete(ORPHAN); finalizers.delete(FOREGROUND); }

    const isPod = rt.group === '' && rt.kind === 'Pod';
    let grace = 0;
    if (isPod && (current.spec as { nodeName?: string } | undefined)?.nodeName) {
      const specGrace = (current.spec as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds ?? 30;
      grace = Math.max(0, options.gracePeriodSeconds ?? specGrace);
      const phase = (current.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') grace = 0;
      if (meta.deletionGracePeriodSeconds !== undefined) grace = Math.min(grace, meta.deletionGracePeriodSeconds);
    }
    const holds = finalizers.size > 0 || grace > 0 || hasSpecFinalizers(rt, current);
    if (!holds) {
      deleted = true;
      return DELETE_OBJECT;
    }
    // Mark for deletion; controllers (or the node agent) finish the job.
    if (!meta.deletionTimestamp) {
      meta.deletionTimestamp = metaTime(new Date(now.getTime() + grace * 1000));
      if (meta.generation !== undefined) meta.generation += 1;
    }
    meta.deletionGracePeriodSeconds = grace;
    meta.finalizers = [...finalizers];
    if (!meta.finalizers.length) delete meta.finalizers;
    if (rt.group === '' && rt.kind === 'Namespace') {
      current.status = { ...(current.status as object), phase: 'Terminating' };
    }
    return current;
  }, { dryRun });
  return { object: result.object, deleted };
}

/** Whether an object marked for deletion may now go (used after finalizer removal). */
export function readyToDelete(rt: ResourceType, obj: KObject): boolean {
  return Boolean(obj.metadata?.deletionTimestamp) && !(obj.metadata?.finalizers?.length) && !pendingGracefulDeletion(rt, obj) && !hasSpecFinalizers(rt, obj);
}
