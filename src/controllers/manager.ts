/**
 * The controller manager: which controllers exist, and starting a chosen set of them on
 * one context (one client, shared informers, one clock). `skiff server` runs all of them
 * in-process; `skiff controller-manager` runs them alone behind leader election.
 *
 * A controller registers here with its upstream name (kube-controller-manager's
 * `--controllers` names) and a loader, so a process loads only what it runs.
 */
import type { Client } from '../client/client.js';
import { realClock, type Clock } from '../client/clock.js';
import type { Controller, ControllerContext, ControllerSettings } from './runtime/context.js';
import { EventRecorder } from './runtime/events.js';
import { SharedInformers } from './runtime/informers.js';

export type ControllerStarter = (ctx: ControllerContext) => Controller;

/** Every controller by name; the loader resolves to its start function. */
export const CONTROLLERS: Record<string, () => Promise<ControllerStarter>> = {
  replicaset: async () => (await import('./replicaset/controller.js')).startReplicaSetController,
  replicationcontroller: async () => (await import('./replicaset/controller.js')).startReplicationControllerController,
  deployment: async () => (await import('./deployment/controller.js')).startDeploymentController,
  statefulset: async () => (await import('./statefulset/controller.js')).startStatefulSetController,
  daemonset: async () => (await import('./daemonset/controller.js')).startDaemonSetController,
  job: async () => (await import('./job/controller.js')).startJobController,
  cronjob: async () => (await import('./cronjob/controller.js')).startCronJobController,
  'ttl-after-finished': async () => (await import('./ttlafterfinished/controller.js')).startTtlAfterFinishedController,
  garbagecollector: async () => (await import('./garbagecollector/controller.js')).startGarbageCollector,
  disruption: async () => (await import('./disruption/controller.js')).startDisruptionController,
  nodelifecycle: async () => {
    const { startNodeLifecycleController } = await import('./nodelifecycle/controller.js');
    return (ctx) => startNodeLifecycleController(ctx, { nodeMonitorGracePeriodMs: ctx.settings.nodeMonitorGracePeriodMs });
  },
  nodeipam: async () => {
    const { startNodeIpamController } = await import('./nodeipam/controller.js');
    return (ctx) => startNodeIpamController(ctx, { clusterCIDR: ctx.settings.clusterCIDR, nodeCIDRMaskSize: ctx.settings.nodeCIDRMaskSize });
  },
  resourcequota: async () => (await import('./resourcequota/controller.js')).startResourceQuotaController,
  serviceaccount: async () => (await import('./serviceaccount/controller.js')).startServiceAccountController,
  'persistentvolume-binder': async () => (await import('./volume/controller.js')).startPersistentVolumeBinder,
  // Not a kube-controller-manager controller: k3s's local-path provisioner, built in (`--controllers -local-path-provisioner` leaves it out).
  'local-path-provisioner': async () => (await import('./volume/provisioner.js')).startLocalPathProvisioner,
};

export interface ContextOptions {
  client: Client;
  clock?: Clock;
  /** Reported as the events' `source.host`. */
  host?: string;
  settings?: ControllerSettings;
  onError?(component: string, err: unknown): void;
}

export function createControllerContext(o: ContextOptions): ControllerContext {
  const recorders = new Map<string, EventRecorder>();
  const onError = o.onError ?? (() => undefined);
  const clock = o.clock ?? realClock;
  return {
    client: o.client,
    settings: o.settings ?? {},
    clock,
    informers: new SharedInformers(o.client, (err) => onError('informer', err)),
    events(component) {
      let recorder = recorders.get(component);
      if (!recorder) recorders.set(component, (recorder = new EventRecorder({ client: o.client, component, host: o.host, clock, onError: (err) => onError(`${component} events`, err) })));
      return recorder;
    },
    onError,
  };
}

/** Names from a `--controllers` value: `*` is every controller, `-name` takes one away. */
export function selectControllers(spec: string[] = ['*']): string[] {
  const chosen = new Set<string>();
  for (const item of spec) {
    if (item === '*') for (const name of Object.keys(CONTROLLERS)) chosen.add(name);
    else if (item.startsWith('-')) chosen.delete(item.slice(1));
    else if (CONTROLLERS[item]) chosen.add(item);
    else throw new Error(`unknown controller "${item}" (known: ${Object.keys(CONTROLLERS).join(', ')})`);
  }
  return [...chosen];
}

export interface RunningControllers {
  names: string[];
  /** Resolves when every started controller has synced. */
  synced: Promise<void>;
  stop(): Promise<void>;
}

/** Starts the named controllers on `ctx` and then its informers. */
export async function startControllers(ctx: ControllerContext, names: string[]): Promise<RunningControllers> {
  const starters = await Promise.all(names.map((name) => CONTROLLERS[name]!()));
  const running = starters.map((start) => start(ctx));
  ctx.informers.start();
  return {
    names,
    synced: Promise.all(running.map((c) => c.synced)).then(() => undefined),
    async stop() {
      for (const [i, c] of running.entries()) {
        // A controller that does not stop is a bug; name it rather than hang silently.
        const slow = setTimeout(() => ctx.onError(names[i]!, new Error(`controller ${names[i]} has not stopped after 10 s`)), 10_000);
        await c.stop();
        clearTimeout(slow);
      }
      ctx.informers.stop();
    },
  };
}
