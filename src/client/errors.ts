/** A non-2xx answer from the API, carrying the server's `Status` (reason, details). */

export interface StatusBody {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason?: string; message?: string; field?: string }>; retryAfterSeconds?: number };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusBody['details'],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static fromStatus(httpStatus: number, body: unknown): ApiError {
    const s = (body && typeof body === 'object' ? body : {}) as StatusBody;
    const code = typeof s.code === 'number' && s.code > 0 ? s.code : httpStatus;
    return new ApiError(code, s.reason ?? '', s.message ?? `the server answered ${httpStatus}`, s.details);
  }
}

export const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.status === 404;
export const isConflict = (err: unknown): boolean => err instanceof ApiError && err.status === 409 && err.reason === 'Conflict';
export const isAlreadyExists = (err: unknown): boolean => err instanceof ApiError && err.status === 409 && err.reason === 'AlreadyExists';
/** 410 Gone / Expired: the resourceVersion asked for is compacted away; relist. */
export const isGone = (err: unknown): boolean => err instanceof ApiError && (err.status === 410 || err.reason === 'Expired' || err.reason === 'Gone');
