/**
 * Decodes Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`),
 * which kubectl 1.32+ typed clients send for built-in kinds, into the JSON model.
 *
 * Body layout (apimachinery runtime/serializer/protobuf): the magic `k8s\0`, then a
 * `runtime.Unknown` {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding,
 * 4 contentType}; `raw` is the gogo message named by typeMeta.
 */
import { BadRequest, StatusError } from '../../api/errors.js';
import type { KObject } from '../../api/types.js';
import { ProtobufDecoder, indexMessages } from './decode.js';
import { MESSAGES } from './descriptors.generated.js';
import { KIND_MESSAGES } from './kinds.js';
import { WireError, WireReader } from './wire.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from('k8s\0', 'latin1');

// Built once from constant tables and never mutated afterwards.
const decoder = new ProtobufDecoder(indexMessages(MESSAGES));

export interface ProtobufEnvelope {
  apiVersion: string;
  kind: string;
  raw: Buffer;
  contentEncoding: string;
  contentType: string;
}

/** The protobuf message name for (apiVersion, kind), if this server can decode it. */
export function protobufMessageFor(apiVersion: string, kind: string): string | undefined {
  return KIND_MESSAGES[`${apiVersion}:${kind}`];
}

/** Splits the `k8s\0` + runtime.Unknown envelope; throws BadRequest if it is malformed. */
export function readProtobufEnvelope(body: Buffer): ProtobufEnvelope {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BadRequest('the body of the request is not a Kubernetes protobuf object: missing the "k8s\\x00" prefix');
  }
  const env: ProtobufEnvelope = { apiVersion: '', kind: '', raw: Buffer.alloc(0), contentEncoding: '', contentType: '' };
  try {
    const r = new WireReader(body, MAGIC.length);
    while (!r.done) {
      const { field, wire } = r.tag();
      if (wire !== 2) {
        r.skip(wire);
        continue;
      }
      const { start, end } = r.span();
      if (field === 1) {
        const tm = new WireReader(body, start, end);
        while (!tm.done) {
          const t = tm.tag();
          if (t.wire !== 2) tm.skip(t.wire);
          else {
            const s = tm.span();
            if (t.field === 1) env.apiVersion = body.toString('utf8', s.start, s.end);
            else if (t.field === 2) env.kind = body.toString('utf8', s.start, s.end);
          }
        }
      } else if (field === 2) env.raw = body.subarray(start, end);
      else if (field === 3) env.contentEncoding = body.toString('utf8', start, end);
      else if (field === 4) env.contentType = body.toString('utf8', start, end);
    }
  } catch (err) {
    if (err instanceof WireError) throw new BadRequest(`unable to decode the protobuf envelope: ${err.message}`);
    throw err;
  }
  return env;
}

/**
 * Decodes a protobuf request body into the object kubectl would have sent as JSON.
 * Throws a 415 StatusError for kinds without a descriptor and BadRequest for malformed input.
 */
export function decodeProtobufObject(body: Buffer): KObject {
  const env = readProtobufEnvelope(body);
  const gvk = `${env.apiVersion}, Kind=${env.kind}`;
  if (env.contentEncoding) {
    throw new StatusError(415, 'UnsupportedMediaType', `protobuf body for ${gvk} uses content encoding "${env.contentEncoding}", which is not supported`);
  }
  if (env.contentType && env.contentType !== PROTOBUF_MEDIA_TYPE) {
    throw new StatusError(415, 'UnsupportedMediaType', `protobuf body for ${gvk} wraps content type "${env.contentType}", which is not supported`);
  }
  const message = protobufMessageFor(env.apiVersion, env.kind);
  if (!message) {
    throw new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - protobuf is not supported for kind "${env.kind}" in version "${env.apiVersion}"; send it as application/json`,
    );
  }
  let decoded: unknown;
  try {
    decoded = decoder.message(message, env.raw);
  } catch (err) {
    if (err instanceof WireError) throw new BadRequest(`unable to decode protobuf ${gvk}: ${err.message}`);
    throw err;
  }
  return { kind: env.kind, apiVersion: env.apiVersion, ...(decoded as Record<string, unknown>) };
}
