/**
 * Acceptance check 4: whatever a client throws at the API server, the answer is a
 * Kubernetes `Status` with a 4xx code (never a 5xx, a hang or a dropped connection for
 * a client mistake), the server stays up, and the store keeps what it had.
 *
 * Requests go out raw (HTTPS with the admin client certificate) so nothing between the
 * test and the server normalises them. Fixtures live in namespace `robust`, which no
 * hostile request may touch; everything that could write goes to namespace `fuzz` (and
 * `victims`, for deletes that must not happen).
 *
 * Where upstream answers a client mistake with a specific 4xx, that code is asserted
 * (400 for bodies the typed decoder refuses, 422 for validation, 405/404 by route, 413,
 * 415, 406). Documented exceptions:
 * - successes: unknown query parameters are ignored; health checks answer any method;
 *   upgrade headers on paths that do not upgrade are ignored (as Go's server does); a
 *   body just under the 3 MiB limit is accepted; a patch upstream would apply (a no-op
 *   strategic `null`, a status field sent to the main resource) may succeed;
 * - a resourceVersion ahead of the store is upstream's 504 Timeout "Too large resource
 *   version" with Retry-After and the ResourceVersionTooLarge cause, which clients retry;
 * - strategic-merge and server-side-apply patches that do not fit the object are a 5xx
 *   upstream (kubernetes/kubernetes#79210, #122480); here they are 422 / 400;
 * - a `__proto__` member anywhere in a body is refused (400): JavaScript would read it
 *   as the object's prototype, and a merge patch could otherwise rewrite Object.prototype.
 *
 * SKIFF_FUZZ_SEED and SKIFF_FUZZ_COUNT replay or widen the random part.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { adminCredentials, httpClient, parseRawResponse, pool, prng, reasonOf, statusProblem, waitFor, type HttpClient, type RawRequest, type Reply } from './support.js';

const NS = 'robust';
const FUZZ = 'fuzz';
const JSON_CT = { 'content-type': 'application/json' };
const SEED = Number(process.env.SKIFF_FUZZ_SEED ?? 20250611);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Target {
  name: string;
  collection: string;
  item: string;
  subresources: string[];
  /** A valid object for the item path. */
  body: Record<string, Json>;
}

const deployment = (name: string): Record<string, Json> => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: 'b' }], resources: { limits: { cpu: '100m' } } }] },
    },
  },
});

const TARGETS: Target[] = [
  {
    name: 'configmap', collection: `/api/v1/namespaces/${FUZZ}/configmaps`, item: `/api/v1/namespaces/${FUZZ}/configmaps/target`, subresources: [],
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'target', labels: { a: 'b' }, annotations: { x: 'y' } }, data: { k: 'v' }, binaryData: { b: 'aGVsbG8=' } },
  },
  {
    name: 'deployment', collection: `/apis/apps/v1/namespaces/${FUZZ}/deployments`, item: `/apis/apps/v1/namespaces/${FUZZ}/deployments/web`, subresources: ['status', 'scale'],
    body: deployment('web'),
  },
  {
    name: 'pod', collection: `/api/v1/namespaces/${FUZZ}/pods`, item: `/api/v1/namespaces/${FUZZ}/pods/p`, subresources: ['status'],
    body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1'] }] } },
  },
  {
    name: 'service', collection: `/api/v1/namespaces/${FUZZ}/services`, item: `/api/v1/namespaces/${FUZZ}/services/svc`, subresources: ['status'],
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } },
  },
  {
    name: 'job', collection: `/apis/batch/v1/namespaces/${FUZZ}/jobs`, item: `/apis/batch/v1/namespaces/${FUZZ}/jobs/j`, subresources: ['status'],
    body: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
  },
  {
    name: 'namespace', collection: '/api/v1/namespaces', item: `/api/v1/namespaces/${FUZZ}`, subresources: ['status', 'finalize'],
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: FUZZ, labels: { 'kubernetes.io/metadata.name': FUZZ } } },
  },
];

/** A CustomResourceDefinition and one of its objects: custom kinds go through schema validation, pruning and defaulting instead of typed decoding. */
const CRD_NAME = 'widgets.robust.example.com';
const CRD_TARGET: Target = {
  name: 'crd', collection: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', item: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD_NAME}`, subresources: ['status'],
  body: {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: CRD_NAME },
    spec: {
      group: 'robust.example.com', scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wg'] },
      versions: [{
        name: 'v1', served: true, storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object', required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 0, default: 1 }, replicas: { type: 'integer' }, color: { type: 'string', enum: ['red', 'blue'] },
                  tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
                  parts: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, count: { type: 'integer' } }, required: ['name'] }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  port: { 'x-kubernetes-int-or-string': true },
                },
              },
              status: { type: 'object', properties: { replicas: { type: 'integer' } } },
            },
          },
        },
      }],
    },
  },
};
const CR_TARGET: Target = {
  name: 'widget', collection: `/apis/robust.example.com/v1/namespaces/${FUZZ}/widgets`, item: `/apis/robust.example.com/v1/namespaces/${FUZZ}/widgets/w`, subresources: ['status', 'scale'],
  body: { apiVersion: 'robust.example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 2, replicas: 1, color: 'red', tags: ['a', 'b'], parts: [{ name: 'p', count: 1 }], extra: { any: ['thing'] }, port: 'http' } },
};

/** Wrong JSON types at every level of a Deployment (upstream: the decoder refuses them with 400). */
const WRONG_TYPES: Array<[string, Json]> = [
  ['metadata', 5], ['metadata', []], ['metadata', 'x'], ['metadata', true],
  ['metadata.name', 5], ['metadata.name', {}], ['metadata.name', []],
  ['metadata.labels', { a: 1 }], ['metadata.labels', { a: {} }], ['metadata.labels', []], ['metadata.labels', 'x'],
  ['metadata.annotations', { a: true }], ['metadata.annotations', 7],
  ['metadata.finalizers', 'x'], ['metadata.finalizers', [1]], ['metadata.finalizers', {}],
  ['metadata.ownerReferences', {}], ['metadata.ownerReferences', [5]], ['metadata.ownerReferences', [{ uid: 5 }]],
  ['metadata.creationTimestamp', 5], ['metadata.creationTimestamp', 'not a time'], ['metadata.creationTimestamp', {}],
  ['metadata.generation', 'x'], ['metadata.uid', 5], ['metadata.resourceVersion', 5], ['metadata.namespace', 5],
  ['metadata.generateName', []], ['metadata.managedFields', 'x'], ['metadata.managedFields', [5]],
  ['metadata.deletionGracePeriodSeconds', 'x'],
  ['kind', 5], ['apiVersion', []],
  ['spec', []], ['spec', 'x'], ['spec', 5], ['spec', true],
  ['spec.replicas', 'x'], ['spec.replicas', 1.5], ['spec.replicas', {}], ['spec.replicas', []], ['spec.replicas', true], ['spec.replicas', 1e20],
  ['spec.selector', []], ['spec.selector', 'app=web'], ['spec.selector.matchLabels', { app: 1 }], ['spec.selector.matchExpressions', {}],
  ['spec.template', 5], ['spec.template.metadata', []], ['spec.template.spec', 'x'],
  ['spec.template.spec.containers', {}], ['spec.template.spec.containers', 'c'], ['spec.template.spec.containers', [5]], ['spec.template.spec.containers', ['x']], ['spec.template.spec.containers', [[]]],
  ['spec.template.spec.containers.0.name', 5], ['spec.template.spec.containers.0.image', []],
  ['spec.template.spec.containers.0.ports', 'x'], ['spec.template.spec.containers.0.ports', [{ containerPort: 'x' }]], ['spec.template.spec.containers.0.ports', [{ containerPort: 1.5 }]],
  ['spec.template.spec.containers.0.env', {}], ['spec.template.spec.containers.0.env', [{ name: 5 }]],
  ['spec.template.spec.containers.0.resources', []], ['spec.template.spec.containers.0.resources.limits', { cpu: [] }], ['spec.template.spec.containers.0.resources.limits', { cpu: 'bogus' }],
  ['spec.template.spec.containers.0.command', 'sh'], ['spec.template.spec.containers.0.command', [1]],
  ['spec.strategy', 'Recreate'], ['spec.strategy.type', 5], ['spec.paused', 'yes'], ['spec.minReadySeconds', '5'],
  ['status', 5], ['status', []], ['status.replicas', 'x'],
];

/** Upstream's decoder takes these (a null string is ""; fieldsV1 is raw JSON): success or a 4xx Status. */
const LENIENT_TYPES: Array<[string, Json]> = [
  ['metadata.labels', { a: null }], ['apiVersion', null], ['metadata.managedFields', [{ fieldsV1: 5 }]], ['metadata.annotations', { a: null }],
];

/** Wrong types specific to a ConfigMap. */
const CONFIGMAP_WRONG_TYPES: Array<[string, Json]> = [
  ['data', []], ['data', 'x'], ['data', { a: 1 }], ['data', { a: { b: 'c' } }],
  ['binaryData', { b: 'not base64!!' }], ['binaryData', { b: 5 }], ['binaryData', []], ['immutable', 'yes'],
];

function setPath(obj: Record<string, Json>, path: string, value: Json): Record<string, Json> {
  const copy = structuredClone(obj);
  const parts = path.split('.');
  let cur: Json = copy;
  for (const p of parts.slice(0, -1)) {
    const parent = cur as Record<string, Json>;
    parent[p] ??= {};
    cur = parent[p];
  }
  (cur as Record<string, Json>)[parts[parts.length - 1]] = value;
  return copy;
}

/** A HEAD answer has no body to check: only its code and that it claims JSON when failing. */
function headProblem(reply: Reply, codes?: number[]): string | undefined {
  if (codes ? !codes.includes(reply.status) : reply.status < 400 || reply.status > 499) return `HTTP ${reply.status}, want ${codes ? codes.join('/') : '4xx'}`;
  if (reply.body.length) return `HEAD answered with a ${reply.body.length}-byte body`;
  return undefined;
}

/** Collects every problem of a test so one run shows all of them, then fails once. */
class Problems {
  readonly list: string[] = [];
  add(label: string, r: RawRequest, problem: string | undefined): void {
    if (problem) this.list.push(`${label}: ${r.method ?? 'GET'} ${r.path.length > 200 ? r.path.slice(0, 200) + '…' : r.path}: ${problem}`);
  }
  assertNone(): void {
    assert.deepEqual(this.list.slice(0, 40), [], `${this.list.length} problem(s):\n${this.list.slice(0, 40).join('\n')}`);
  }
}

describe('bad input never breaks the API server', { timeout: 240_000 }, () => {
  let tc: TestCluster;
  let http: HttpClient;
  /** The fixtures as created, by path. */
  const fixtures = new Map<string, Record<string, unknown>>();

  const send = (r: RawRequest): Promise<Reply> => http.request(r);

  /** Every hostile request is answered promptly: one taking over 15 s (on a shared, loaded machine) is a problem too. */
  async function timedSend(p: Problems, label: string, r: RawRequest): Promise<Reply> {
    const started = Date.now();
    const reply = await send(r);
    if (Date.now() - started > 15_000) p.add(label, r, `answered after ${Date.now() - started} ms`);
    return reply;
  }

  /** Sends `r` and records a problem unless the answer is a failure Status with one of `codes` (any 4xx when omitted). */
  async function expectFailure(p: Problems, label: string, r: RawRequest, codes?: number[], reason?: string): Promise<Reply | undefined> {
    let reply: Reply;
    try {
      reply = await timedSend(p, label, r);
    } catch (err) {
      p.add(label, r, `no answer: ${(err as Error).message}`);
      return undefined;
    }
    p.add(label, r, r.method === 'HEAD' ? headProblem(reply, codes) : statusProblem(reply, codes, reason));
    return reply;
  }

  /** Either a 2xx with a JSON body, or a proper failure Status (used where a request may legitimately succeed). */
  async function expectSuccessOrFailure(p: Problems, label: string, r: RawRequest): Promise<Reply | undefined> {
    let reply: Reply;
    try {
      reply = await timedSend(p, label, r);
    } catch (err) {
      p.add(label, r, `no answer: ${(err as Error).message}`);
      return undefined;
    }
    if (reply.status >= 200 && reply.status < 300) {
      if (r.method !== 'HEAD' && String(reply.headers['content-type']).startsWith('application/json')) {
        try {
          JSON.parse(reply.body.toString('utf8'));
        } catch {
          p.add(label, r, `HTTP ${reply.status} with a body that is not JSON`);
        }
      }
      return reply;
    }
    p.add(label, r, r.method === 'HEAD' ? headProblem(reply) : statusProblem(reply));
    return reply;
  }

  async function assertReady(): Promise<void> {
    const reply = await send({ path: '/readyz', timeoutMs: 5_000 });
    assert.equal(reply.status, 200, `/readyz: ${reply.status} ${reply.body.toString()}`);
  }

  async function create(path: string, body: unknown): Promise<Record<string, unknown>> {
    const reply = await send({ method: 'POST', path, headers: JSON_CT, body: JSON.stringify(body) });
    assert.equal(reply.status, 201, `create ${path}: ${reply.status} ${reply.body.toString()}`);
    return JSON.parse(reply.body.toString()) as Record<string, unknown>;
  }

  before(async () => {
    tc = await startTestCluster();
    http = httpClient(tc.url, adminCredentials(tc.dataDir), { maxSockets: 8 });
    for (const ns of [NS, FUZZ]) await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (let i = 0; i < 10; i++) {
      const obj = await create(`/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, labels: { i: String(i), group: i % 2 ? 'odd' : 'even' } }, data: { value: `v${i}`, text: 'ünïcødé ✓' } });
      fixtures.set(`/api/v1/namespaces/${NS}/configmaps/cm-${i}`, obj);
    }
    fixtures.set(`/api/v1/namespaces/${NS}/secrets/s`, await create(`/api/v1/namespaces/${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'c2VjcmV0' } }));
    fixtures.set(`/apis/apps/v1/namespaces/${NS}/deployments/d`, await create(`/apis/apps/v1/namespaces/${NS}/deployments`, deployment('d')));
    for (const t of TARGETS) {
      if (t.name !== 'namespace') await create(t.collection, t.body);
    }
    await create(CRD_TARGET.collection, CRD_TARGET.body);
    await waitFor('the Widget kind to be served', async () => (await send({ path: CR_TARGET.collection })).status === 200, 15_000);
    await create(CR_TARGET.collection, CR_TARGET.body);
  });

  after(async () => {
    http?.close();
    await tc?.stop();
  });

  test('malformed JSON and YAML, and bodies of the wrong JSON type', async () => {
    const p = new Problems();
    const bad: Array<[string, string, string]> = [
      ['truncated JSON', '{"apiVersion": "v1", "kind":', 'application/json'],
      ['single quotes', "{'apiVersion': 'v1'}", 'application/json'],
      ['trailing comma', '{"apiVersion": "v1",}', 'application/json'],
      ['bare word', 'hello', 'application/json'],
      ['invalid UTF-8', '\xff\xfe\xfd', 'application/json'],
      ['NUL bytes', '\0\0\0\0', 'application/json'],
      ['JSON array', '[]', 'application/json'],
      ['JSON array of objects', '[{"apiVersion":"v1","kind":"ConfigMap"}]', 'application/json'],
      ['JSON string', '"ConfigMap"', 'application/json'],
      ['JSON number', '42', 'application/json'],
      ['JSON null', 'null', 'application/json'],
      ['JSON true', 'true', 'application/json'],
      ['two documents', '{} {}', 'application/json'],
      ['YAML unclosed flow', 'a: [1, 2', 'application/yaml'],
      ['YAML bad indentation', 'metadata:\n  name: x\n bad: y\n', 'application/yaml'],
      ['YAML tab indentation', 'metadata:\n\tname: x\n', 'application/yaml'],
      ['YAML unterminated string', 'metadata: {name: "x}', 'application/yaml'],
      ['YAML duplicate keys', 'metadata: {}\nmetadata: {}\n', 'application/yaml'],
      ['YAML list', '- a\n- b\n', 'application/yaml'],
      ['YAML scalar', 'just text', 'application/yaml'],
      ['YAML null', '~', 'application/yaml'],
      ['YAML alias bomb', 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n', 'application/yaml'],
      ['YAML custom tag', 'metadata: !!binary AAAA\n', 'application/yaml'],
      ['YAML unknown tag', 'metadata: !foo {}\n', 'application/yaml'],
      ['YAML multiple documents', 'a: 1\n---\nb: 2\n', 'application/yaml'],
    ];
    const tasks: Array<() => Promise<unknown>> = [];
    for (const t of TARGETS) {
      for (const [label, body, ct] of bad) {
        // An unknown tag is only a warning to a YAML parser: what is left may still be refused as invalid.
        const codes = label === 'YAML unknown tag' ? [400, 422] : [400];
        tasks.push(() => expectFailure(p, `${t.name} create, ${label}`, { method: 'POST', path: t.collection, headers: { 'content-type': ct }, body: Buffer.from(body, 'latin1') }, codes));
        tasks.push(() => expectFailure(p, `${t.name} update, ${label}`, { method: 'PUT', path: t.item, headers: { 'content-type': ct }, body: Buffer.from(body, 'latin1') }, codes));
        for (const sub of t.subresources.filter((s) => s !== 'finalize')) {
          const r: RawRequest = { method: 'PUT', path: `${t.item}/${sub}`, headers: { 'content-type': ct }, body: Buffer.from(body, 'latin1') };
          // A Scale with nothing but odd metadata is "0 replicas" upstream too (spec.replicas is omitempty).
          if (sub === 'scale' && label.includes(' tag')) tasks.push(() => expectSuccessOrFailure(p, `${t.name}/${sub} update, ${label}`, r));
          else tasks.push(() => expectFailure(p, `${t.name}/${sub} update, ${label}`, r, codes));
        }
      }
      tasks.push(() => expectFailure(p, `${t.name} create, empty body`, { method: 'POST', path: t.collection, headers: JSON_CT, body: '' }, [400]));
      tasks.push(() => expectFailure(p, `${t.name} update, empty body`, { method: 'PUT', path: t.item, headers: JSON_CT, body: '' }, [400]));
    }
    // Virtual kinds and CRDs decode bodies too.
    for (const path of ['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', '/apis/authentication.k8s.io/v1/selfsubjectreviews', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', `/api/v1/namespaces/${FUZZ}/pods/p/binding`, `/api/v1/namespaces/${FUZZ}/bindings`]) {
      for (const [label, body, ct] of bad) {
        const r: RawRequest = { method: 'POST', path, headers: { 'content-type': ct }, body: Buffer.from(body, 'latin1') };
        // `metadata: !foo {}` is just empty metadata once the tag is ignored: a review may well succeed.
        tasks.push(() => (label === 'YAML unknown tag' ? expectSuccessOrFailure(p, `${path} ${label}`, r) : expectFailure(p, `${path} ${label}`, r)));
      }
    }
    await pool(tasks, 8);
    await assertReady();
    p.assertNone();
  });

  test('wrong JSON types at every level are refused with 400, as the upstream decoder does', async () => {
    const p = new Problems();
    const tasks: Array<() => Promise<unknown>> = [];
    const dep = TARGETS.find((t) => t.name === 'deployment')!;
    const cm = TARGETS.find((t) => t.name === 'configmap')!;
    const cases: Array<[Target, string, Json]> = [
      ...WRONG_TYPES.map(([path, v]): [Target, string, Json] => [dep, path, v]),
      ...CONFIGMAP_WRONG_TYPES.map(([path, v]): [Target, string, Json] => [cm, path, v]),
      ...WRONG_TYPES.filter(([path]) => path.startsWith('metadata') || path === 'kind' || path === 'apiVersion').map(([path, v]): [Target, string, Json] => [cm, path, v]),
    ];
    for (const [t, path, value] of cases) {
      const body = setPath(t.body, path, value);
      const label = `${t.name} ${path}: ${JSON.stringify(value)}`;
      // Built-in kinds decode into typed structs upstream: a type mismatch is a 400 BadRequest.
      const codes = [400];
      tasks.push(() => expectFailure(p, `create ${label}`, { method: 'POST', path: t.collection, headers: JSON_CT, body: JSON.stringify(body) }, codes));
      tasks.push(() => expectFailure(p, `update ${label}`, { method: 'PUT', path: t.item, headers: JSON_CT, body: JSON.stringify(body) }, codes));
      tasks.push(() => expectFailure(p, `dry-run create ${label}`, { method: 'POST', path: `${t.collection}?dryRun=All&fieldValidation=Strict`, headers: JSON_CT, body: JSON.stringify(body) }, codes));
      tasks.push(() => expectFailure(p, `merge patch ${label}`, { method: 'PATCH', path: t.item, headers: { 'content-type': 'application/merge-patch+json' }, body: JSON.stringify(patchFor(path, value)) }));
      tasks.push(() => expectFailure(p, `strategic patch ${label}`, { method: 'PATCH', path: t.item, headers: { 'content-type': 'application/strategic-merge-patch+json' }, body: JSON.stringify(patchFor(path, value)) }));
      tasks.push(() => expectFailure(p, `apply ${label}`, { method: 'PATCH', path: `${t.item}?fieldManager=robust&force=true`, headers: { 'content-type': 'application/apply-patch+yaml' }, body: JSON.stringify(body) }));
    }
    for (const [path, value] of LENIENT_TYPES) {
      tasks.push(() => expectSuccessOrFailure(p, `dry-run create ${path}: ${JSON.stringify(value)}`, { method: 'POST', path: `${dep.collection}?dryRun=All`, headers: JSON_CT, body: JSON.stringify(setPath(dep.body, path, value)) }));
    }
    await pool(tasks, 8);
    await assertReady();
    p.assertNone();
  });

  test('patches of every content type with bad bodies', async () => {
    const p = new Problems();
    const tasks: Array<() => Promise<unknown>> = [];
    const patches: Array<[string, string, string, number[] | undefined]> = [
      ['application/json-patch+json', 'not json', 'malformed', [400]],
      ['application/json-patch+json', '{}', 'an object', undefined],
      ['application/json-patch+json', '"x"', 'a string', undefined],
      ['application/json-patch+json', 'null', 'null', undefined],
      ['application/json-patch+json', '[5]', 'a number op', undefined],
      ['application/json-patch+json', '[{"op":"bogus","path":"/a"}]', 'an unknown op', undefined],
      ['application/json-patch+json', '[{"op":"add"}]', 'an op without path', undefined],
      ['application/json-patch+json', '[{"op":"add","path":"no-slash","value":1}]', 'a relative path', undefined],
      ['application/json-patch+json', '[{"op":"remove","path":"/nope/deeper"}]', 'a missing path', undefined],
      ['application/json-patch+json', '[{"op":"test","path":"/metadata/name","value":"other"}]', 'a failing test', undefined],
      ['application/json-patch+json', '[{"op":"move","from":"/metadata","path":"/metadata/x"}]', 'a move into itself', undefined],
      ['application/json-patch+json', '[{"op":"copy","from":"/nope","path":"/x"}]', 'a copy from nowhere', undefined],
      ['application/json-patch+json', '[{"op":"replace","path":"/metadata","value":5}]', 'metadata replaced by a number', undefined],
      ['application/json-patch+json', '[{"op":"replace","path":"","value":[]}]', 'the document replaced by an array', undefined],
      ['application/json-patch+json', '[{"op":"add","path":"/spec/containers/99999999999","value":{}}]', 'a huge index', undefined],
      ['application/json-patch+json', '[{"op":"add","path":"/spec/containers/-1","value":{}}]', 'a negative index', undefined],
      ['application/json-patch+json', '[{"op":"add","path":"/metadata/labels/a~2b","value":"x"}]', 'a bad escape', undefined],
      ['application/json-patch+json', '[{"op":"add","path":"/__proto__/polluted","value":"yes"}]', 'a __proto__ path', undefined],
      ['application/merge-patch+json', 'not json', 'malformed', [400]],
      ['application/merge-patch+json', '[]', 'an array', undefined],
      ['application/merge-patch+json', '"x"', 'a string', undefined],
      ['application/merge-patch+json', '5', 'a number', undefined],
      ['application/merge-patch+json', '{"metadata":5}', 'metadata a number', undefined],
      ['application/merge-patch+json', '{"metadata":{"name":"renamed"}}', 'a rename', undefined],
      ['application/merge-patch+json', '{"__proto__":{"polluted":"yes"}}', 'a __proto__ key', undefined],
      ['application/merge-patch+json', '{"kind":"Secret"}', 'another kind', undefined],
      ['application/strategic-merge-patch+json', 'not json', 'malformed', [400]],
      ['application/strategic-merge-patch+json', '[]', 'an array', undefined],
      ['application/strategic-merge-patch+json', 'null', 'null', undefined],
      ['application/strategic-merge-patch+json', '{"$patch":"bogus"}', 'an unknown $patch', undefined],
      ['application/strategic-merge-patch+json', '{"$patch":"delete"}', '$patch delete at the top', undefined],
      ['application/strategic-merge-patch+json', '{"spec":{"containers":[{"$patch":"delete"}]}}', 'a delete without merge key', undefined],
      ['application/strategic-merge-patch+json', '{"spec":{"containers":5}}', 'containers a number', undefined],
      ['application/strategic-merge-patch+json', '{"spec":{"$setElementOrder/containers":5}}', 'a bad $setElementOrder', undefined],
      ['application/strategic-merge-patch+json', '{"spec":{"$retainKeys":5}}', 'a bad $retainKeys', undefined],
      ['application/strategic-merge-patch+json', '{"metadata":{"$deleteFromPrimitiveList/finalizers":"x"}}', 'a bad $deleteFromPrimitiveList', undefined],
      ['application/strategic-merge-patch+json', '{"__proto__":{"polluted":"yes"}}', 'a __proto__ key', undefined],
      ['application/apply-patch+yaml', 'a: [', 'malformed YAML', [400]],
      ['application/apply-patch+yaml', '- a', 'a list', undefined],
      ['application/apply-patch+yaml', 'x', 'a scalar', undefined],
      ['application/apply-patch+yaml', '{}', 'no kind', undefined],
      ['application/apply-patch+yaml', '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}', 'another kind', undefined],
      ['application/apply-patch+yaml', '{"apiVersion":"v1","kind":"Pod","metadata":5}', 'metadata a number', undefined],
      ['application/apply-patch+cbor', '\xa1\x61\x61\x01', 'CBOR', undefined],
      ['application/json', '{}', 'plain JSON content type', [415]],
      ['text/plain', '{}', 'text', [415]],
      ['', '{}', 'no content type', [415]],
      ['application/json-patch+json', '', 'empty body', [400]],
      ['application/merge-patch+json', '', 'empty body', [400]],
    ];
    const pod = TARGETS.find((t) => t.name === 'pod')!;
    for (const t of TARGETS) {
      for (const [ct, body, label, codesFor] of patches) {
        const headers = ct ? { 'content-type': ct } : {};
        const query = ct.startsWith('application/apply-patch') ? '?fieldManager=robust' : '';
        const paths = [t.item, ...t.subresources.filter((s) => s !== 'finalize').map((s) => `${t.item}/${s}`)];
        for (const path of paths) {
          // The scale subresource takes no apply patches at all (415 before the body is looked at).
          const codes = path.endsWith('/scale') && ct.startsWith('application/apply-patch') && codesFor ? [...codesFor, 415] : codesFor;
          // Where upstream's answer depends on the object (a no-op, a change that is ignored), any answer but a crash will do.
          const r: RawRequest = { method: 'PATCH', path: path + query, headers, body: Buffer.from(body, 'latin1') };
          tasks.push(() => (codes ? expectFailure(p, `${t.name} patch ${ct} ${label}`, r, codes) : expectSuccessOrFailure(p, `${t.name} patch ${ct} ${label}`, r)));
        }
      }
      // A collection cannot be patched; a missing object cannot be either.
      tasks.push(() => expectFailure(p, `${t.name} patch collection`, { method: 'PATCH', path: t.collection, headers: { 'content-type': 'application/merge-patch+json' }, body: '{}' }, [405]));
      tasks.push(() => expectFailure(p, `${t.name} patch missing object`, { method: 'PATCH', path: t.item.replace(/[^/]+$/, 'missing-object'), headers: { 'content-type': 'application/merge-patch+json' }, body: '{}' }, [404]));
    }
    // A patch that leaves no Scale must never read as "0 replicas".
    const scale = `${TARGETS[1].item}/scale`;
    for (const [ct, body] of [['application/merge-patch+json', '[]'], ['application/merge-patch+json', '"x"'], ['application/json-patch+json', '[{"op":"replace","path":"","value":[]}]'], ['application/merge-patch+json', '{"spec":5}'], ['application/merge-patch+json', '{"spec":{"replicas":"x"}}'], ['application/strategic-merge-patch+json', '{"spec":[]}']]) {
      tasks.push(() => expectFailure(p, `scale patch ${body}`, { method: 'PATCH', path: `${scale}?dryRun=All`, headers: { 'content-type': ct }, body }, [400, 422]));
    }
    await pool(tasks, 8);
    // Prototype pollution must not have happened anywhere.
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const podNow = JSON.parse((await send({ path: pod.item })).body.toString()) as Record<string, unknown>;
    assert.equal(podNow.polluted, undefined);
    await assertReady();
    p.assertNone();
  });

  test('bodies at and beyond the size limit, deep nesting, huge arrays', async () => {
    const p = new Problems();
    const limit = 3 * 1024 * 1024;
    const cm = TARGETS.find((t) => t.name === 'configmap')!;
    // 3 MiB + 1: refused with 413, whether declared up front or streamed.
    const tooBig = Buffer.alloc(limit + 1, 0x20);
    Buffer.from('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"}}').copy(tooBig);
    await expectFailure(p, 'body of 3 MiB + 1', { method: 'POST', path: cm.collection, headers: JSON_CT, body: tooBig }, [413], 'RequestEntityTooLarge');
    await expectFailure(p, 'chunked body of 3 MiB + 1', { method: 'POST', path: cm.collection, headers: { ...JSON_CT, 'transfer-encoding': 'chunked' }, body: tooBig }, [413], 'RequestEntityTooLarge');
    await expectFailure(p, 'patch body of 3 MiB + 1', { method: 'PATCH', path: cm.item, headers: { 'content-type': 'application/merge-patch+json' }, body: tooBig }, [413], 'RequestEntityTooLarge');
    await expectFailure(p, 'delete body of 3 MiB + 1', { method: 'DELETE', path: cm.item.replace(/target$/, 'nothing'), headers: JSON_CT, body: tooBig }, [413], 'RequestEntityTooLarge');
    // A declared length over the limit is refused before the body is read, and the connection is closed rather than drained.
    const lying = parseRawResponse(await http.raw(`POST ${cm.collection} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${limit * 10}\r\n\r\n{"apiVersion":`, 10_000));
    p.add('Content-Length of 30 MiB', { method: 'POST', path: cm.collection }, lying ? statusProblem(lying, [413], 'RequestEntityTooLarge') : 'no HTTP answer');
    if (lying && lying.headers.connection !== 'close') p.add('Content-Length of 30 MiB', { method: 'POST', path: cm.collection }, 'the connection is kept open for a body that will never be read');
    // Just under the limit: a valid object padded with whitespace is accepted.
    const justUnder = Buffer.alloc(limit, 0x20);
    Buffer.from('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"just-under"},"data":{"a":"b"}}').copy(justUnder);
    const ok = await send({ method: 'POST', path: cm.collection, headers: JSON_CT, body: justUnder });
    assert.equal(ok.status, 201, `just under the limit: ${ok.status} ${ok.body.toString().slice(0, 300)}`);
    // Just under the limit with all of it as data: too large for a ConfigMap (1 MiB), which is a 422.
    const bigData = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big-data' }, data: { a: 'x'.repeat(limit - 200) } });
    await expectFailure(p, 'ConfigMap data over 1 MiB', { method: 'POST', path: cm.collection, headers: JSON_CT, body: bigData }, [422], 'Invalid');

    const nested = (depth: number, open: string, close: string, inner = '1'): string => open.repeat(depth) + inner + close.repeat(depth);
    for (const depth of [10_000, 100_000]) {
      const bodies: Array<[string, string, string]> = [
        ['objects in data', `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":${nested(depth, '{"a":', '}')}}`, 'application/json'],
        ['arrays in labels', `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep","labels":${nested(depth, '[', ']')}}}`, 'application/json'],
        ['arrays at the top', nested(depth, '[', ']'), 'application/json'],
        ['YAML flow', `metadata: {name: deep}\ndata: ${nested(depth, '{a: ', '}')}\n`, 'application/yaml'],
        ['YAML flow lists', nested(depth, '[', ']'), 'application/yaml'],
      ];
      for (const [label, body, ct] of bodies) {
        await expectFailure(p, `${depth} levels of ${label} (create)`, { method: 'POST', path: cm.collection, headers: { 'content-type': ct }, body }, [400]);
      }
      const deepPatch = `{"data":${nested(depth, '{"a":', '}')}}`;
      await expectFailure(p, `${depth} levels merge patch`, { method: 'PATCH', path: cm.item, headers: { 'content-type': 'application/merge-patch+json' }, body: deepPatch }, [400]);
      await expectFailure(p, `${depth} levels strategic patch`, { method: 'PATCH', path: cm.item, headers: { 'content-type': 'application/strategic-merge-patch+json' }, body: deepPatch }, [400]);
      await expectFailure(p, `${depth} levels json patch`, { method: 'PATCH', path: cm.item, headers: { 'content-type': 'application/json-patch+json' }, body: `[{"op":"add","path":"/data/x","value":${nested(depth, '[', ']')}}]` }, [400]);
      await expectFailure(p, `${depth} levels apply`, { method: 'PATCH', path: `${cm.item}?fieldManager=robust`, headers: { 'content-type': 'application/apply-patch+yaml' }, body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"target"},"data":${nested(depth, '{"a":', '}')}}` }, [400]);
      await expectFailure(p, `${depth} levels delete options`, { method: 'DELETE', path: cm.item.replace(/target$/, 'nothing'), headers: JSON_CT, body: nested(depth, '{"a":', '}') }, [400]);
      await assertReady();
    }

    // Huge arrays and maps: bounded by the body limit, answered promptly (each well within 15 s on a loaded machine).
    const started = Date.now();
    const manyContainers = setPath(deployment('wide'), 'spec.template.spec.containers', Array.from({ length: 20_000 }, (_, i) => ({ name: `c${i}`, image: 'x' })));
    await expectSuccessOrFailure(p, '20k containers', { method: 'POST', path: `/apis/apps/v1/namespaces/${FUZZ}/deployments?dryRun=All`, headers: JSON_CT, body: JSON.stringify(manyContainers), timeoutMs: 30_000 });
    const dupContainers = setPath(deployment('dups'), 'spec.template.spec.containers', Array.from({ length: 20_000 }, () => ({ name: 'same', image: 'x' })));
    await expectFailure(p, '20k duplicate containers', { method: 'POST', path: `/apis/apps/v1/namespaces/${FUZZ}/deployments`, headers: JSON_CT, body: JSON.stringify(dupContainers), timeoutMs: 30_000 }, [422]);
    const manyLabels = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`l${i}`, 'v']));
    await expectSuccessOrFailure(p, '50k labels', { method: 'POST', path: `${cm.collection}?dryRun=All`, headers: JSON_CT, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'labels', labels: manyLabels } }), timeoutMs: 30_000 });
    const numbers = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"nums","finalizers":[${Array.from({ length: 500_000 }, () => '1').join(',')}]}}`;
    await expectFailure(p, '500k numbers where strings belong', { method: 'POST', path: cm.collection, headers: JSON_CT, body: numbers, timeoutMs: 30_000 }, [400]);
    const ops = JSON.stringify(Array.from({ length: 50_000 }, (_, i) => ({ op: 'add', path: `/data/k${i % 100}`, value: 'v' })));
    await expectSuccessOrFailure(p, '50k JSON patch ops (dry run)', { method: 'PATCH', path: `${cm.item}?dryRun=All`, headers: { 'content-type': 'application/json-patch+json' }, body: ops, timeoutMs: 30_000 });
    const smpList = JSON.stringify({ spec: { template: { spec: { containers: Array.from({ length: 20_000 }, (_, i) => ({ name: `c${i}`, image: 'x' })) } } } });
    await expectSuccessOrFailure(p, 'strategic patch with 20k containers', { method: 'PATCH', path: `${TARGETS[1].item}?dryRun=All`, headers: { 'content-type': 'application/strategic-merge-patch+json' }, body: smpList, timeoutMs: 30_000 });
    assert.ok(Date.now() - started < 60_000, `huge bodies took ${Date.now() - started} ms`);
    await assertReady();
    p.assertNone();
  });

  test('unicode, NUL and hostile names and namespaces', async () => {
    const p = new Problems();
    const cm = TARGETS.find((t) => t.name === 'configmap')!;
    const names = ['a\u0000b', 'ünïcode', '😀', 'UPPER', 'a/b', '..', '.', 'a b', '-a', 'a'.repeat(254), 'a\nb', '\u202e', 'a%2Fb', 'a\\b', '*'];
    for (const name of names) {
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { [name]: name } }, data: { [name]: name } });
      await expectFailure(p, `create named ${JSON.stringify(name)}`, { method: 'POST', path: cm.collection, headers: JSON_CT, body }, [422], 'Invalid');
      await expectFailure(p, `generateName ${JSON.stringify(name)}`, { method: 'POST', path: cm.collection, headers: JSON_CT, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: name } }) }, [422], 'Invalid');
      const enc = encodeURIComponent(name);
      await expectFailure(p, `get ${JSON.stringify(name)}`, { path: `${cm.collection}/${enc}` }, [400, 404]);
      await expectFailure(p, `put ${JSON.stringify(name)}`, { method: 'PUT', path: `${cm.collection}/${enc}`, headers: JSON_CT, body }, [400, 404, 422]);
      await expectFailure(p, `delete ${JSON.stringify(name)}`, { method: 'DELETE', path: `${cm.collection}/${enc}` }, [400, 404]);
      await expectFailure(p, `patch ${JSON.stringify(name)}`, { method: 'PATCH', path: `${cm.collection}/${enc}`, headers: { 'content-type': 'application/merge-patch+json' }, body: '{}' }, [400, 404]);
      await expectFailure(p, `create in namespace ${JSON.stringify(name)}`, { method: 'POST', path: `/api/v1/namespaces/${enc}/configmaps`, headers: JSON_CT, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }) });
      await expectFailure(p, `namespace named ${JSON.stringify(name)}`, { method: 'POST', path: '/api/v1/namespaces', headers: JSON_CT, body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) }, [422]);
      await expectSuccessOrFailure(p, `list in namespace ${JSON.stringify(name)}`, { path: `/api/v1/namespaces/${enc}/configmaps` });
    }
    // Bad label keys/values on an otherwise fine object.
    for (const labels of [{ 'a\u0000': 'b' }, { a: 'b\u0000' }, { '': 'x' }, { 'a/b/c': 'x' }, { a: 'x'.repeat(64) }, { ['x'.repeat(64)]: 'v' }, { 'ü': 'v' }]) {
      await expectFailure(p, `labels ${JSON.stringify(labels)}`, { method: 'POST', path: cm.collection, headers: JSON_CT, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lbl', labels } }) }, [422], 'Invalid');
    }
    // Malformed percent-encoding and raw non-ASCII in the path.
    for (const path of [`${cm.collection}/%zz`, `${cm.collection}/%`, `${cm.collection}/%E0%A4%A`, `${cm.collection}/%C0%AF`, `/api/v1/namespaces/%ff/configmaps`, `/apis/%zz/v1/things`, `${cm.collection}/x?labelSelector=%zz`]) {
      await expectFailure(p, 'bad percent-encoding', { path }, [400, 404]);
    }
    await assertReady();
    p.assertNone();
  });

  test('bad selectors, continue tokens, resourceVersions, limits and timeouts', async () => {
    const p = new Problems();
    const lists = [
      `/api/v1/namespaces/${NS}/configmaps`, '/api/v1/configmaps', '/api/v1/namespaces', `/apis/apps/v1/namespaces/${NS}/deployments`, '/apis/apps/v1/deployments', `/api/v1/namespaces/${NS}/pods`, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    ];
    const badLabel = ['=', '!', 'a=b=c', 'a in (b', 'a in b)', 'in (a)', '(', ')', ',', 'a,,b', '!!a', 'a!', 'a in ((b))', 'a=b c', ' a b ', '\u0000', 'ü=1', 'a=ü', 'a=' + 'x'.repeat(64), 'x'.repeat(64) + '=a', 'a=b,', '=b', 'a<b', 'a>x', 'a>', 'a gt 1', '%', 'a in (b,c', '!a=b'];
    const badField = ['metadata.name', 'nonsense=x', 'spec.bogus=1', 'metadata.labels=x', '=x', '==', '!metadata.name', 'metadata.name in (a)', 'status.phase>1', '\u0000=x', 'metadata.name=a=b=c', 'metadata.name=a\\x', 'metadata.name=a\\', 'constructor=x', 'toString=x', '__proto__=x'];
    const b64 = (s: string): string => Buffer.from(s).toString('base64url');
    const badContinue = [
      'x', '!!!', '====', b64('{}'), b64('null'), b64('[]'), b64('{"v":"meta.k8s.io/v1"}'), b64('{"v":"meta.k8s.io/v1","rv":"1","start":"a"}'),
      b64('{"v":"meta.k8s.io/v1","rv":0,"start":"a"}'), b64('{"v":"meta.k8s.io/v1","rv":-5,"start":"a"}'), b64('{"v":"meta.k8s.io/v1","rv":1.5,"start":"a"}'),
      b64('{"v":"meta.k8s.io/v1","rv":1,"start":"../../secrets/robust/s"}'), b64('{"v":"meta.k8s.io/v1","rv":1,"start":"/registry/secrets/"}'),
      b64('{"v":"meta.k8s.io/v1","rv":1e300,"start":"a"}'), b64('{"v":"other","rv":1,"start":"a"}'), b64('\u0000\u0001'), '%00', 'a'.repeat(10_000),
    ];
    const badRv = ['-1', 'abc', '1.5', '99999999999999999999999', '0x10', ' 1', '1 ', '+1', '1e3', 'NaN', '\u0000', '١٢'];
    const tasks: Array<() => Promise<unknown>> = [];
    for (const list of lists) {
      const q = (k: string, v: string): string => `${list}?${k}=${encodeURIComponent(v)}`;
      for (const s of badLabel) {
        tasks.push(() => expectFailure(p, `labelSelector ${JSON.stringify(s)}`, { path: q('labelSelector', s) }, [400], 'BadRequest'));
        tasks.push(() => expectFailure(p, `watch labelSelector ${JSON.stringify(s)}`, { path: q('labelSelector', s) + '&watch=true&timeoutSeconds=1' }, [400], 'BadRequest'));
      }
      for (const s of badField) {
        tasks.push(() => expectFailure(p, `fieldSelector ${JSON.stringify(s)}`, { path: q('fieldSelector', s) }, [400], 'BadRequest'));
        tasks.push(() => expectFailure(p, `watch fieldSelector ${JSON.stringify(s)}`, { path: q('fieldSelector', s) + '&watch=true&timeoutSeconds=1' }, [400], 'BadRequest'));
      }
      for (const c of badContinue) tasks.push(() => expectFailure(p, `continue ${JSON.stringify(c.slice(0, 40))}`, { path: `${q('continue', c)}&limit=2` }, [400, 410]));
      for (const rv of badRv) {
        tasks.push(() => expectFailure(p, `resourceVersion ${JSON.stringify(rv)}`, { path: q('resourceVersion', rv) }, [400]));
        tasks.push(() => expectFailure(p, `watch resourceVersion ${JSON.stringify(rv)}`, { path: q('resourceVersion', rv) + '&watch=true&timeoutSeconds=1' }, [400]));
        tasks.push(() => expectFailure(p, `exact resourceVersion ${JSON.stringify(rv)}`, { path: q('resourceVersion', rv) + '&resourceVersionMatch=Exact' }, [400]));
      }
      for (const v of ['abc', '1.5', '99999999999999999999', '-', '', '0x10', '1e3']) {
        if (v !== '') tasks.push(() => expectFailure(p, `limit ${JSON.stringify(v)}`, { path: q('limit', v) }, [400]));
        if (v !== '') tasks.push(() => expectFailure(p, `timeoutSeconds ${JSON.stringify(v)}`, { path: q('timeoutSeconds', v) + '&watch=true' }, [400]));
      }
      tasks.push(() => expectFailure(p, 'a boolean that is not one', { path: q('allowWatchBookmarks', 'maybe') }, [400], 'BadRequest'));
      tasks.push(() => expectFailure(p, 'resourceVersionMatch without resourceVersion', { path: q('resourceVersionMatch', 'NotOlderThan') }, [422], 'Invalid'));
      tasks.push(() => expectFailure(p, 'unknown resourceVersionMatch', { path: q('resourceVersionMatch', 'Bogus') + '&resourceVersion=1' }, [422], 'Invalid'));
      tasks.push(() => expectFailure(p, 'Exact with resourceVersion 0', { path: q('resourceVersionMatch', 'Exact') + '&resourceVersion=0' }, [422], 'Invalid'));
      tasks.push(() => expectFailure(p, 'continue with resourceVersion', { path: `${q('continue', b64('{"v":"meta.k8s.io/v1","rv":1,"start":"a"}'))}&resourceVersion=5` }, [400], 'BadRequest'));
      tasks.push(() => expectFailure(p, 'sendInitialEvents on a list', { path: q('sendInitialEvents', 'true') }, [422], 'Invalid'));
      // Documented successes: unknown parameters are ignored, odd but legal values work.
      for (const extra of ['bogus=1', 'limit=-1', 'limit=0', 'timeoutSeconds=-5', 'pretty=yes', 'watch=false', 'allowWatchBookmarks=false', `${'x'.repeat(2000)}=y`, 'a=%00', 'labelSelector=', 'fieldSelector=', 'continue=', 'resourceVersion=', 'resourceVersion=0', 'resourceVersion=1&resourceVersionMatch=NotOlderThan']) {
        tasks.push(() => expectSuccessOrFailure(p, `odd parameter ${extra.slice(0, 40)}`, { path: `${list}?${extra}` }).then((r) => {
          if (r && r.status !== 200) p.add('odd parameter must be ignored', { path: `${list}?${extra.slice(0, 40)}` }, `HTTP ${r.status} ${reasonOf(r)}`);
        }));
      }
      // A revision far ahead of the store: 504 Too large resource version with Retry-After (as upstream), never a hang.
      tasks.push(async () => {
        const r = await expectFailure(p, 'future resourceVersion', { path: q('resourceVersion', '999999999999') }, [504], 'Timeout');
        if (r && !r.headers['retry-after']) p.add('future resourceVersion', { path: list }, '504 without Retry-After');
        // client-go's reflector relists from scratch only when it sees this cause (IsTooLargeResourceVersion).
        const causes = r ? ((JSON.parse(r.body.toString()) as { details?: { causes?: Array<{ reason?: string }> } }).details?.causes ?? []) : [];
        if (r && !causes.some((c) => c.reason === 'ResourceVersionTooLarge')) p.add('future resourceVersion', { path: list }, '504 without the ResourceVersionTooLarge cause');
      });
    }
    // Forged tokens that name another prefix must never leak other objects.
    const forged = b64(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 1, start: '../secrets/robust/' }));
    tasks.push(async () => {
      const r = await send({ path: `/api/v1/namespaces/${NS}/configmaps?limit=2&continue=${forged}` });
      if (r.status === 200 && /"kind":"Secret"/.test(r.body.toString())) p.add('forged continue', { path: 'configmaps?continue=…' }, 'a secret leaked through a forged continue token');
      p.add('forged continue', { path: 'configmaps?continue=…' }, r.status === 200 ? undefined : statusProblem(r));
    });
    await pool(tasks, 8);
    await assertReady();
    p.assertNone();
  });

  test('deletecollection, delete and watch with bad input leave the data alone', async () => {
    const p = new Problems();
    // Victims of their own: a deletecollection that wrongly succeeds must not take the fixtures with it.
    const VICTIMS = 'victims';
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: VICTIMS } });
    for (let i = 0; i < 5; i++) await create(`/api/v1/namespaces/${VICTIMS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` } });
    const coll = `/api/v1/namespaces/${VICTIMS}/configmaps`;
    for (const [body, ct] of [['not json', 'application/json'], ['[]', 'application/json'], ['"x"', 'application/json'], ['5', 'application/json'], ['{"gracePeriodSeconds":"x"}', 'application/json'], ['{"propagationPolicy":"Nope"}', 'application/json'], ['{"preconditions":5}', 'application/json'], ['{"preconditions":{"uid":5}}', 'application/json'], ['{"dryRun":"All"}', 'application/json'], ['{"dryRun":["Bogus"]}', 'application/json'], ['{"orphanDependents":true,"propagationPolicy":"Orphan"}', 'application/json'], ['{"kind":"ConfigMap"}', 'application/json'], ['a: [', 'application/yaml'], ['{}', 'text/plain'], ['\x00garbage', 'application/vnd.kubernetes.protobuf'], ['k8s\x00\xff\xff\xff', 'application/vnd.kubernetes.protobuf']]) {
      // DeleteOptions that decode but do not validate (dryRun: ["Bogus"]) are upstream's 422.
      const codes = body.includes('Bogus') ? [422] : [400, 415];
      await expectFailure(p, `deletecollection body ${body}`, { method: 'DELETE', path: coll, headers: { 'content-type': ct }, body: Buffer.from(body, 'latin1') }, codes);
      await expectFailure(p, `delete body ${body}`, { method: 'DELETE', path: `${coll}/cm-0`, headers: { 'content-type': ct }, body: Buffer.from(body, 'latin1') }, codes);
    }
    for (const q of ['labelSelector=a%20in%20(', 'fieldSelector=bogus=1', 'gracePeriodSeconds=abc', 'propagationPolicy=Nope', 'dryRun=Bogus', 'fieldValidation=Nope', 'limit=abc', 'resourceVersion=abc']) {
      await expectFailure(p, `deletecollection ${q}`, { method: 'DELETE', path: `${coll}?${q}` }, [400]);
    }
    for (const q of ['gracePeriodSeconds=abc', 'propagationPolicy=Nope', 'dryRun=Bogus', 'gracePeriodSeconds=1.5', 'gracePeriodSeconds=99999999999999999999']) {
      await expectFailure(p, `delete ${q}`, { method: 'DELETE', path: `${coll}/cm-0?${q}` }, [400]);
    }
    // Cluster-scoped kinds without deletecollection and namespaced collections at cluster scope.
    await expectFailure(p, 'deletecollection of namespaces', { method: 'DELETE', path: '/api/v1/namespaces?dryRun=All' }, [405]);
    await expectFailure(p, 'deletecollection at cluster scope', { method: 'DELETE', path: '/api/v1/configmaps' }, [404, 405]);
    await expectFailure(p, 'create at cluster scope', { method: 'POST', path: '/api/v1/configmaps', headers: JSON_CT, body: '{}' }, [404, 405]);
    // Watches with bad parameters answer a Status before any stream starts.
    const left = JSON.parse((await send({ path: coll })).body.toString()) as { items: unknown[] };
    if (left.items.length !== 5) p.add('victims', { path: coll }, `${5 - left.items.length} of 5 objects were deleted by requests that should have failed`);
    const w = `/api/v1/namespaces/${NS}/configmaps?watch=true`;
    for (const q of ['resourceVersion=abc', 'resourceVersion=-1', 'timeoutSeconds=abc', 'labelSelector=%3D', 'fieldSelector=x', 'resourceVersionMatch=Bogus&resourceVersion=1', 'sendInitialEvents=true&resourceVersionMatch=Exact&resourceVersion=1']) {
      await expectFailure(p, `watch ${q}`, { path: `${w}&${q}` }, [400, 422]);
    }
    const wAccept = await send({ path: `${w}&timeoutSeconds=1`, headers: { accept: 'application/vnd.kubernetes.protobuf' } });
    p.add('watch protobuf only', { path: w }, statusProblem(wAccept, [406]));
    await assertReady();
    p.assertNone();
  });

  test('discovery, OpenAPI, unknown paths, methods and content types', async () => {
    const p = new Problems();
    const tasks: Array<() => Promise<unknown>> = [];
    const notFound = ['/apis/nope', '/apis/nope/v1', '/apis/apps/v999', '/api/v2', '/apis/apps/v1/nopes', '/api/v1/nopes', '/api/v1/namespaces/robust/nopes', '/apis/apps/v1/namespaces/robust/deployments/d/nope', '/api/v1/namespaces/robust/configmaps/cm-0/status', '/api/v1/namespaces/robust/configmaps/cm-0/a/b/c', '/openapi/v3/apis/nope/v1', '/openapi/v3/api/v2', '/openapi/v4', '/nope', '/api/v1/nodes/x/proxy/y', '/apis/apps/v1/namespaces/robust/deployments/d/scale/x', '/metrics/nope'];
    for (const path of notFound) tasks.push(() => expectFailure(p, 'unknown path', { path }, [404], 'NotFound'));
    // Methods the server does not serve.
    const paths = ['/api/v1/namespaces/robust/configmaps', '/api/v1/namespaces/robust/configmaps/cm-0', '/apis/apps/v1/namespaces/robust/deployments/d/scale', '/api/v1/namespaces/robust/configmaps/cm-0/status'];
    for (const path of paths) {
      for (const method of ['OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'COPY', 'MOVE', 'PURGE', 'SEARCH', 'REPORT']) {
        // 404 where the path names no route at all (configmaps have no status), 405 where the route takes other methods.
        tasks.push(() => expectFailure(p, `method ${method}`, { method, path }, path.endsWith('/status') ? [404] : [405]));
      }
      // Node's client cannot send CONNECT as a plain request; the raw socket can.
      tasks.push(async () => {
        const reply = parseRawResponse(await http.raw(`CONNECT ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, 5_000));
        p.add('method CONNECT', { method: 'CONNECT', path }, reply ? statusProblem(reply, [404, 405]) : 'no HTTP answer');
      });
    }
    tasks.push(() => expectFailure(p, 'POST to an item', { method: 'POST', path: '/api/v1/namespaces/robust/configmaps/cm-0', headers: JSON_CT, body: '{}' }, [405]));
    tasks.push(() => expectFailure(p, 'PUT to a collection', { method: 'PUT', path: '/api/v1/namespaces/robust/configmaps', headers: JSON_CT, body: '{}' }, [405]));
    tasks.push(() => expectFailure(p, 'POST to a virtual kind with GET', { path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews' }, [405]));
    for (const path of ['/api', '/apis', '/api/v1', '/apis/apps/v1', '/openapi/v2', '/openapi/v3', '/openapi/v3/api/v1', '/version']) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        tasks.push(() => expectFailure(p, `${method} on a read-only path`, { method, path, headers: JSON_CT, body: '{"x":' }, [405]));
      }
      tasks.push(() => expectSuccessOrFailure(p, 'HEAD', { method: 'HEAD', path }));
    }
    // Content negotiation.
    for (const accept of ['application/vnd.kubernetes.protobuf', 'text/html', 'application/json;as=Nope;g=x;v=y', 'application/json;as=Table;g=meta.k8s.io;v=v9', ',,,;;;', 'a'.repeat(5000)]) {
      tasks.push(() => expectFailure(p, `Accept ${accept.slice(0, 40)}`, { path: '/api/v1/namespaces/robust/configmaps/cm-0', headers: { accept } }, [406], 'NotAcceptable'));
      tasks.push(() => expectFailure(p, `list Accept ${accept.slice(0, 40)}`, { path: '/api/v1/namespaces/robust/configmaps', headers: { accept } }, [406], 'NotAcceptable'));
    }
    for (const ct of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json-patch+json', 'image/png', ';;;', 'application/vnd.kubernetes.protobuf;stream=watch', 'application/cbor']) {
      tasks.push(() => expectFailure(p, `create Content-Type ${ct}`, { method: 'POST', path: `/api/v1/namespaces/${FUZZ}/configmaps`, headers: { 'content-type': ct }, body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ct"}}' }, [400, 415]));
    }
    // Protobuf with the magic prefix but garbage after it.
    const magic = Buffer.from('k8s\0', 'latin1');
    const rnd = prng(SEED);
    const protoBodies: Buffer[] = [magic, Buffer.concat([magic, Buffer.from([0xff])]), Buffer.concat([magic, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]), Buffer.concat([magic, Buffer.from([0x0a, 0x05, 0x0a, 0x02, 0x76, 0x31])]), Buffer.concat([magic, Buffer.from([0x12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])])];
    // A plausible envelope (ConfigMap v1) whose raw message is garbage.
    const env = (raw: Buffer): Buffer => {
      const tm = Buffer.concat([Buffer.from([0x0a, 2]), Buffer.from('v1'), Buffer.from([0x12, 9]), Buffer.from('ConfigMap')]);
      const lenRaw = raw.length < 128 ? Buffer.from([raw.length]) : Buffer.from([(raw.length & 0x7f) | 0x80, raw.length >> 7]);
      return Buffer.concat([magic, Buffer.from([0x0a, tm.length]), tm, Buffer.from([0x12]), lenRaw, raw]);
    };
    for (let i = 0; i < 60; i++) {
      const len = Math.floor(rnd() * 300);
      const raw = Buffer.from(Array.from({ length: len }, () => Math.floor(rnd() * 256)));
      protoBodies.push(i % 2 ? Buffer.concat([magic, raw]) : env(raw));
    }
    // Deeply nested protobuf messages (each field 1 a nested message).
    let deepProto = Buffer.alloc(0);
    for (let i = 0; i < 2000; i++) {
      const len = deepProto.length;
      const varint: number[] = [];
      let n = len;
      do { varint.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0)); n >>>= 7; } while (n > 0);
      deepProto = Buffer.concat([Buffer.from([0x0a, ...varint]), deepProto]);
      if (deepProto.length > 1_000_000) break;
    }
    protoBodies.push(env(deepProto));
    for (const [i, body] of protoBodies.entries()) {
      for (const t of TARGETS.slice(0, 3)) {
        tasks.push(() => expectFailure(p, `protobuf garbage #${i}`, { method: 'POST', path: t.collection, headers: { 'content-type': 'application/vnd.kubernetes.protobuf' }, body }, [400, 415, 422]));
        tasks.push(() => expectFailure(p, `protobuf garbage #${i} (update)`, { method: 'PUT', path: t.item, headers: { 'content-type': 'application/vnd.kubernetes.protobuf' }, body }, [400, 409, 415, 422]));
      }
    }
    await pool(tasks, 8);
    await assertReady();
    p.assertNone();
  });

  test('upgrade headers, huge URLs and headers, path traversal, raw protocol garbage', async () => {
    const p = new Problems();
    // Upgrade requests on paths that do not upgrade are served as plain requests (Go's server ignores the header too).
    const upgrades: Array<Record<string, string>> = [
      { connection: 'Upgrade', upgrade: 'websocket' },
      { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'garbage' },
      { connection: 'Upgrade', upgrade: 'SPDY/3.1' },
      { connection: 'Upgrade' },
      { upgrade: 'websocket' },
      { connection: 'Upgrade', upgrade: 'h2c' },
      { connection: 'Upgrade', upgrade: '\u0001' },
      { connection: 'Upgrade, close', upgrade: 'websocket', 'sec-websocket-protocol': 'v4.channel.k8s.io' },
    ];
    for (const headers of upgrades) {
      for (const path of [`/api/v1/namespaces/${NS}/configmaps`, `/api/v1/namespaces/${NS}/configmaps/cm-0`, `/api/v1/namespaces/${NS}/pods/nope/exec?command=sh`, `/api/v1/namespaces/${FUZZ}/pods/p/exec?command=sh`, `/api/v1/namespaces/${FUZZ}/pods/p/attach`, `/api/v1/namespaces/${FUZZ}/pods/p/portforward`, '/api', '/healthz']) {
        const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
        const raw = await http.raw(`GET ${path} HTTP/1.1\r\nHost: x\r\n${lines}\r\n\r\n`, 5_000);
        const reply = parseRawResponse(raw);
        if (!reply) {
          p.add(`upgrade ${JSON.stringify(headers)}`, { path }, `no HTTP answer (${raw.length} bytes: ${raw.toString('latin1').slice(0, 80)})`);
          continue;
        }
        if (reply.status === 101) {
          p.add(`upgrade ${JSON.stringify(headers)}`, { path }, 'switched protocols on a path that does not upgrade or with a bogus upgrade');
          continue;
        }
        if (reply.status >= 400) p.add(`upgrade ${JSON.stringify(headers)}`, { path }, statusProblem(reply));
        else if (reply.status >= 300) p.add(`upgrade ${JSON.stringify(headers)}`, { path }, `HTTP ${reply.status}`);
      }
    }
    // Very long URLs and headers: upstream accepts up to 1 MiB of header; beyond that a 431 Status.
    const longPath = `/api/v1/namespaces/${NS}/configmaps/${'a'.repeat(20_000)}`;
    await expectFailure(p, '20 KB name in the URL', { path: longPath }, [404]);
    await expectFailure(p, '20 KB label selector', { path: `/api/v1/namespaces/${NS}/configmaps?labelSelector=${'a'.repeat(20_000)}` }, [400]);
    const longHeader = await send({ path: `/api/v1/namespaces/${NS}/configmaps/cm-0`, headers: { 'x-long': 'b'.repeat(100_000) } });
    assert.equal(longHeader.status, 200, `a 100 KB header: ${longHeader.status}`);
    for (const [label, request] of [
      ['2 MiB URL', `GET /api/v1/namespaces/${NS}/configmaps?x=${'a'.repeat(2 * 1024 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['2 MiB header', `GET /api/v1/namespaces/${NS}/configmaps HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(2 * 1024 * 1024)}\r\n\r\n`],
      ['10k headers', `GET /api HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 10_000 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\n`],
    ] as const) {
      const raw = await http.raw(request, 10_000);
      const reply = parseRawResponse(raw);
      if (!reply) p.add(label, { path: '(raw)' }, `no HTTP answer (${raw.length} bytes)`);
      else if (reply.status !== 200) p.add(label, { path: '(raw)' }, statusProblem(reply, [400, 414, 431]));
    }
    // Path traversal never reaches another namespace's objects.
    for (const path of [`/api/v1/namespaces/${FUZZ}/configmaps/../../${NS}/configmaps/cm-0`, `/api/v1/namespaces/../..`, `/api/v1/namespaces/${FUZZ}/configmaps/%2e%2e/%2e%2e/${NS}/configmaps/cm-0`, `/api/v1/namespaces/${FUZZ}/configmaps/..%2f..%2f${NS}%2fconfigmaps%2fcm-0`, `/api/v1/namespaces/${FUZZ}%2f..%2f${NS}/configmaps/cm-0`, `/api/v1/namespaces/${FUZZ}/secrets/..%5c..%5c${NS}%5csecrets%5cs`, '/api/v1/namespaces/%2e%2e/secrets', '//api//v1//namespaces//robust//configmaps//cm-0', '/api/./v1/./namespaces/robust/configmaps/cm-0']) {
      const raw = await http.raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 5_000);
      const reply = parseRawResponse(raw);
      if (!reply) {
        p.add('path traversal', { path }, 'no HTTP answer');
        continue;
      }
      if (reply.status === 200 && /"name":"(cm-0|s)"/.test(reply.body.toString())) p.add('path traversal', { path }, `served ${reply.body.toString().slice(0, 100)}`);
      else if (reply.status !== 200 && reply.status !== 301) p.add('path traversal', { path }, statusProblem(reply, [400, 404]));
    }
    // Raw protocol garbage: a Status for anything with a request line and headers; a closed
    // connection only where the framing breaks inside a body already being read.
    const garbage: Array<[string, boolean]> = [
      ['FOO /api HTTP/1.1\r\nHost: x\r\n\r\n', true],
      ['GET /api HTTP/9.9\r\nHost: x\r\n\r\n', true],
      ['GET /api\r\n\r\n', false],
      ['GET  /api  HTTP/1.1\r\n\r\n', true],
      ['GET /api HTTP/1.1\r\n\r\n', true], // no Host
      ['OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', true],
      ['GET /api HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', true],
      ['POST /api/v1/namespaces/fuzz/configmaps HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef', true],
      ['POST /api/v1/namespaces/fuzz/configmaps HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', false],
      ['POST /api/v1/namespaces/fuzz/configmaps HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n', true],
      ['GET /api HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', true],
      ['GET /api HTTP/1.1\r\nHost: x\r\nX: \u0000\r\n\r\n', true],
      [`GET /api/v1/namespaces/${NS}/configmaps/\u00ff HTTP/1.1\r\nHost: x\r\n\r\n`, true],
      ['GET /api HTTP/1.1\r\nHost: x\r\n \r\n\r\n', true],
      ['\r\n\r\n\r\n', false],
      ['\u0016\u0003\u0001\u0000', false],
      ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', true],
    ];
    for (const [g, mustAnswer] of garbage) {
      const label = JSON.stringify(g.slice(0, 50));
      const raw = await http.raw(Buffer.from(g, 'latin1'), 5_000);
      if (raw.length === 0) {
        if (mustAnswer) p.add('garbage', { path: label }, 'the connection closed without an answer');
        continue;
      }
      const reply = parseRawResponse(raw);
      if (!reply) p.add('garbage', { path: label }, `unparseable answer ${raw.toString('latin1').slice(0, 80)}`);
      else if (reply.status >= 400 || mustAnswer) p.add('garbage', { path: label }, reply.status < 300 && !mustAnswer ? undefined : statusProblem(reply));
    }
    // A client that sends half a body and hangs up must not wedge anything.
    for (let i = 0; i < 20; i++) {
      await http.raw(`POST /api/v1/namespaces/${FUZZ}/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"apiVersion":`, 50);
    }
    await assertReady();
    p.assertNone();
  });

  test(`random input (seed ${SEED}) is always answered with a Status or a success`, async (t) => {
    const p = new Problems();
    const rnd = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    /** Printable ASCII only: what a client can put in a header at all. */
    const headerString = (max: number): string => Array.from({ length: Math.floor(rnd() * max) }, () => String.fromCharCode(0x20 + Math.floor(rnd() * 95))).join('');
    const randomString = (max: number): string => {
      const alphabet = ['a', 'b', 'Z', '0', '-', '.', '/', ' ', '"', '\\', '\u0000', 'ü', '😀', '{', '[', ':', ',', '=', '!', '(', ')', '%', '~', '\n'];
      return Array.from({ length: Math.floor(rnd() * max) }, () => pick(alphabet)).join('');
    };
    const randomJson = (depth: number): Json => {
      const r = rnd();
      if (depth <= 0 || r < 0.3) return pick([null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, '', 'x', randomString(20), '2024-01-01T00:00:00Z', '100m', 'Always']);
      if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomJson(depth - 1));
      const obj: Record<string, Json> = {};
      for (let i = Math.floor(rnd() * 4); i > 0; i--) obj[pick(['name', 'spec', 'metadata', 'labels', 'containers', 'items', 'value', 'port', randomString(8), '__proto__', 'constructor', '$patch', '$retainKeys'])] = randomJson(depth - 1);
      return obj;
    };
    /** Every path of objects inside `v` (for mutation). */
    const paths = (v: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> => {
      out.push(prefix);
      if (Array.isArray(v)) v.forEach((c, i) => paths(c, [...prefix, i], out));
      else if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) paths(c, [...prefix, k], out);
      return out;
    };
    /** A different value of the same JSON type: gets past decoding, into defaulting, validation and storage. */
    const sameType = (v: Json): Json => {
      if (typeof v === 'string') return pick(['', 'x', randomString(30), 'a'.repeat(300), '-1', '0', 'Always', 'TCP', '100m', '1Gi', '2024-01-01T00:00:00Z', v + v]);
      if (typeof v === 'number') return pick([0, -1, 1, 65535, 65536, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Math.floor(rnd() * 1000)]);
      if (typeof v === 'boolean') return !v;
      if (Array.isArray(v)) return pick([[], [...v, ...v], v.slice(1), [...v, structuredClone(v[0] ?? null)]]);
      if (v && typeof v === 'object') return pick([{}, Object.fromEntries(Object.entries(v).slice(1)), { ...v, [randomString(8) || 'k']: randomJson(1) }]);
      return null;
    };
    const mutate = (doc: Json): Json => {
      const copy = structuredClone(doc);
      const all = paths(copy).filter((x) => x.length > 0);
      for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
        const path = pick(all);
        let parent = copy as Record<string | number, Json>;
        for (const part of path.slice(0, -1)) parent = (parent?.[part] ?? {}) as Record<string | number, Json>;
        if (!parent || typeof parent !== 'object') continue;
        const last = path[path.length - 1];
        const what = rnd();
        const current = parent[last];
        if (what < 0.45) parent[last] = sameType(current);
        else if (what < 0.7) parent[last] = randomJson(3);
        else if (what < 0.85) delete parent[last];
        else parent[randomString(10) || 'k'] = randomJson(2);
      }
      return copy;
    };
    const textMutate = (text: string): Buffer => {
      const b = Buffer.from(text);
      const what = rnd();
      if (what < 0.3) return b.subarray(0, Math.floor(rnd() * b.length));
      const out = Buffer.from(b);
      for (let n = 1 + Math.floor(rnd() * 5); n > 0; n--) out[Math.floor(rnd() * out.length)] = Math.floor(rnd() * 256);
      return what < 0.6 ? out : Buffer.concat([out.subarray(0, Math.floor(rnd() * out.length)), Buffer.from(Array.from({ length: Math.floor(rnd() * 50) }, () => Math.floor(rnd() * 256))), out.subarray(Math.floor(rnd() * out.length))]);
    };
    const CONTENT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'text/plain', '', 'application/json; charset=utf-8', 'application/merge-patch+json', '*/*'];
    const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
    const QUERY_KEYS = ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'resourceVersionMatch', 'timeoutSeconds', 'dryRun', 'fieldValidation', 'fieldManager', 'force', 'propagationPolicy', 'gracePeriodSeconds', 'pretty', 'allowWatchBookmarks', 'sendInitialEvents', 'orphanDependents', randomString(5)];
    const randomQuery = (): string => {
      const parts: string[] = [];
      for (let n = Math.floor(rnd() * 4); n > 0; n--) {
        const key = pick(QUERY_KEYS);
        // Far-future revisions would make every read a 504; they have their own test.
        const value = key === 'resourceVersion' ? pick(['', '0', '1', 'x', '-1']) : pick(['', '1', '-1', 'true', 'x', 'All', 'Strict', randomString(12)]);
        parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
      }
      return parts.length ? `?${parts.join('&')}` : '';
    };

    const requests: RawRequest[] = [];
    const N = Number(process.env.SKIFF_FUZZ_COUNT ?? 2500);
    for (let i = 0; i < N; i++) {
      const t = pick([...TARGETS.filter((x) => x.name !== 'namespace'), CR_TARGET, CR_TARGET, CRD_TARGET]);
      const r = rnd();
      if (r < 0.35) {
        // A structurally mutated valid object, created or updated.
        const create = rnd() < 0.5;
        // Creates mostly under a fresh name, so a body that survives everything is stored, not an AlreadyExists.
        const base = create && t.name !== 'crd' && rnd() < 0.8 ? setPath(t.body, 'metadata.name', `fz-${i}`) : t.body;
        const body = JSON.stringify(mutate(base));
        requests.push({ method: create ? 'POST' : 'PUT', path: (create ? t.collection : t.item) + randomQuery(), headers: JSON_CT, body });
      } else if (r < 0.55) {
        // A patch of a random type whose body is a mutated object, a random value or mangled text.
        const ct = pick(PATCH_TYPES);
        let body: Buffer;
        if (ct === 'application/json-patch+json') {
          body = Buffer.from(JSON.stringify(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({ op: pick(['add', 'remove', 'replace', 'move', 'copy', 'test', 'x']), path: '/' + paths(t.body).filter((x) => x.length)[Math.floor(rnd() * 10)]?.join('/'), from: pick(['/metadata', '/spec', '/x', '']), value: randomJson(2) }))));
        } else body = rnd() < 0.5 ? Buffer.from(JSON.stringify(mutate(t.body))) : textMutate(JSON.stringify(t.body));
        const sub = rnd() < 0.2 && t.subresources.length ? `/${pick(t.subresources)}` : '';
        const q = ct.includes('apply') ? `?fieldManager=fuzz${rnd() < 0.5 ? '&force=true' : ''}` : randomQuery();
        requests.push({ method: 'PATCH', path: t.item + sub + q, headers: { 'content-type': ct }, body });
      } else if (r < 0.75) {
        // Mangled bytes of a valid object with a random content type.
        const ct = pick(CONTENT_TYPES);
        const body = ct === 'application/vnd.kubernetes.protobuf' ? Buffer.concat([Buffer.from('k8s\0', 'latin1'), textMutate(JSON.stringify(t.body))]) : textMutate(JSON.stringify(t.body));
        requests.push({ method: pick(['POST', 'PUT']), path: (rnd() < 0.5 ? t.collection : t.item) + randomQuery(), headers: ct ? { 'content-type': ct } : {}, body });
      } else if (r < 0.9) {
        // Reads with random queries (fixtures included: reads cannot change them).
        const path = pick([t.collection, t.item, `/api/v1/namespaces/${NS}/configmaps`, `/api/v1/namespaces/${NS}/configmaps/cm-1`, '/api/v1/configmaps', `/apis/apps/v1/namespaces/${NS}/deployments/d`, `${t.item}/status`]);
        requests.push({ method: pick(['GET', 'GET', 'HEAD']), path: path + randomQuery(), headers: rnd() < 0.3 ? { accept: pick(['application/json;as=Table;v=v1;g=meta.k8s.io', 'application/yaml', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io', 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io', headerString(20)]) } : {} });
      } else {
        // Pure random bytes to random write endpoints.
        const body = Buffer.from(Array.from({ length: Math.floor(rnd() * 400) }, () => Math.floor(rnd() * 256)));
        requests.push({ method: pick(['POST', 'PUT', 'PATCH', 'DELETE']), path: pick([t.collection, t.item]).replace(`/namespaces/${NS}/`, `/namespaces/${FUZZ}/`) + (rnd() < 0.5 ? '?dryRun=All' : ''), headers: { 'content-type': pick([...CONTENT_TYPES, ...PATCH_TYPES]) }, body });
      }
    }
    // Random DELETEs of whole collections could empty the fuzz namespace; they are fine, but never in NS.
    for (const r of requests) assert.ok(r.method === 'GET' || r.method === 'HEAD' || !r.path.includes(`/namespaces/${NS}/`), `fuzz request would write to ${NS}: ${r.method} ${r.path}`);

    const started = Date.now();
    let done = 0;
    const codes = new Map<string, number>();
    await pool(requests.map((r, i) => async () => {
      const reply = await expectSuccessOrFailure(p, `fuzz #${i}`, r);
      const key = reply ? `${reply.status}${reply.status >= 400 && r.method !== 'HEAD' ? ` ${reasonOf(reply)}` : ''}` : 'no answer';
      codes.set(key, (codes.get(key) ?? 0) + 1);
      if (++done % 500 === 0) await assertReady();
    }), 8);
    // How deep the requests got: successes and 422s mean the body passed decoding and reached validation or storage.
    t.diagnostic(`answers: ${[...codes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 60_000, `${N} random requests took ${elapsed} ms`);
    await assertReady();
    p.assertNone();
  });

  test('the fixtures survived everything and lists still work', async () => {
    await assertReady();
    for (const [path, before] of fixtures) {
      const reply = await send({ path });
      assert.equal(reply.status, 200, `${path}: ${reply.status} ${reply.body.toString()}`);
      // What clients wrote: controllers legitimately add status and bookkeeping (e.g. a Deployment's revision).
      const written = (o: { metadata: { uid: string; name: string; labels?: unknown }; spec?: unknown; data?: unknown }) => ({ uid: o.metadata.uid, name: o.metadata.name, labels: o.metadata.labels, spec: o.spec, data: o.data });
      assert.deepEqual(written(JSON.parse(reply.body.toString())), written(before as never), `${path} changed`);
    }
    const list = await send({ path: `/api/v1/namespaces/${NS}/configmaps` });
    assert.equal(list.status, 200);
    const names = (JSON.parse(list.body.toString()) as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name);
    assert.deepEqual(names.sort(), [...fixtures.keys()].filter((k) => k.includes('/configmaps/')).map((k) => k.split('/').pop()!).sort());
    // Paging across the whole store still works and sees every fixture exactly once.
    const seen: string[] = [];
    let cont = '';
    for (let pages = 0; pages < 1000; pages++) {
      const r = await send({ path: `/api/v1/configmaps?limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ''}` });
      assert.equal(r.status, 200, r.body.toString());
      const body = JSON.parse(r.body.toString()) as { items: Array<{ metadata: { namespace: string; name: string } }>; metadata: { continue?: string } };
      seen.push(...body.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`));
      cont = body.metadata.continue ?? '';
      if (!cont) break;
    }
    assert.equal(new Set(seen).size, seen.length, 'paging returned duplicates');
    for (let i = 0; i < 10; i++) assert.ok(seen.includes(`${NS}/cm-${i}`), `paging missed ${NS}/cm-${i}`);
    // Watch still works end to end.
    const watch = await send({ path: `/api/v1/namespaces/${NS}/configmaps?watch=true&timeoutSeconds=1`, timeoutMs: 10_000 });
    assert.equal(watch.status, 200);
    assert.equal(watch.body.toString().trim().split('\n').length, 10);
    // A watch of one object sees only that object; a selector naming another is refused.
    const one = await send({ path: `/api/v1/namespaces/${NS}/configmaps/cm-1?watch=true&timeoutSeconds=1`, timeoutMs: 10_000 });
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.toString().trim().split('\n').map((l) => (JSON.parse(l) as { object: { metadata: { name: string } } }).object.metadata.name), ['cm-1']);
    const other = await send({ path: `/api/v1/namespaces/${NS}/configmaps/cm-1?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dcm-2` });
    assert.equal(statusProblem(other, [400]), undefined);
    // And writes too.
    await create(`/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after' } });
  });
});

/** A merge/strategic patch that sets `path` to `value` (a list index becomes a one-element list holding a container named `c`). */
function patchFor(path: string, value: Json): Record<string, Json> {
  const parts = path.split('.');
  const out: Record<string, Json> = {};
  let cur: Record<string, Json> = out;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i === parts.length - 1) cur[part] = value;
    else if (/^\d+$/.test(parts[i + 1])) {
      const obj: Record<string, Json> = { name: 'c' };
      cur[part] = [obj];
      cur = obj;
      i++;
      if (i === parts.length - 1) cur = out; // the index itself was the target: nothing more to set
    } else {
      cur = (cur[part] = {}) as Record<string, Json>;
    }
  }
  return out;
}
