/**
 * Resource usage the agent reports, shaped as the kubelet's Summary API
 * (`/stats/summary`, stats/v1alpha1) that metrics pipelines read: per node and per
 * container, cumulative CPU (`usageCoreNanoSeconds`), the CPU rate over the last sampling
 * window (`usageNanoCores`) and the working set. Sampled every few seconds, as cAdvisor's
 * housekeeping does; a container seen once has no rate yet and is left out.
 */
import type { Pod } from '../../api/objects/index.js';
import type { Clock } from '../../client/clock.js';
import type { Informer } from '../../client/informer.js';
import { hostUsage } from '../runtime/process/proc-stats.js';
import type { ContainerStatus, Runtime } from '../runtime/types.js';

interface Sample {
  cpuNanos: bigint;
  memoryBytes: number;
  at: bigint;
}

interface Series {
  last: Sample;
  rateNanoCores?: number;
}

export interface CpuMemory {
  cpu: { time: string; usageNanoCores: number; usageCoreNanoSeconds: number };
  memory: { time: string; workingSetBytes: number; usageBytes: number };
}

export interface Summary {
  node: { nodeName: string } & CpuMemory;
  pods: Array<{ podRef: { name: string; namespace: string; uid: string }; containers: Array<{ name: string } & CpuMemory> } & CpuMemory>;
}

const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();

function advance(series: Series | undefined, sample: Sample): Series {
  if (!series || sample.at <= series.last.at) return { last: sample, rateNanoCores: series?.rateNanoCores };
  const cpu = sample.cpuNanos >= series.last.cpuNanos ? sample.cpuNanos - series.last.cpuNanos : 0n;
  return { last: sample, rateNanoCores: Number((cpu * 1_000_000_000n) / (sample.at - series.last.at)) };
}

function cpuMemory(s: Series): CpuMemory {
  const time = iso(s.last.at);
  return {
    cpu: { time, usageNanoCores: s.rateNanoCores ?? 0, usageCoreNanoSeconds: Number(s.last.cpuNanos) },
    memory: { time, workingSetBytes: s.last.memoryBytes, usageBytes: s.last.memoryBytes },
  };
}

export class StatsCollector {
  private node: Series | undefined;
  private readonly containers = new Map<string, Series>();
  private readonly stopping = new AbortController();

  constructor(private readonly o: { runtime: Runtime; clock: Clock; nodeName: string; intervalMs?: number; onError(err: unknown): void }) {
    void this.loop();
  }

  /** One sample of the node and every running container. */
  async sample(): Promise<void> {
    const now = BigInt(this.o.clock.now().getTime()) * 1_000_000n;
    const host = hostUsage();
    this.node = advance(this.node, { ...host, at: now });
    const stats = await this.o.runtime.listContainerStats();
    for (const [id, s] of stats) this.containers.set(id, advance(this.containers.get(id), { cpuNanos: s.cpuNanos, memoryBytes: s.memoryBytes, at: s.timestamp }));
    for (const id of this.containers.keys()) if (!stats.has(id)) this.containers.delete(id);
  }

  /** The Summary of this node's pods as the informer has them. */
  async summary(pods: Informer<Pod>): Promise<Summary> {
    if (!this.node) await this.sample();
    const instances = await this.o.runtime.listContainers();
    const byPod = new Map<string, ContainerStatus[]>();
    for (const i of instances) {
      if (i.state !== 'running') continue;
      const uid = i.labels['io.kubernetes.pod.uid'] ?? '';
      byPod.set(uid, [...(byPod.get(uid) ?? []), i]);
    }
    const out: Summary = { node: { nodeName: this.o.nodeName, ...cpuMemory(this.node!) }, pods: [] };
    for (const pod of pods.list()) {
      const running = byPod.get(pod.metadata.uid ?? '') ?? [];
      const containers = running.flatMap((i) => {
        const series = this.containers.get(i.id);
        return series?.rateNanoCores === undefined ? [] : [{ name: i.name, ...cpuMemory(series) }];
      });
      if (!containers.length) continue;
      const total = containers.reduce((t, c) => ({
        cpu: { time: c.cpu.time, usageNanoCores: t.cpu.usageNanoCores + c.cpu.usageNanoCores, usageCoreNanoSeconds: t.cpu.usageCoreNanoSeconds + c.cpu.usageCoreNanoSeconds },
        memory: { time: c.memory.time, workingSetBytes: t.memory.workingSetBytes + c.memory.workingSetBytes, usageBytes: t.memory.usageBytes + c.memory.usageBytes },
      }), { cpu: { time: '', usageNanoCores: 0, usageCoreNanoSeconds: 0 }, memory: { time: '', workingSetBytes: 0, usageBytes: 0 } });
      out.pods.push({ podRef: { name: pod.metadata.name!, namespace: pod.metadata.namespace!, uid: pod.metadata.uid! }, containers, ...total });
    }
    return out;
  }

  stop(): void {
    this.stopping.abort();
  }

  private async loop(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.sample();
      } catch (err) {
        this.o.onError(err);
      }
      await this.o.clock.sleep(this.o.intervalMs ?? 5_000, this.stopping.signal);
    }
  }
}
