/**
 * Test bed for controllers and the scheduler: a real cluster in this process running no
 * controllers of its own, a context on a fake clock, and `waitFor` to await a state the
 * informers report (watch events, not sleeps).
 */
import type { Event } from '../api/objects/index.js';
import type { KObject } from '../api/types.js';
import type { Informer } from '../client/informer.js';
import { createControllerContext, startControllers, type RunningControllers } from '../controllers/manager.js';
import type { ControllerContext } from '../controllers/runtime/context.js';
import type { Scheduler } from '../scheduler/index.js';
import { FakeClock, startInProcessCluster, type InProcessCluster } from './in-process.js';

export interface ControllerTestBed {
  env: InProcessCluster;
  ctx: ControllerContext;
  clock: FakeClock;
  running: RunningControllers;
  errors: unknown[];
  /** Present when started with `{ scheduler: true }`. */
  scheduler?: Scheduler;
  stop(): Promise<void>;
}

/**
 * A cluster with only `controllers` running, on a fake clock (starting 2026-01-01);
 * with `scheduler: true` the scheduler runs too, on the same context and clock.
 */
export async function startControllerTestBed(name: string, controllers: string[], options: { scheduler?: boolean } = {}): Promise<ControllerTestBed> {
  const env = await startInProcessCluster(name, { controllers: [], scheduler: false });
  const clock = new FakeClock();
  const errors: unknown[] = [];
  const ctx = createControllerContext({ client: env.client, clock, onError: (_c, err) => errors.push(err) });
  const running = await startControllers(ctx, controllers);
  const scheduler = options.scheduler ? (await import('../scheduler/index.js')).startScheduler(ctx) : undefined;
  await ctx.informers.synced();
  await running.synced;
  await scheduler?.synced;
  return {
    env, ctx, clock, running, errors, scheduler,
    async stop() {
      await scheduler?.stop();
      await running.stop();
      await env.stop();
    },
  };
}

/**
 * Resolves with the first object in `informer` for which `predicate` holds, checking
 * now and on every change; rejects after `timeoutMs` (a safety net, not a sleep) with
 * `what` in the message.
 */
export function waitFor<T extends KObject>(informer: Informer<T>, predicate: (obj: T, all: T[]) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let handle: { remove(): void } | undefined;
    const timer = setTimeout(() => { handle?.remove(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
    const check = (): boolean => {
      const all = informer.list();
      const hit = all.find((o) => predicate(o, all));
      if (!hit) return false;
      clearTimeout(timer);
      handle?.remove();
      resolve(hit);
      return true;
    };
    if (check()) return;
    handle = informer.addHandler({ add: () => void check(), update: () => void check(), delete: () => void check() });
  });
}

/** Resolves once `condition()` holds, re-checked on every change `informers` report. */
export function waitUntil(informers: Informer[], condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const handles: Array<{ remove(): void }> = [];
    let finished = false;
    const done = () => { finished = true; clearTimeout(timer); for (const h of handles) h.remove(); };
    const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
    const check = () => {
      if (finished) return;
      let ok = false;
      try { ok = condition(); } catch (err) { done(); reject(err); return; }
      if (ok) { done(); resolve(); }
    };
    check();
    for (const informer of informers) if (!finished) handles.push(informer.addHandler({ add: check, update: check, delete: check }));
    if (finished) for (const h of handles) h.remove();
  });
}

/** `Reason: message` of the events in `namespace` about the object `name` (of `kind`, when given), oldest first as listed. */
export function eventMessages(events: Informer<Event>, name: string, kind?: string, namespace = 'default'): string[] {
  return events.list(namespace).filter((e) => e.involvedObject.name === name && (!kind || e.involvedObject.kind === kind)).map((e) => `${e.reason}: ${e.message}`);
}
