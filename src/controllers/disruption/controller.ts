/**
 * The disruption controller (kube-controller-manager's `disruption`): keeps every
 * PodDisruptionBudget's status current (status.ts), which the eviction subresource
 * (apiserver/handlers/eviction.ts) reads and decrements. Budgets are reconciled by
 * `namespace/name` on changes to them, to the pods they select and, while an eviction
 * recorded in `disruptedPods` is unconfirmed, again when it runs out (clock time). It
 * also clears DisruptionTarget conditions that went stale (stale-conditions.ts).
 */
import type { Pod, PodDisruptionBudget } from '../../api/objects/index.js';
import { labelSelectorFromObject, type LabelSelector } from '../../apiserver/selectors/labels.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { resources } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { sameLabels } from '../runtime/owners.js';
import type { Controller, ControllerContext } from '../runtime/context.js';
import { controllerScaleFinder } from './scale.js';
import { staleDisruptionCleanup } from './stale-conditions.js';
import { countHealthy, expectedCounts, failSafeStatus, nextStatus, pendingDisruptions } from './status.js';

/** Upstream records this controller's events as the controller manager itself. */
const COMPONENT = 'controllermanager';

/** The pods a budget selects: a missing selector selects none (undefined), an empty one all in the namespace (policy/v1). */
function podSelector(pdb: PodDisruptionBudget): LabelSelector | undefined {
  const selector = pdb.spec?.selector;
  if (!selector) return undefined;
  try {
    return labelSelectorFromObject(selector);
  } catch {
    return undefined; // an invalid selector selects nothing (validation should have refused it)
  }
}

export function startDisruptionController(ctx: ControllerContext): Controller {
  const pdbs = ctx.informers.for<PodDisruptionBudget>(resources.poddisruptionbudgets);
  const pods = ctx.informers.for<Pod>(resources.pods);
  const { scaleOf, synced: scalesSynced } = controllerScaleFinder(ctx);
  const pdbClient = ctx.client.resource<PodDisruptionBudget>(resources.poddisruptionbudgets);
  const events = ctx.events(COMPONENT);
  const staleConditions = staleDisruptionCleanup(ctx, pods, ctx.client.resource<Pod>(resources.pods), COMPONENT);

  // The selector is parsed once per sync, not once per pod of the namespace.
  const podsFor = (pdb: PodDisruptionBudget) => {
    const selector = podSelector(pdb);
    return selector ? pods.list(pdb.metadata.namespace).filter((p) => selector.matches(p.metadata.labels)) : [];
  };
  const budgetsFor = (pod: Pod) => pdbs.list(pod.metadata.namespace).filter((b) => podSelector(b)?.matches(pod.metadata.labels));

  async function writeStatus(pdb: PodDisruptionBudget, status: PodDisruptionBudget['status']): Promise<void> {
    await pdbClient.updateStatus({ ...pdb, status }, { fieldManager: 'disruption-controller' });
  }

  async function sync(pdb: PodDisruptionBudget): Promise<number | undefined> {
    const selected = podsFor(pdb);
    if (!selected.length) events.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let counts;
    try {
      counts = await expectedCounts(pdb, selected, scaleOf);
    } catch (err) {
      events.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    if (counts.unmanaged.length) {
      events.event(pdb, 'Warning', 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${JSON.stringify(pdb.spec?.selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`);
    }
    const now = ctx.clock.now();
    const { pending, expired, recheckAt } = pendingDisruptions(selected, pdb.status?.disruptedPods, now);
    for (const pod of expired) {
      events.event(pod, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.name} to be deleted but it wasn't`);
    }
    const status = nextStatus(pdb, { currentHealthy: countHealthy(selected, pending, now), desiredHealthy: counts.desiredHealthy, expectedPods: counts.expectedPods, disruptedPods: pending }, now);
    if (status) await writeStatus(pdb, status);
    return recheckAt === undefined ? undefined : recheckAt - now.getTime();
  }

  const queue = new WorkQueue({
    clock: ctx.clock,
    onError: (key, err) => ctx.onError(COMPONENT, new Error(`syncing PodDisruptionBudget ${key}: ${String(err)}`)),
    reconcile: async (key) => {
      const [namespace, name] = key.split('/') as [string, string];
      const pdb = pdbs.get(name, namespace);
      if (!pdb) return;
      try {
        const recheckMs = await sync(pdb);
        // An eviction not yet seen through: look again when it would run out.
        return recheckMs === undefined ? undefined : { requeueAfterMs: Math.max(0, recheckMs) + 1 };
      } catch (err) {
        // A conflict only means our copy is old: retry, without failing the budget safe.
        if (isConflict(err)) throw err;
        if (isNotFound(err)) return undefined;
        // Fail safe (upstream's failSafe): no disruption allowed, SyncFailed saying why. Once
        // written, the budget waits for the next change to it or its pods, as upstream's does;
        // the failure is reported when the status starts saying so, not on every retry.
        const safe = failSafeStatus(pdb, err, ctx.clock.now());
        if (!safe) return undefined;
        ctx.onError(COMPONENT, new Error(`failed to sync PodDisruptionBudget ${key}: ${err instanceof Error ? err.message : String(err)}`));
        await writeStatus(pdb, safe);
        return undefined;
      }
    },
  });
  const enqueue = (pdb: PodDisruptionBudget) => queue.add(`${pdb.metadata.namespace}/${pdb.metadata.name}`);
  const enqueueFor = (pod: Pod) => {
    const budgets = budgetsFor(pod);
    if (budgets.length > 1) {
      events.event(pod, 'Warning', 'MultiplePodDisruptionBudgets', `Pod "${pod.metadata.namespace}"/"${pod.metadata.name}" matches multiple PodDisruptionBudgets.  Chose "${budgets[0]!.metadata.name}" arbitrarily.`);
    }
    // Upstream syncs only the first; every budget selecting the pod counts it, so each is synced here.
    for (const b of budgets) enqueue(b);
  };

  const synced = Promise.all([pdbs.waitForSync(), pods.waitForSync(), scalesSynced()]).then(() => {
    pdbs.addHandler({ add: enqueue, update: (_old, pdb) => enqueue(pdb), delete: enqueue });
    pods.addHandler({
      add: (pod) => { enqueueFor(pod); staleConditions.podChanged(pod); },
      update: (old, pod) => {
        enqueueFor(pod);
        // Labels changed: the budgets of the old labels lose a pod.
        if (!sameLabels(old.metadata.labels, pod.metadata.labels)) for (const b of budgetsFor(old)) enqueue(b);
        staleConditions.podChanged(pod);
      },
      delete: enqueueFor,
    });
  });
  return { synced, stop: () => { queue.stop(); staleConditions.stop(); } };
}
