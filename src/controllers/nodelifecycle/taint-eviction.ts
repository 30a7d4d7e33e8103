/**
 * The NoExecute taint manager (upstream's taint-eviction-controller): a pod on a node
 * with NoExecute taints it does not tolerate is deleted at once; one that tolerates them
 * for `tolerationSeconds` is deleted when the shortest of those runs out (measured on
 * the controller's clock from when the taint was first seen); one that tolerates them
 * forever stays. Removing the taints (or the pod gaining tolerations) cancels a pending
 * eviction. Before deleting, the pod gets the DisruptionTarget condition, as upstream.
 */
import type { Node, Pod, Taint } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import type { ResourceClient } from '../../client/client.js';
import { isNotFound } from '../../client/errors.js';
import type { Informer } from '../../client/informer.js';
import { deepEqual } from '../../apiserver/patch/json.js';
import type { ControllerContext } from '../runtime/context.js';
import { setCondition } from '../runtime/pods.js';
import { matchingTolerations, minTolerationMs } from './taints.js';

export const TAINT_EVICTION_COMPONENT = 'taint-eviction-controller';
const DELETE_ATTEMPTS = 5;

interface Scheduled {
  createdAt: number;
  fireAt: number;
  /** Absent once the eviction has run: the pod is not evicted twice. */
  abort?: AbortController;
}

const noExecuteTaints = (node: Node | undefined): Taint[] => (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
const podKey = (pod: Pod) => `${pod.metadata.namespace}/${pod.metadata.name}`;

export class TaintEvictionManager {
  private readonly tainted = new Map<string, Taint[]>();
  private readonly scheduled = new Map<string, Scheduled>();
  private stopped = false;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly nodes: Informer<Node>,
    private readonly pods: Informer<Pod>,
    private readonly podsOnNode: (node: string) => Pod[],
    private readonly podClient: ResourceClient<Pod>,
  ) {}

  nodeChanged(old: Node | undefined, node: Node | undefined): void {
    if (old && node && deepEqual(noExecuteTaints(old), noExecuteTaints(node))) return;
    const name = (node ?? old)!.metadata.name!;
    const current = this.nodes.get(name);
    const taints = noExecuteTaints(current);
    if (taints.length) this.tainted.set(name, taints);
    else this.tainted.delete(name);
    const now = this.ctx.clock.now().getTime();
    for (const pod of this.podsOnNode(name)) {
      if (!taints.length) this.cancel(podKey(pod));
      else this.processPod(pod, taints, now);
    }
  }

  podChanged(old: Pod | undefined, pod: Pod | undefined): void {
    if (old && pod && old.spec.nodeName === pod.spec.nodeName && deepEqual(old.spec.tolerations ?? [], pod.spec.tolerations ?? [])) return;
    const key = podKey((pod ?? old)!);
    const current = this.pods.get((pod ?? old)!.metadata.name!, (pod ?? old)!.metadata.namespace);
    if (!current) {
      this.cancel(key);
      return;
    }
    const taints = current.spec.nodeName ? this.tainted.get(current.spec.nodeName) : undefined;
    if (taints) this.processPod(current, taints, this.ctx.clock.now().getTime());
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.scheduled.values()) s.abort?.abort();
    this.scheduled.clear();
  }

  private processPod(pod: Pod, taints: Taint[], now: number): void {
    const key = podKey(pod);
    const { all, used } = matchingTolerations(taints, pod.spec.tolerations ?? []);
    if (!all) {
      this.cancel(key);
      this.schedule(pod, now, now);
      return;
    }
    const min = minTolerationMs(used);
    if (min < 0) {
      this.cancel(key);
      return;
    }
    let createdAt = now;
    const existing = this.scheduled.get(key);
    if (existing) {
      // Keep counting from when the pod first came under taints it only tolerates for a while.
      createdAt = existing.createdAt;
      if (createdAt + min < now + min) return;
      this.cancel(key);
    }
    this.schedule(pod, createdAt, now + min);
  }

  private schedule(pod: Pod, createdAt: number, fireAt: number): void {
    const key = podKey(pod);
    if (this.scheduled.has(key) || this.stopped) return;
    const entry: Scheduled = { createdAt, fireAt, abort: new AbortController() };
    this.scheduled.set(key, entry);
    const wait = fireAt - this.ctx.clock.now().getTime();
    const fire = () => {
      if (entry.abort?.signal.aborted || this.stopped) return;
      entry.abort = undefined;
      void this.evict(pod.metadata.namespace!, pod.metadata.name!).catch((err: unknown) => {
        // Failed for good: forget it, so the next pod or node change tries again.
        if (this.scheduled.get(key) === entry) this.scheduled.delete(key);
        this.ctx.onError(TAINT_EVICTION_COMPONENT, err);
      });
    };
    if (wait <= 0) fire();
    else void this.ctx.clock.sleep(wait, entry.abort!.signal).then(fire);
  }

  private cancel(key: string): void {
    const entry = this.scheduled.get(key);
    if (!entry) return;
    this.scheduled.delete(key);
    if (!entry.abort) return; // already carried out: nothing to cancel
    entry.abort.abort();
    const [namespace, name] = key.split('/') as [string, string];
    this.event(namespace, name, `Cancelling deletion of Pod ${key}`);
  }

  private event(namespace: string, name: string, message: string): void {
    // Upstream refers to the pod by name only (no uid): the record outlives the pod.
    this.ctx.events(TAINT_EVICTION_COMPONENT).event({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace } }, 'Normal', 'TaintManagerEviction', message);
  }

  private async evict(namespace: string, name: string): Promise<void> {
    this.event(namespace, name, `Marking for deletion Pod ${namespace}/${name}`);
    let lastError: unknown;
    for (let attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
      try {
        await this.markAndDelete(namespace, name);
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        lastError = err;
      }
    }
    throw lastError;
  }

  private async markAndDelete(namespace: string, name: string): Promise<void> {
    const pod = await this.podClient.get(name, namespace);
    const at = metaTime(this.ctx.clock.now());
    const conditions = pod.status?.conditions ?? [];
    const target = conditions.find((c) => c.type === 'DisruptionTarget');
    if (!(target?.status === 'True' && target.reason === 'DeletionByTaintManager')) {
      const next = setCondition(conditions, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: at, lastProbeTime: null });
      await this.podClient.updateStatus({ ...pod, status: { ...pod.status, conditions: next } });
    }
    await this.podClient.delete(name, namespace);
  }
}
