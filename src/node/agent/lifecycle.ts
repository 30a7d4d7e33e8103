/**
 * Container lifecycle hooks as the kubelet runs them (kubelet/lifecycle/handlers.go,
 * kuberuntime_container.go):
 * - postStart runs right after the start; while it runs the pod worker waits. A failure
 *   is a `FailedPostStartHook` event, the container is killed, and it waits with
 *   `PostStartHookError` until its restart.
 * - preStop runs before SIGTERM, inside the grace period: what it takes is taken from the
 *   grace left for the container, which always keeps at least 2 s. A failure is a
 *   `FailedPreStopHook` event; the stop goes on either way.
 * Handlers: exec in the container, httpGet against the pod, or sleep.
 */
import type { Container, Pod } from '../../api/objects/index.js';
import type { Clock } from '../../client/clock.js';
import type { EventRecorder } from '../../controllers/runtime/events.js';
import type { Runtime } from '../runtime/types.js';
import { httpProbe } from './probes.js';

type Obj = Record<string, unknown>;

/** Upstream's minimumGracePeriodInSeconds. */
const MINIMUM_GRACE_SECONDS = 2;

export interface HookContext {
  runtime: Runtime;
  events: EventRecorder;
  clock: Clock;
  /** The pod's address: httpGet hooks without a host go there. */
  podIP(pod: Pod): string;
}

export class PostStartHookError extends Error {}

/** upstream format.Pod: `name_namespace(uid)`. */
function podRef(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

function handlerOf(container: Container, hook: 'postStart' | 'preStop'): Obj | undefined {
  const lifecycle = container.lifecycle as Obj | undefined;
  return lifecycle?.[hook] as Obj | undefined;
}

/** Runs one handler; resolves with the failure message, or undefined when it succeeded. */
async function runHandler(handler: Obj, pod: Pod, container: Container, id: string, ctx: HookContext, signal: AbortSignal): Promise<string | undefined> {
  const where = `for Container ${JSON.stringify(container.name)} in Pod ${JSON.stringify(podRef(pod))}`;
  if (handler.exec) {
    const command = ((handler.exec as Obj).command as string[] | undefined) ?? [];
    try {
      const r = await ctx.runtime.execSync(id, command, 0);
      if (r.exitCode === 0) return undefined;
      const output = Buffer.concat([r.stdout, r.stderr]).toString('utf8');
      return `Exec lifecycle hook ([${command.join(' ')}]) ${where} failed - error: command '${command.join(' ')}' exited with ${r.exitCode}: ${output}, message: ${JSON.stringify(output)}`;
    } catch (err) {
      return `Exec lifecycle hook ([${command.join(' ')}]) ${where} failed - error: ${(err as Error).message}, message: ""`;
    }
  }
  if (handler.httpGet) {
    const h = handler.httpGet as Obj;
    try {
      // Upstream's lifecycle HTTP client times out after 10 s... of its own; the grace period bounds preStop anyway.
      const result = await httpProbe(h, container, 10, ctx.podIP(pod));
      return result.ok ? undefined : `HTTP lifecycle hook (${typeof h.path === 'string' ? h.path : ''}) ${where} failed - error: ${result.output}`;
    } catch (err) {
      return `HTTP lifecycle hook (${typeof h.path === 'string' ? h.path : ''}) ${where} failed - error: ${(err as Error).message}`;
    }
  }
  if (handler.sleep) {
    const seconds = Number((handler.sleep as Obj).seconds ?? 0);
    await ctx.clock.sleep(seconds * 1000, signal);
    return undefined;
  }
  return 'Cannot run handler: invalid handler';
}

/** Runs the container's postStart hook, if any; on failure reports, kills the container and throws PostStartHookError. */
export async function runPostStart(pod: Pod, container: Container, id: string, graceSeconds: number, ctx: HookContext): Promise<void> {
  const handler = handlerOf(container, 'postStart');
  if (!handler) return;
  const failure = await runHandler(handler, pod, container, id, ctx, new AbortController().signal);
  if (failure === undefined) return;
  ctx.events.event(pod, 'Warning', 'FailedPostStartHook', failure);
  ctx.events.event(pod, 'Normal', 'Killing', 'FailedPostStartHook');
  await ctx.runtime.stopContainer(id, graceSeconds);
  throw new PostStartHookError(failure);
}

/**
 * Stops a running container as the kubelet's killContainer does: its preStop hook within
 * the grace period, then SIGTERM with the grace left (at least 2 s), then SIGKILL.
 */
export async function killContainer(pod: Pod, container: Container | undefined, id: string, graceSeconds: number, ctx: HookContext): Promise<void> {
  const handler = container && handlerOf(container, 'preStop');
  let grace = graceSeconds;
  if (handler && container && grace > 0) {
    const started = ctx.clock.now().getTime();
    const deadline = new AbortController();
    const hook = runHandler(handler, pod, container, id, ctx, deadline.signal).then((failure) => ({ failure }));
    // A hook still running when the grace period is up is left behind (upstream only logs it).
    const timeout = ctx.clock.sleep(grace * 1000, deadline.signal).then(() => ({ failure: undefined }));
    const outcome = await Promise.race([hook, timeout]);
    deadline.abort();
    if (outcome.failure !== undefined) ctx.events.event(pod, 'Warning', 'FailedPreStopHook', outcome.failure);
    grace -= Math.floor((ctx.clock.now().getTime() - started) / 1000);
  }
  if (graceSeconds > 0 && grace < MINIMUM_GRACE_SECONDS) grace = MINIMUM_GRACE_SECONDS;
  await ctx.runtime.stopContainer(id, grace);
}
