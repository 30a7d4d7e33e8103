/**
 * Nominated pods (upstream's nominator): a pod that preempted others waits for its
 * victims to go, with `status.nominatedNodeName` naming the node. Until it is bound,
 * pods of lower or equal priority must not take the room made for it, so filters on
 * that node count it as if it were there (framework.ts).
 */
import type { PodInfo } from './types.js';

export class Nominator {
  private readonly byNode = new Map<string, Map<string, PodInfo>>();
  private readonly nodeOf = new Map<string, string>();

  nominate(info: PodInfo, node: string): void {
    this.remove(info.key);
    if (!node) return;
    let pods = this.byNode.get(node);
    if (!pods) this.byNode.set(node, (pods = new Map()));
    pods.set(info.key, info);
    this.nodeOf.set(info.key, node);
  }

  remove(key: string): void {
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const pods = this.byNode.get(node)!;
    pods.delete(key);
    if (!pods.size) this.byNode.delete(node);
  }

  nominatedNode(key: string): string | undefined {
    return this.nodeOf.get(key);
  }

  /** Pods nominated to `node`, or undefined when none (the common, fast case). */
  podsOn(node: string): Map<string, PodInfo> | undefined {
    return this.byNode.get(node);
  }

  get size(): number {
    return this.nodeOf.size;
  }
}
