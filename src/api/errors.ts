/**
 * Errors named after Kubernetes status reasons. Components throw these; only the HTTP
 * edge turns them into a `Status` body and code (see apimachinery's api/errors).
 */
import type { FieldError } from './types.js';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: Array<{ reason?: string; message?: string; field?: string }>;
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = reason || 'StatusError';
  }

  toStatus(): Status {
    const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, code: this.code };
    if (this.details) status.details = this.details;
    return status;
  }
}

/** `resource` is the plural, qualified with the group when there is one (`deployments.apps`). */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export class NotFound extends StatusError {
  constructor(resource: string, group: string, name: string) {
    super(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, { name, group: group || undefined, kind: resource });
  }
}

export class AlreadyExists extends StatusError {
  constructor(resource: string, group: string, name: string) {
    super(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, { name, group: group || undefined, kind: resource });
  }
}

export class Conflict extends StatusError {
  constructor(resource: string, group: string, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again', causes?: StatusDetails['causes']) {
    super(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`, { name, group: group || undefined, kind: resource, causes });
  }
}

export class Invalid extends StatusError {
  constructor(kind: string, group: string, name: string, readonly errors: FieldError[]) {
    // The message repeats each distinct error once (upstream's ErrorList.ToAggregate); causes keep them all.
    const list = [...new Set(errors.map((e) => `${e.field}: ${e.message}`))];
    const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    super(422, 'Invalid', `${kind}${group ? '.' + group : ''} "${name}" is invalid: ${summary}`, {
      name,
      group: group || undefined,
      kind,
      causes: errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field })),
    });
  }
}

export class BadRequest extends StatusError {
  constructor(message: string) {
    super(400, 'BadRequest', message);
  }
}

export class Gone extends StatusError {
  /** Upstream uses reason Expired for watch/list of a compacted resourceVersion. */
  constructor(message: string, reason: 'Expired' | 'Gone' = 'Expired') {
    super(410, reason, message);
  }
}

export class Forbidden extends StatusError {
  constructor(message: string, details?: StatusDetails) {
    super(403, 'Forbidden', message, details);
  }
}

export class Unauthorized extends StatusError {
  constructor(message = 'Unauthorized') {
    super(401, 'Unauthorized', message);
  }
}

export class MethodNotAllowed extends StatusError {
  constructor(message: string) {
    super(405, 'MethodNotAllowed', message);
  }
}

export class NotAcceptable extends StatusError {
  constructor(message: string) {
    super(406, 'NotAcceptable', message);
  }
}

export class UnsupportedMediaType extends StatusError {
  /** Upstream's message names what is accepted, not what was sent. */
  constructor(_contentType?: string) {
    super(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
  }
}

export class RequestEntityTooLarge extends StatusError {
  constructor(limit: number) {
    super(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
  }
}

export class TooManyRequests extends StatusError {
  constructor(message: string, retryAfterSeconds?: number) {
    super(429, 'TooManyRequests', message, retryAfterSeconds ? { retryAfterSeconds } : undefined);
  }
}

export class InternalError extends StatusError {
  constructor(message: string) {
    super(500, 'InternalError', `Internal error occurred: ${message}`);
  }
}

export class ServiceUnavailable extends StatusError {
  constructor(message: string) {
    super(503, 'ServiceUnavailable', message);
  }
}

export function isStatusError(err: unknown): err is StatusError {
  return err instanceof StatusError;
}

export class Timeout extends StatusError {
  constructor(message: string, retryAfterSeconds?: number) {
    super(504, 'Timeout', message, retryAfterSeconds ? { retryAfterSeconds } : undefined);
  }
}
