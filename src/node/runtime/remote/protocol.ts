/**
 * The wire between an agent and a runtime in another process (`skiff runtime`): the
 * Runtime interface's calls as `POST /v1/<method>` with the arguments as a JSON array and
 * the result as JSON (CRI's times are bigints: sent as `{"$n":"…"}`), container events as
 * a stream of JSON lines (`GET /v1/events`), and exec, attach and port-forward as
 * WebSocket upgrades — exec and attach with kubectl's v5 channels, port-forward as a
 * plain byte pipe.
 */

/** Calls answered with JSON; the streaming ones (exec, attach, portForward, onEvent) have their own paths. */
export const CALLS = [
  'version', 'handlers', 'conditions', 'runPodSandbox', 'stopPodSandbox', 'removePodSandbox', 'listPodSandboxes', 'podSandboxStatus', 'updateRuntimeConfig',
  'createContainer', 'startContainer', 'stopContainer', 'removeContainer', 'listContainers', 'containerStatus',
  'containerStats', 'listContainerStats', 'execSync', 'reopenContainerLog',
] as const;

export type Call = (typeof CALLS)[number];

export function encode(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return { $n: v.toString() };
    if (v instanceof Map) return { $map: [...v] };
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return { $b: Buffer.from((v as { data: number[] }).data).toString('base64') };
    }
    return v;
  });
}

export function decode<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.$n === 'string') return BigInt(o.$n);
      if (Array.isArray(o.$map)) return new Map(o.$map as Array<[unknown, unknown]>);
      if (typeof o.$b === 'string') return Buffer.from(o.$b, 'base64');
    }
    return v;
  }) as T;
}

/** A failed call: the message, and `code` so RuntimeNotFound stays recognisable. */
export interface CallError {
  message: string;
  code?: string;
}

/** exec/attach streams use kubectl's v5 channels (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize, 255 close)… */
export const STREAM_PROTOCOL = 'v5.channel.k8s.io';
export const STATUS = 3;
/** …plus this first frame: the command started (or, instead, a status with why it could not). */
export const STARTED = 254;
