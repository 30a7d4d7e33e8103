/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition. `JSONSchemaProps` is recursive and
 * refers to itself; the "or array"/"or bool" variants and arbitrary JSON values are
 * permissive because their JSON form is not a single type.
 */
import { anyValue, arr, atomicArr, bool, bytes, double, frozen, gvk, int32, int64, listMeta, mapOf, obj, objectMeta, ref, str, time, typeMeta } from './dsl.js';

const P = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
const ext = (name: string, desc?: string) => ref(`${P}.${name}`, desc);
const props = (desc?: string) => ext('JSONSchemaProps', desc);

export const apiextensionsV1Definitions = frozen({
  [`${P}.CustomResourceDefinition`]: obj({
    ...typeMeta(),
    metadata: objectMeta(),
    spec: ext('CustomResourceDefinitionSpec', 'How the custom resource is named, scoped and versioned.'),
    status: ext('CustomResourceDefinitionStatus', 'Conditions and accepted names, written by the server.'),
  }, { desc: 'Defines a new resource type served by the API server.', required: ['spec'], gvk: gvk('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition') }),
  [`${P}.CustomResourceDefinitionList`]: obj({
    ...typeMeta(),
    metadata: listMeta(),
    items: arr(ext('CustomResourceDefinition'), 'The listed objects.'),
  }, { desc: 'A list of custom resource definitions.', required: ['items'], gvk: gvk('apiextensions.k8s.io', 'v1', 'CustomResourceDefinitionList') }),
  [`${P}.CustomResourceDefinitionSpec`]: obj({
    group: str('API group of the resource, e.g. example.com.'),
    names: ext('CustomResourceDefinitionNames', 'Plural, singular, kind and short names of the resource.'),
    scope: str('Namespaced or Cluster.'),
    versions: arr(ext('CustomResourceDefinitionVersion'), { desc: 'Served versions; exactly one is the storage version.', listType: 'atomic' }),
    conversion: ext('CustomResourceConversion', 'How objects are converted between versions.'),
    preserveUnknownFields: bool('Legacy switch to keep fields not in the schema; must be false in v1.'),
  }, { desc: 'The desired shape of a custom resource type.', required: ['group', 'names', 'scope', 'versions'] }),
  [`${P}.CustomResourceDefinitionNames`]: obj({
    plural: str('Resource name used in URLs, lower case.'),
    singular: str('Singular name, lower case.'),
    shortNames: atomicArr(str(), 'Short aliases usable with kubectl.'),
    kind: str('Kind of the objects, CamelCase.'),
    listKind: str('Kind of lists; defaults to <kind>List.'),
    categories: atomicArr(str(), 'Groups the resource belongs to, such as all.'),
  }, { desc: 'Names under which the resource is served.', required: ['plural', 'kind'] }),
  [`${P}.CustomResourceDefinitionVersion`]: obj({
    name: str('Version name, e.g. v1 or v1beta1.'),
    served: bool('Whether this version is served by the REST API.'),
    storage: bool('Whether objects are stored in this version; exactly one version has it.'),
    deprecated: bool('Whether this version is deprecated; requests get a warning.'),
    deprecationWarning: str('Warning text returned to clients of a deprecated version.'),
    schema: ext('CustomResourceValidation', 'Schema used for validation, pruning and defaulting.'),
    subresources: ext('CustomResourceSubresources', 'Status and scale subresources of this version.'),
    additionalPrinterColumns: atomicArr(ext('CustomResourceColumnDefinition'), 'Extra columns shown by kubectl get.'),
    selectableFields: atomicArr(ext('SelectableField'), 'Fields usable in field selectors.'),
  }, { desc: 'One version of a custom resource.', required: ['name', 'served', 'storage'] }),
  [`${P}.CustomResourceValidation`]: obj({
    openAPIV3Schema: props('The OpenAPI v3 schema of objects of this version.'),
  }, 'Validation schema of a version.'),
  [`${P}.CustomResourceSubresources`]: obj({
    status: ext('CustomResourceSubresourceStatus', 'Enables the /status subresource.'),
    scale: ext('CustomResourceSubresourceScale', 'Enables the /scale subresource.'),
  }, 'Subresources served for a version.'),
  [`${P}.CustomResourceSubresourceStatus`]: obj({}, 'Marker object: enables the status subresource.'),
  [`${P}.CustomResourceSubresourceScale`]: obj({
    specReplicasPath: str('JSON path of the desired replicas, e.g. .spec.replicas.'),
    statusReplicasPath: str('JSON path of the observed replicas, e.g. .status.replicas.'),
    labelSelectorPath: str('JSON path of the serialized label selector in status.'),
  }, { desc: 'Where the scale subresource reads and writes replica counts.', required: ['specReplicasPath', 'statusReplicasPath'] }),
  [`${P}.CustomResourceColumnDefinition`]: obj({
    name: str('Column header.'),
    type: str('OpenAPI type of the cell: integer, number, string, boolean or date.'),
    format: str('Optional OpenAPI format of the cell.'),
    description: str('Human-readable description of the column.'),
    priority: int32('0 for standard view, higher for wide view only.'),
    jsonPath: str('JSON path evaluated against each object to fill the cell.'),
  }, { desc: 'An extra column of the table printed by kubectl get.', required: ['name', 'type', 'jsonPath'] }),
  [`${P}.SelectableField`]: obj({
    jsonPath: str('JSON path of a field usable in field selectors.'),
  }, { desc: 'A field that field selectors may use.', required: ['jsonPath'] }),
  [`${P}.CustomResourceConversion`]: obj({
    strategy: str('None or Webhook.'),
    webhook: ext('WebhookConversion', 'Webhook used when strategy is Webhook.'),
  }, { desc: 'How versions are converted.', required: ['strategy'] }),
  [`${P}.WebhookConversion`]: obj({
    clientConfig: ext('WebhookClientConfig', 'How to call the webhook.'),
    conversionReviewVersions: atomicArr(str(), 'ConversionReview versions the webhook understands.'),
  }, { desc: 'A conversion webhook.', required: ['conversionReviewVersions'] }),
  [`${P}.WebhookClientConfig`]: obj({
    url: str('URL of the webhook.'),
    service: ext('ServiceReference', 'In-cluster service of the webhook.'),
    caBundle: bytes('PEM CA bundle to verify the webhook server certificate.'),
  }, 'How to connect to a webhook.'),
  [`${P}.ServiceReference`]: obj({
    namespace: str('Namespace of the service.'),
    name: str('Name of the service.'),
    path: str('URL path of requests.'),
    port: int32({ desc: 'Port of the service.', default: 443 }),
  }, { desc: 'A reference to a service.', required: ['namespace', 'name'] }),
  [`${P}.CustomResourceDefinitionStatus`]: obj({
    conditions: arr(ext('CustomResourceDefinitionCondition'), { desc: 'Current conditions, such as Established and NamesAccepted.', listType: 'map', mapKeys: ['type'] }),
    acceptedNames: ext('CustomResourceDefinitionNames', 'Names actually being served.'),
    storedVersions: atomicArr(str(), 'Versions objects have ever been stored in.'),
  }, 'Observed state of a custom resource definition.'),
  [`${P}.CustomResourceDefinitionCondition`]: obj({
    type: str('Condition type, e.g. Established.'),
    status: str('True, False or Unknown.'),
    lastTransitionTime: time('When the status last changed.'),
    reason: str('Machine-readable reason of the last transition.'),
    message: str('Human-readable detail.'),
  }, { desc: 'One condition of a custom resource definition.', required: ['type', 'status'] }),
  [`${P}.JSONSchemaProps`]: obj({
    id: str(),
    $schema: str(),
    $ref: str(),
    description: str('Documentation of the value.'),
    type: str('object, array, string, integer, number or boolean.'),
    format: str('Refines the type, e.g. int32, date-time, byte.'),
    title: str(),
    default: ext('JSON', 'Value filled in when the field is absent.'),
    maximum: double(),
    exclusiveMaximum: bool(),
    minimum: double(),
    exclusiveMinimum: bool(),
    maxLength: int64(),
    minLength: int64(),
    pattern: str('Regular expression a string must match.'),
    maxItems: int64(),
    minItems: int64(),
    uniqueItems: bool(),
    multipleOf: double(),
    enum: atomicArr(ext('JSON'), 'The allowed values.'),
    maxProperties: int64(),
    minProperties: int64(),
    required: atomicArr(str(), 'Properties that must be present.'),
    items: ext('JSONSchemaPropsOrArray', 'Schema of array items.'),
    allOf: atomicArr(props()),
    oneOf: atomicArr(props()),
    anyOf: atomicArr(props()),
    not: props(),
    properties: mapOf(props(), 'Schemas of the object properties.'),
    additionalProperties: ext('JSONSchemaPropsOrBool', 'Schema of properties not listed, or whether they are allowed.'),
    patternProperties: mapOf(props()),
    dependencies: mapOf(ext('JSONSchemaPropsOrStringArray')),
    additionalItems: ext('JSONSchemaPropsOrBool'),
    definitions: mapOf(props()),
    externalDocs: ext('ExternalDocumentation'),
    example: ext('JSON'),
    nullable: bool('Whether null is accepted (and kept).'),
    'x-kubernetes-preserve-unknown-fields': bool('Keep fields not described by the schema instead of pruning them.'),
    'x-kubernetes-embedded-resource': bool('The value is a whole object with apiVersion, kind and metadata.'),
    'x-kubernetes-int-or-string': bool('The value may be an integer or a string.'),
    'x-kubernetes-list-map-keys': atomicArr(str(), 'Keys identifying items of a map-type list.'),
    'x-kubernetes-list-type': str('atomic, set or map.'),
    'x-kubernetes-map-type': str('granular or atomic.'),
    'x-kubernetes-validations': arr(ext('ValidationRule'), { desc: 'CEL validation rules.', mergeKey: 'rule', strategy: 'merge', listType: 'map', mapKeys: ['rule'] }),
  }, 'A JSON Schema (OpenAPI v3 subset with Kubernetes extensions) describing a value.'),
  [`${P}.JSONSchemaPropsOrArray`]: anyValue('A schema, or an array of schemas.'),
  [`${P}.JSONSchemaPropsOrBool`]: anyValue('A schema, or a boolean allowing or forbidding anything.'),
  [`${P}.JSONSchemaPropsOrStringArray`]: anyValue('A schema, or a list of property names.'),
  [`${P}.JSON`]: anyValue('Any JSON value.'),
  [`${P}.ExternalDocumentation`]: obj({ description: str(), url: str() }, 'A link to more documentation.'),
  [`${P}.ValidationRule`]: obj({
    rule: str('CEL expression that must evaluate to true.'),
    message: str('Message returned when the rule fails.'),
    messageExpression: str('CEL expression producing the failure message.'),
    reason: str('Reason returned when the rule fails, e.g. FieldValueInvalid.'),
    fieldPath: str('Field reported when the rule fails.'),
    optionalOldSelf: bool('Evaluate the rule on create too, with oldSelf unset.'),
  }, { desc: 'A CEL validation rule.', required: ['rule'] }),
});


