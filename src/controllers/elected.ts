/**
 * Runs components only while this process holds a leader Lease, so several servers (or
 * a server and a `skiff controller-manager`) can point at one cluster and exactly one
 * runs the controllers. Leadership lost → the components stop; won again → they start
 * afresh (new informers, new caches), as upstream components restart after losing it.
 */
import type { Client } from '../client/client.js';
import type { Clock } from '../client/clock.js';
import { LeaderElector } from '../client/leader-election.js';
import { resources } from '../client/resources.js';

export interface ElectedOptions {
  client: Client;
  /** Lease `kube-system/<leaseName>`. */
  leaseName: string;
  /** Unique per candidate, and stable across restarts of the same one, so a restarted server takes its own lease back at once. */
  identity: string;
  clock?: Clock;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  start(): Promise<{ stop(): Promise<void> }>;
  onLeading?(leading: boolean): void;
  onError?(err: unknown): void;
}

export function runElected(o: ElectedOptions): { isLeader(): boolean; stop(): Promise<void> } {
  // Start and stop calls are chained so a quick lose-then-win never runs two sets at once.
  let chain: Promise<void> = Promise.resolve();
  let running: { stop(): Promise<void> } | undefined;
  const step = (fn: () => Promise<void>) => {
    chain = chain.then(fn).catch((err: unknown) => o.onError?.(err));
  };
  const elector = new LeaderElector({
    leases: o.client.resource(resources.leases),
    namespace: 'kube-system', name: o.leaseName, identity: o.identity,
    clock: o.clock, leaseDurationMs: o.leaseDurationMs, renewDeadlineMs: o.renewDeadlineMs, retryPeriodMs: o.retryPeriodMs,
    onError: o.onError,
    onStartedLeading: () => step(async () => {
      o.onLeading?.(true);
      running ??= await o.start();
    }),
    onStoppedLeading: () => step(async () => {
      o.onLeading?.(false);
      const current = running;
      running = undefined;
      await current?.stop();
    }),
  }).start();
  return {
    isLeader: () => elector.isLeader(),
    async stop() {
      await elector.stop();
      step(async () => {
        const current = running;
        running = undefined;
        await current?.stop();
      });
      await chain;
    },
  };
}
