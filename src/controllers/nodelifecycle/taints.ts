/**
 * Taints the node lifecycle controller manages, and how tolerations match them
 * (upstream's taint templates, nodeConditionToTaintKeyStatusMap and
 * Toleration.ToleratesTaint).
 */
import { toleratesTaint } from '../../api/scheduling/matching.js';
import type { Condition, Node, Taint, Toleration } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import type { ResourceClient } from '../../client/client.js';
import { isConflict, isNotFound } from '../../client/errors.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** Node condition type → status → the NoSchedule taint it calls for. */
const CONDITION_TAINTS: Record<string, Partial<Record<Condition['status'], string>>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};
const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));

export const sameTaint = (a: Taint, b: { key: string; effect: string }) => a.key === b.key && a.effect === b.effect;

/** The NoSchedule taints a node's conditions and `unschedulable` call for (doNoScheduleTaintingPass). */
export function desiredNoScheduleTaints(node: Node): Taint[] {
  const out: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) out.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return out;
}

/** NoSchedule taints this controller owns (others' taints are never touched). */
export function isManagedNoSchedule(t: Taint): boolean {
  return t.effect === 'NoSchedule' && (t.key === TAINT_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key));
}

/** The NoExecute taint for a Ready status: not-ready for False, unreachable for Unknown, none for True. */
export function noExecuteTaintFor(status: Condition['status']): string | undefined {
  if (status === 'False') return TAINT_NOT_READY;
  if (status === 'Unknown') return TAINT_UNREACHABLE;
  return undefined;
}

export const isNoExecuteReadinessTaint = (t: Taint) => t.effect === 'NoExecute' && (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE);

/**
 * Changes a node's taints: `change` maps the current list to the new one (undefined: no
 * change). A merge patch pinned to the resourceVersion it was computed from; on a
 * conflict the node is read again and the change recomputed.
 */
export async function updateTaints(nodes: ResourceClient<Node>, known: Node, change: (taints: Taint[]) => Taint[] | undefined): Promise<Node | undefined> {
  let node = known;
  for (let attempt = 1; ; attempt++) {
    const next = change(node.spec?.taints ?? []);
    if (!next) return node;
    try {
      return await nodes.patch(node.metadata.name!, undefined, 'merge', { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints: next.length ? next : null } }, { fieldManager: 'node-controller' });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      if (!isConflict(err) || attempt >= 3) throw err;
    }
    try {
      node = await nodes.get(known.metadata.name!);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}

/** Swaps in `add` (stamped with `now` when NoExecute, as upstream) and takes out what `remove` matches. */
export function swapTaints(add: Taint[], remove: (t: Taint) => boolean, now: Date): (taints: Taint[]) => Taint[] | undefined {
  return (taints) => {
    const kept = taints.filter((t) => !remove(t) || add.some((a) => sameTaint(t, a)));
    const missing = add.filter((a) => !kept.some((t) => sameTaint(t, a)));
    if (kept.length === taints.length && !missing.length) return undefined;
    return [...kept, ...missing.map((t) => (t.effect === 'NoExecute' ? { ...t, timeAdded: metaTime(now) } : t))];
  };
}

/** GetMatchingTolerations: whether every taint is tolerated, and by which tolerations. */
export function matchingTolerations(taints: Taint[], tolerations: Toleration[]): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((tol) => toleratesTaint(tol, taint));
    if (!t) return { all: false, used: [] };
    used.push(t);
  }
  return { all: true, used };
}

/** The shortest tolerationSeconds among `used` in ms: 0 when any is ≤ 0 (or none used), -1 when all tolerate forever. */
export function minTolerationMs(used: Toleration[]): number {
  if (!used.length) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}
