/**
 * The HTTP edge: reading bounded bodies, decoding them by media type, negotiating the
 * response form, and writing objects and Status errors. Everything below this layer
 * speaks objects and StatusErrors, never HTTP.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequest, InternalError, NotAcceptable, RequestEntityTooLarge, StatusError, UnsupportedMediaType, type Status } from '../api/errors.js';
import { loadYaml } from './yaml.js';

/** Upstream's limit for request bodies (apiserver MaxRequestBodyBytes default is 3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Deeper documents are rejected before anything recursive touches them. */
export const MAX_DEPTH = 200;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      reject(new RequestEntityTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new RequestEntityTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => { if (!failed) resolve(Buffer.concat(chunks)); });
    req.on('error', (err) => { if (!failed) { failed = true; reject(err); } });
  });
}

/**
 * Checks, iteratively (so hostile nesting can't overflow a recursive walker later), that a
 * decoded body is plain JSON data no deeper than `max`: only objects, arrays, strings,
 * booleans, null and finite numbers (YAML can express more: binary, infinities), and no
 * `__proto__` member, which JavaScript code that copies or merges objects would treat as
 * the prototype instead of data (a patch could otherwise change Object.prototype itself).
 */
export function checkDepth(value: unknown, max = MAX_DEPTH): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new BadRequest(`the request body contains a number JSON cannot represent: ${v}`);
      continue;
    }
    if (typeof v !== 'object' || (!Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null)) {
      throw new BadRequest('the request body contains a value that is not JSON data');
    }
    if (d > max) throw new BadRequest(`the request body is nested deeper than ${max} levels`);
    if (Array.isArray(v)) {
      for (const child of v) stack.push([child, d + 1]);
    } else {
      if (Object.prototype.hasOwnProperty.call(v, '__proto__')) throw new BadRequest('the request body contains the reserved member name "__proto__"');
      for (const child of Object.values(v)) stack.push([child, d + 1]);
    }
  }
}

/**
 * A cheap scan of YAML flow collections (`[[[…` / `{a: {a: …`) before parsing, so hostile
 * nesting is refused without the parser recursing thousands of frames deep. Block nesting
 * needs indentation that grows with depth, which the body limit keeps shallow.
 */
function checkYamlFlowDepth(body: Buffer, max = MAX_DEPTH): void {
  let depth = 0;
  let quote = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === 0x5c && quote === 0x22) i++; // backslash escape inside "…"
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x23 && (i === 0 || body[i - 1] === 0x20 || body[i - 1] === 0x0a || body[i - 1] === 0x09)) {
      while (i < body.length && body[i] !== 0x0a) i++; // a comment runs to the end of the line
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) throw new BadRequest(`the request body is nested deeper than ${max} levels`);
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export type ProtobufDecoder = (body: Buffer) => unknown | Promise<unknown>;

/** Decodes a request body as JSON, YAML or Kubernetes protobuf (when a decoder is given). */
export async function decodeBody(body: Buffer, contentType: string | undefined, protobuf?: ProtobufDecoder): Promise<unknown> {
  const type = mediaType(contentType);
  // A Content-Type that does not parse (`;;;`) is no media type at all; only its absence means JSON.
  if (type === '' && contentType !== undefined && contentType.trim() !== '') throw new UnsupportedMediaType(contentType);
  let value: unknown;
  if (type === 'application/vnd.kubernetes.protobuf') {
    if (!protobuf) throw new UnsupportedMediaType(type);
    value = await protobuf(body);
  } else if (type === 'application/yaml' || type === 'application/apply-patch+yaml') {
    checkYamlFlowDepth(body);
    const { parse: parseYaml } = await loadYaml();
    try {
      // Known tags (!!binary, !!set, !!timestamp…) would produce values JSON has no form for; as text they are plain data.
      value = parseYaml(body.toString('utf8'), { maxAliasCount: 100, uniqueKeys: true, resolveKnownTags: false });
    } catch (err) {
      throw new BadRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  } else if (type === '' || type === 'application/json') {
    const text = body.toString('utf8');
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new BadRequest(`the body of the request could not be decoded as JSON: ${(err as Error).message}`);
    }
  } else {
    throw new UnsupportedMediaType(type);
  }
  checkDepth(value);
  return value;
}

export interface Negotiated {
  /** 'json' | 'yaml' | 'table' | 'partial' (PartialObjectMetadata) */
  form: 'json' | 'yaml' | 'table' | 'partial';
  contentType: string;
}

/**
 * Picks the response form from Accept. JSON is our only object encoding; protobuf-only
 * clients get 406 (kubectl always lists JSON as a fallback).
 */
export function negotiate(accept: string | undefined): Negotiated {
  if (!accept) return { form: 'json', contentType: 'application/json' };
  let fallback: Negotiated | undefined;
  for (const raw of accept.split(',')) {
    const [type, ...params] = raw.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const eq = kv.indexOf('=');
      if (eq > 0) p[kv.slice(0, eq).trim().toLowerCase()] = kv.slice(eq + 1).trim();
    }
    const t = type.toLowerCase();
    if (t === 'application/json') {
      if (p.as === 'Table' && p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1')) return { form: 'table', contentType: 'application/json' };
      if ((p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') && p.g === 'meta.k8s.io') return { form: 'partial', contentType: 'application/json' };
      if (p.as) continue; // a transformation we don't offer; try the next alternative
      fallback ??= { form: 'json', contentType: 'application/json' };
    } else if (t === 'application/yaml') {
      fallback ??= { form: 'yaml', contentType: 'application/yaml' };
    } else if (t === '*/*' || t === 'application/*') {
      fallback ??= { form: 'json', contentType: 'application/json' };
    }
  }
  if (fallback) return fallback;
  throw new NotAcceptable(`only the following media types are accepted: application/json, application/yaml`);
}

export function writeJson(res: ServerResponse, code: number, body: unknown, headers?: Record<string, string>): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', ...headers });
  res.end(text);
}

export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  if (err instanceof RangeError) return new BadRequest(`the request could not be processed: ${err.message}`);
  return new InternalError((err as Error)?.message ?? String(err));
}

export function statusBody(err: StatusError): Status {
  return err.toStatus();
}

export function writeStatus(res: ServerResponse, err: StatusError): void {
  const headers: Record<string, string> = {};
  if (err.details?.retryAfterSeconds) headers['Retry-After'] = String(err.details.retryAfterSeconds);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeJson(res, err.code, err.toStatus(), headers);
}

/** A `Warning: 299 - "…"` header value, as client-go expects. */
export function warningHeader(text: string): string {
  // Header values are bytes: the quoted text goes out as UTF-8 (as Go writes it), with DEL escaped like the other controls.
  const quoted = JSON.stringify(text).replace(/\x7f/g, '\\u007f');
  return `299 - ${Buffer.from(quoted, 'utf8').toString('latin1')}`;
}
