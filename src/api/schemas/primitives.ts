/**
 * Definitions with a custom JSON form: times, quantities, int-or-string, raw embedded
 * objects and the meta/v1 envelopes (Patch, WatchEvent). Their shapes follow upstream's
 * OpenAPI v3 document.
 */
import type { Schema } from '../types.js';
import { frozen, obj, opaque, rawExtension, str } from './dsl.js';

const quantity: Schema = {
  description: 'A fixed-point amount with an optional suffix, e.g. 500m, 1.5, 128Mi or 1G; written as a string or a number.',
  oneOf: [{ type: 'string' }, { type: 'number' }],
};

const intOrString: Schema = {
  description: 'Either an integer or a string, e.g. a port number or a port name, or a count or a percentage.',
  format: 'int-or-string',
  'x-kubernetes-int-or-string': true,
};

export const primitiveDefinitions = frozen({
  'io.k8s.apimachinery.pkg.api.resource.Quantity': quantity,
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': intOrString,
  'io.k8s.apimachinery.pkg.runtime.RawExtension': opaque('An embedded object of any kind, kept as it was sent.'),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': str({ desc: 'A timestamp in RFC 3339 form with second precision, e.g. 2024-01-02T15:04:05Z.', format: 'date-time' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': str({ desc: 'A timestamp in RFC 3339 form with microsecond precision.', format: 'date-time' }),
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': opaque('A set of field paths in the FieldsV1 trie encoding used by managedFields.'),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': opaque('A patch body; its format depends on the request content type.'),
  'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent': obj(
    {
      type: str('ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.'),
      object: rawExtension('The object as it is after the event, or a Status for ERROR.'),
    },
    { desc: 'One event of a watch stream.', required: ['type', 'object'] },
  ),
});
