/**
 * How the client reaches an API server. One interface, so a component runs the same
 * whether it talks HTTPS to another process (https.ts) or, later, calls the API server
 * in its own process directly (no HTTP, no JSON re-encoding; see the architecture).
 */

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Of the body; JSON by default (patches name their own). */
  contentType?: string;
}

export interface TransportResponse {
  status: number;
  /** The decoded JSON body. */
  body: unknown;
  /** `Warning` headers the server sent (deprecations, unknown fields). */
  warnings: string[];
}

export interface WatchEventLine {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

export interface WatchHandlers {
  onEvent(event: WatchEventLine): void;
  /** The stream ended: normally (server timeout; `err` undefined) or with a transport error. */
  onEnd(err?: Error): void;
}

export interface WatchHandle {
  stop(): void;
}

export interface Transport {
  /** Resolves with any HTTP answer; callers turn non-2xx into ApiErrors. Rejects only when no answer came. */
  request(request: TransportRequest): Promise<TransportResponse>;
  /**
   * Opens a watch (`watch=1` is added). Resolves once the server accepted it; a refusal
   * (e.g. 410 for a compacted resourceVersion) rejects with its ApiError.
   */
  watch(request: Omit<TransportRequest, 'method' | 'body' | 'contentType'>, handlers: WatchHandlers): Promise<WatchHandle>;
  close(): void;
}

/** `?a=1&b=x` from a query record (undefined values left out), or ''. */
export function queryString(query: TransportRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}
