/**
 * `GET /containerLogs/{namespace}/{pod}/{container}`: the kubelet's getContainerLogs. The
 * query is decoded as a v1 PodLogOptions and validated, with the kubelet's answers to a
 * bad one (400 `Unable to decode query.`, 422 `Invalid request.`); the `LogSource` names
 * the file or refuses with the kubelet's status and message; the log is then streamed,
 * chunked, each piece written as soon as it is read (what `kubectl logs -f` follows).
 */
import type { ServerResponse } from 'node:http';
import { stat } from 'node:fs/promises';
import { parseTimestampNanos, readContainerLogs, type LogReadOptions } from '../logs/reader.js';

export class LogLookupError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface LogSource {
  /**
   * The log of a container of a pod on this node; `previous`: its last terminated instance.
   * Throws LogLookupError with the kubelet's status and message when there is none (404
   * `pod "x" does not exist`, 400 `container "c" in pod "x" is waiting to start: …`, …).
   */
  containerLog(namespace: string, pod: string, container: string, previous: boolean): Promise<{ path: string; isRunning(): boolean }>;
}

class QueryError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** The query as the kubelet decodes (apimachinery's query conversions) and validates (ValidatePodLogOptions) it. */
export function decodeLogQuery(q: URLSearchParams, nowMs = Date.now()): LogReadOptions & { previous: boolean } {
  const undecodable = () => new QueryError(400, '{"message": "Unable to decode query."}');
  const int = (name: string): number | undefined => {
    let raw = q.get(name);
    // The kubelet's old `tail` parameter, `all` meaning every line.
    if (name === 'tailLines' && q.get('tail')) raw = q.get('tail') === 'all' ? null : q.get('tail');
    if (raw === null) return undefined;
    if (!/^[+-]?\d+$/.test(raw)) throw undecodable();
    return Number(raw);
  };
  // A present boolean is true unless it reads `0` or `false`.
  const flag = (name: string) => {
    const raw = q.get(name);
    return raw !== null && raw !== '0' && raw.toLowerCase() !== 'false';
  };
  const tailLines = int('tailLines');
  const limitBytes = int('limitBytes');
  const sinceSeconds = int('sinceSeconds');
  const sinceTimeRaw = q.get('sinceTime');
  let sinceTimeMs: number | undefined;
  if (sinceTimeRaw !== null) {
    sinceTimeMs = RFC3339.test(sinceTimeRaw) ? Date.parse(sinceTimeRaw) : NaN;
    if (Number.isNaN(sinceTimeMs)) throw undecodable();
  }
  const invalid = (tailLines !== undefined && tailLines < 0) || (limitBytes !== undefined && limitBytes < 1)
    || (sinceSeconds !== undefined && (sinceTimeRaw !== null || sinceSeconds < 1));
  if (invalid) throw new QueryError(422, '{"message": "Invalid request."}');
  let sinceNanos: bigint | undefined;
  if (sinceSeconds !== undefined) sinceNanos = BigInt(nowMs - sinceSeconds * 1000) * 1_000_000n;
  if (sinceTimeRaw !== null) sinceNanos = parseTimestampNanos(sinceTimeRaw);
  return { follow: flag('follow'), previous: flag('previous'), timestamps: flag('timestamps'), tailLines, limitBytes, sinceNanos };
}

/** A plain-text refusal, or a cut connection when the answer had already begun. */
export function fail(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(message);
}

export async function serveContainerLogs(res: ServerResponse, url: URL, logs: LogSource): Promise<void> {
  const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (!m) return fail(res, 404, 'not found');
  const [namespace, pod, container] = m.slice(1).map(decodeURIComponent) as [string, string, string];
  let options;
  let found;
  try {
    options = decodeLogQuery(url.searchParams);
    found = await logs.containerLog(namespace, pod, container, options.previous);
    // The kubelet fails before answering when the file is gone (resolving its symlinks); so do we, rather than send an empty 200.
    await stat(found.path).catch((err: NodeJS.ErrnoException) => {
      throw new LogLookupError(400, `failed to try resolving symlinks in path "${found!.path}": lstat ${found!.path}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.message}`);
    });
  } catch (err) {
    if (err instanceof QueryError || err instanceof LogLookupError) return fail(res, err.status, err.message);
    throw err;
  }
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  // Backpressure: a client reading slowly holds the reader, rather than the log piling up in memory.
  const sink = (chunk: Buffer): void | Promise<void> => {
    if (res.write(chunk)) return;
    return new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };
  await readContainerLogs(found.path, options, sink, { isRunning: found.isRunning, signal: abort.signal }).catch((err: NodeJS.ErrnoException) => {
    // A log file that vanished meanwhile (pod removed) ends the stream; anything else is said in it, the status being sent.
    if (err.code !== 'ENOENT') res.write(`\nerror reading logs: ${err.message}\n`);
  });
  res.end();
}
