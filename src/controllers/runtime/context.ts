/**
 * What every controller gets: the client, shared informers, the clock, an event
 * recorder and an error sink. Controllers are started by `start<Name>Controller(ctx)`
 * and return a `Controller`; the manager (`../manager.ts`) decides which run.
 */
import type { Client } from '../../client/client.js';
import type { Clock } from '../../client/clock.js';
import type { EventRecorder } from './events.js';
import type { SharedInformers } from './informers.js';

/** Tunables named after kube-controller-manager's flags, set by `skiff server` / `skiff controller-manager`. */
export interface ControllerSettings {
  /** `--node-monitor-grace-period`: how long a node may stay silent before it is Unknown (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** `--cluster-cidr`: the range nodes' pod subnets come from (default 127.64.0.0/10, loopback). */
  clusterCIDR?: string;
  /** `--node-cidr-mask-size`: each node's pod subnet (default 24). */
  nodeCIDRMaskSize?: number;
}

export interface ControllerContext {
  client: Client;
  settings: ControllerSettings;
  informers: SharedInformers;
  clock: Clock;
  /** Events as `kube-controller-manager` / `default-scheduler` etc. (`events.for(component)`). */
  events(component: string): EventRecorder;
  onError(component: string, err: unknown): void;
}

export interface Controller {
  /** Resolves once the controller's caches are filled and it is reconciling. */
  synced?: Promise<void>;
  stop(): void | Promise<void>;
}
