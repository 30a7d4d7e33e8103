/**
 * The real kubectl against a real Skiff cluster: what a user types and what upstream
 * kubectl prints for it. The same cases run for the newest kubectl (on PATH) and the
 * oldest supported one (1.27), each against its own cluster, so client differences
 * (OpenAPI v2 vs v3, protobuf bodies, auth whoami's API version…) are all exercised.
 *
 * Every case works in a namespace of its own, so the cases of one kubectl version run
 * concurrently; the restart case runs alone at the end.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startTestCluster, type KubectlOptions, type KubectlResult, type TestCluster } from '../support/cluster.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string): string => join(FIXTURES, name);

/** kubectl versions to run every case with: the one on PATH and the oldest supported. */
const VERSIONS = (process.env.SKIFF_E2E_KUBECTL ?? 'latest,1.27').split(',').map((v) => v.trim()).filter(Boolean);

/** Parsed kubectl JSON/YAML output: shape checked by the assertions themselves. */
type Json = Record<string, any>;

/** Output lines with runs of blanks collapsed, so table rows compare without column widths. */
function rows(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().replace(/\s+/g, ' '));
}

const AGE = String.raw`\d+(s|m\d*s?)`;

function describeResult(args: string[], r: KubectlResult): string {
  return `kubectl ${args.join(' ')} → exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}

for (const version of VERSIONS) {
  describe(`kubectl ${version}`, { concurrency: 1 }, () => {
    let cluster: TestCluster;

    before(async () => { cluster = await startTestCluster(); });
    after(async () => { await cluster?.stop(); });

    const run = (args: string[], o: KubectlOptions = {}): Promise<KubectlResult> => cluster.kubectl(args, { version, ...o });

    /** Runs kubectl, asserts exit code 0 and returns stdout. */
    async function ok(args: string[], o: KubectlOptions = {}): Promise<string> {
      const r = await run(args, o);
      assert.equal(r.code, 0, describeResult(args, r));
      return r.stdout;
    }

    /** Runs kubectl, asserts it failed with `code` (default 1) and returns the result. */
    async function fails(args: string[], o: KubectlOptions & { code?: number } = {}): Promise<KubectlResult> {
      const r = await run(args, o);
      assert.equal(r.code, o.code ?? 1, describeResult(args, r));
      return r;
    }

    async function namespace(name: string): Promise<string> {
      assert.equal(await ok(['create', 'namespace', name]), `namespace/${name} created\n`);
      return name;
    }

    async function getJson(ns: string, what: string[]): Promise<Json> {
      return JSON.parse(await ok(['-n', ns, 'get', ...what, '-o', 'json'])) as Json;
    }

    describe('independent cases', { concurrency: 4 }, () => {
      it('create -f, get in every output format, describe (with Events), delete', async () => {
        const ns = await namespace('crud');
        const app = fixture('app.yaml');
        assert.deepEqual(rows(await ok(['-n', ns, 'create', '-f', app])), [
          'deployment.apps/web created',
          'service/web created',
          'configmap/web-config created',
        ]);
        const again = await fails(['-n', ns, 'create', '-f', app]);
        assert.match(again.stderr, new RegExp(`^Error from server \\(AlreadyExists\\): error when creating "${app.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}": deployments.apps "web" already exists$`, 'm'));

        // -o yaml and -o json: the stored object, defaulted like upstream.
        const yamlObj = parseYaml(await ok(['-n', ns, 'get', 'deployment', 'web', '-o', 'yaml'])) as Json;
        const jsonObj = await getJson(ns, ['deploy', 'web']);
        for (const d of [yamlObj, jsonObj]) {
          assert.equal(d.apiVersion, 'apps/v1');
          assert.equal(d.kind, 'Deployment');
          assert.equal(d.metadata.name, 'web');
          assert.equal(d.metadata.namespace, ns);
          assert.equal(d.metadata.generation, 1);
          assert.match(d.metadata.uid, /^[0-9a-f-]{36}$/);
          assert.match(d.metadata.resourceVersion, /^\d+$/);
          assert.match(d.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
          assert.equal(d.spec.replicas, 2);
          assert.equal(d.spec.strategy.type, 'RollingUpdate');
          assert.equal(d.spec.revisionHistoryLimit, 10);
          assert.equal(d.spec.progressDeadlineSeconds, 600);
          const c = d.spec.template.spec.containers[0];
          assert.equal(c.imagePullPolicy, 'IfNotPresent');
          assert.equal(c.terminationMessagePath, '/dev/termination-log');
          assert.deepEqual(c.ports[0], { containerPort: 80, name: 'http', protocol: 'TCP' });
          assert.equal(d.spec.template.spec.restartPolicy, 'Always');
        }
        assert.equal(yamlObj.metadata.uid, jsonObj.metadata.uid);
        // Only kinds whose strategy tracks it carry a generation (Deployments do, Services and ConfigMaps do not).
        const service = await getJson(ns, ['svc', 'web']);
        assert.equal(service.metadata.generation, undefined);
        assert.deepEqual(service.spec.ports, [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }]);
        assert.equal(service.spec.sessionAffinity, 'None');
        assert.equal(service.spec.type, 'ClusterIP');
        assert.equal((await getJson(ns, ['cm', 'web-config'])).metadata.generation, undefined);

        assert.equal(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.25');
        assert.equal(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={range .spec.template.spec.containers[0].env[*]}{.name}={.value};{end}']), 'MODE=production;DEBUG=false;');
        // (-l app=web: namespaces may hold objects of their own, e.g. kube-root-ca.crt.)
        assert.equal(await ok(['-n', ns, 'get', 'deploy,svc,cm', '-l', 'app=web', '-o', 'name']), 'deployment.apps/web\nservice/web\nconfigmap/web-config\n');
        assert.deepEqual(rows(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,IMAGE:.spec.template.spec.containers[*].image'])), [
          'NAME REPLICAS IMAGE',
          'web 2 nginx:1.25',
        ]);

        // Tables: default and wide.
        const wide = rows(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'wide']));
        assert.equal(wide[0], 'NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR');
        assert.match(wide[1]!, new RegExp(`^web \\d/2 \\d \\d ${AGE} nginx nginx:1.25 app=web$`));
        assert.equal(wide.length, 2);
        const cms = rows(await ok(['-n', ns, 'get', 'configmaps']));
        assert.equal(cms[0], 'NAME DATA AGE');
        assert.ok(cms.some((l) => new RegExp(`^web-config 2 ${AGE}$`).test(l)), cms.join('\n'));
        const svc = rows(await ok(['-n', ns, 'get', 'svc', 'web']));
        assert.equal(svc[0], 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE');
        assert.match(svc[1]!, new RegExp(`^web ClusterIP \\S+ <none> 80/TCP ${AGE}$`));

        // Field validation is strict by default: an unknown field is refused by the server.
        const strict = await fails(['-n', ns, 'create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndatta:\n  a: b\n' });
        assert.equal(strict.stderr, 'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datta"\n');
        const warned = await run(['-n', ns, 'create', '--validate=warn', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndatta:\n  a: b\n' });
        assert.equal(warned.code, 0, describeResult(['create'], warned));
        assert.equal(warned.stdout, 'configmap/typo created\n');
        assert.equal(warned.stderr, 'Warning: unknown field "datta"\n');
        // Re-applied with the typo, the PATCH is refused the way upstream's patch handler refuses it.
        const patched = await fails(['-n', ns, 'apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndatta:\n  a: b\n' });
        // (kubectl first warns that the object was not created by apply.)
        assert.match(patched.stderr, /^Warning: resource configmaps\/typo is missing the kubectl.kubernetes.io\/last-applied-configuration annotation/);
        assert.match(patched.stderr, /\nThe request is invalid: patch: Invalid value: "\{.*\}": strict decoding error: unknown field "datta"\n$/s);
        await ok(['-n', ns, 'delete', 'configmap', 'typo']);

        const missing = await fails(['-n', ns, 'get', 'deploy', 'nope']);
        assert.equal(missing.stderr, 'Error from server (NotFound): deployments.apps "nope" not found\n');

        // An event about the ConfigMap shows up in describe's Events section.
        const uid = await ok(['-n', ns, 'get', 'cm', 'web-config', '-o', 'jsonpath={.metadata.uid}']);
        const event = {
          apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-config.e2e' },
          involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'web-config', namespace: ns, uid },
          reason: 'Checked', message: 'looked at by the e2e suite', type: 'Normal', source: { component: 'e2e-suite' },
          count: 1, firstTimestamp: new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z'), lastTimestamp: new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        };
        assert.equal(await ok(['-n', ns, 'create', '-f', '-'], { input: JSON.stringify(event) }), 'event/web-config.e2e created\n');
        const describedCm = await run(['-n', ns, 'describe', 'configmap', 'web-config']);
        assert.equal(describedCm.code, 0, describeResult(['describe'], describedCm));
        assert.equal(describedCm.stderr, '');
        const cmLines = rows(describedCm.stdout);
        for (const line of ['Name: web-config', `Namespace: ${ns}`, 'Labels: app=web', 'Data', 'color:', 'blue', 'greeting:', 'hello', 'Events:', 'Type Reason Age From Message']) {
          assert.ok(cmLines.includes(line), `describe configmap lacks "${line}":\n${describedCm.stdout}`);
        }
        assert.ok(cmLines.some((l) => /^Normal Checked \S+ e2e-suite looked at by the e2e suite$/.test(l)), describedCm.stdout);

        const describedDeploy = await run(['-n', ns, 'describe', 'deployment', 'web']);
        assert.equal(describedDeploy.code, 0, describeResult(['describe'], describedDeploy));
        assert.equal(describedDeploy.stderr, '');
        const dLines = rows(describedDeploy.stdout);
        for (const line of ['Name: web', `Namespace: ${ns}`, 'Labels: app=web', 'Selector: app=web', 'StrategyType: RollingUpdate', 'Image: nginx:1.25', 'Ports: 80/TCP, 9090/TCP', 'MODE: production', 'DEBUG: false']) {
          assert.ok(dLines.includes(line), `describe deployment lacks "${line}":\n${describedDeploy.stdout}`);
        }
        assert.ok(dLines.some((l) => /^Replicas: 2 desired \| \d+ updated \| \d+ total \| \d+ available \| \d+ unavailable$/.test(l)), describedDeploy.stdout);
        assert.ok(dLines.some((l) => l.startsWith('Events:')), describedDeploy.stdout);

        assert.deepEqual(rows(await ok(['-n', ns, 'delete', '-f', app])), [
          'deployment.apps "web" deleted',
          'service "web" deleted',
          'configmap "web-config" deleted',
        ]);
        const gone = await run(['-n', ns, 'get', 'deploy,svc,cm', '-l', 'app=web']);
        assert.equal(gone.code, 0);
        assert.equal(gone.stdout, '');
        assert.equal(gone.stderr, `No resources found in ${ns} namespace.\n`);
      });

      it('apply -f: create, unchanged, configured with a three-way merge', async () => {
        const ns = await namespace('apply');
        assert.deepEqual(rows(await ok(['-n', ns, 'apply', '-f', fixture('app.yaml')])), [
          'deployment.apps/web created',
          'service/web created',
          'configmap/web-config created',
        ]);
        assert.deepEqual(rows(await ok(['-n', ns, 'apply', '-f', fixture('app.yaml')])), [
          'deployment.apps/web unchanged',
          'service/web unchanged',
          'configmap/web-config unchanged',
        ]);
        // A label added by someone else survives re-applies: it is not in last-applied.
        assert.equal(await ok(['-n', ns, 'label', 'configmap', 'web-config', 'owner=ops']), 'configmap/web-config labeled\n');
        const before = await getJson(ns, ['deploy', 'web']);

        assert.deepEqual(rows(await ok(['-n', ns, 'apply', '-f', fixture('app-v2.yaml')])), [
          'deployment.apps/web configured',
          'service/web unchanged',
          'configmap/web-config configured',
        ]);
        const d = await getJson(ns, ['deploy', 'web']);
        assert.equal(d.spec.replicas, 3);
        const c = d.spec.template.spec.containers[0];
        // Removed from the manifest, so removed from the object (last-applied said we owned them).
        assert.deepEqual(c.ports, [{ containerPort: 80, name: 'http', protocol: 'TCP' }]);
        assert.deepEqual(c.env, [{ name: 'MODE', value: 'production' }]);
        assert.equal(d.metadata.generation, 2);
        assert.equal(d.metadata.uid, before.metadata.uid);
        assert.ok(BigInt(d.metadata.resourceVersion) > BigInt(before.metadata.resourceVersion));
        const lastApplied = JSON.parse(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']) as Json;
        assert.equal(lastApplied.spec.replicas, 3);

        const cm = await getJson(ns, ['cm', 'web-config']);
        assert.deepEqual(cm.data, { color: 'green', greeting: 'hello' });
        assert.deepEqual(cm.metadata.labels, { app: 'web', owner: 'ops' });

        // apply view-last-applied shows what was applied.
        const viewed = parseYaml(await ok(['-n', ns, 'apply', 'view-last-applied', 'configmap/web-config'])) as Json;
        assert.deepEqual(viewed.data, { color: 'green', greeting: 'hello' });
      });

      it('apply --server-side, a conflict with another manager, --force-conflicts', async () => {
        const ns = await namespace('ssa');
        const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  owner: alice\n  note: keep\n';
        assert.equal(await ok(['-n', ns, 'apply', '--server-side', '-f', '-'], { input: manifest }), 'configmap/shared serverside-applied\n');
        assert.equal(await ok(['-n', ns, 'apply', '--server-side', '-f', '-'], { input: manifest }), 'configmap/shared serverside-applied\n');

        const changed = manifest.replace('alice', 'bob').replace('  note: keep\n', '');
        const conflict = await fails(['-n', ns, 'apply', '--server-side', '--field-manager=intruder', '-f', '-'], { input: changed });
        assert.match(conflict.stderr, /^error: Apply failed with 1 conflict: conflict with "kubectl": \.data\.owner$/m);
        assert.match(conflict.stderr, /--force-conflicts/);
        assert.equal((await getJson(ns, ['cm', 'shared'])).data.owner, 'alice');

        assert.equal(await ok(['-n', ns, 'apply', '--server-side', '--field-manager=intruder', '--force-conflicts', '-f', '-'], { input: changed }), 'configmap/shared serverside-applied\n');
        const cm = JSON.parse(await ok(['-n', ns, 'get', 'cm', 'shared', '-o', 'json', '--show-managed-fields'])) as Json;
        assert.deepEqual(cm.data, { owner: 'bob', note: 'keep' });
        const managers = Object.fromEntries((cm.metadata.managedFields as Json[]).map((m) => [m.manager, m]));
        assert.equal(managers.intruder.operation, 'Apply');
        assert.deepEqual(managers.intruder.fieldsV1, { 'f:data': { 'f:owner': {} } });
        assert.deepEqual(managers.kubectl.fieldsV1['f:data'], { 'f:note': {} });

        // A whole application, server-side: nested lists merge by key.
        assert.deepEqual(rows(await ok(['-n', ns, 'apply', '--server-side', '-f', fixture('app.yaml')])), [
          'deployment.apps/web serverside-applied',
          'service/web serverside-applied',
          'configmap/web-config serverside-applied',
        ]);
        await ok(['-n', ns, 'apply', '--server-side', '-f', fixture('app-v2.yaml')]);
        const d = await getJson(ns, ['deploy', 'web']);
        assert.equal(d.spec.replicas, 3);
        assert.deepEqual(d.spec.template.spec.containers[0].env, [{ name: 'MODE', value: 'production' }]);
        assert.deepEqual(d.spec.template.spec.containers[0].ports.map((p: Json) => p.containerPort), [80]);
      });

      it('diff: exit 0 when the same, 1 with a unified diff when different', async () => {
        const ns = await namespace('diff');
        await ok(['-n', ns, 'apply', '-f', fixture('app.yaml')]);
        const same = await run(['-n', ns, 'diff', '-f', fixture('app.yaml')]);
        assert.equal(same.code, 0, describeResult(['diff'], same));
        assert.equal(same.stdout, '');

        const different = await fails(['-n', ns, 'diff', '-f', fixture('app-v2.yaml')]);
        const lines = different.stdout.split('\n');
        assert.ok(lines.some((l) => /^diff -u -N \S+\/apps\.v1\.Deployment\.diff\.web \S+\/apps\.v1\.Deployment\.diff\.web$/.test(l)), different.stdout);
        for (const l of ['-  replicas: 2', '+  replicas: 3', '-        - name: DEBUG', '-        - containerPort: 9090', '-  color: blue', '+  color: green']) {
          assert.ok(lines.includes(l), `diff lacks ${JSON.stringify(l)}:\n${different.stdout}`);
        }
        assert.ok(!different.stdout.includes('Service.diff.web'), 'the unchanged Service is not in the diff');
        // The server-side dry run changed nothing.
        assert.equal((await getJson(ns, ['deploy', 'web'])).spec.replicas, 2);

        // A new object diffs against nothing.
        const fresh = await fails(['-n', ns, 'diff', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fresh\ndata:\n  a: b\n' });
        assert.ok(fresh.stdout.split('\n').includes('+  name: fresh'), fresh.stdout);
        await fails(['-n', ns, 'get', 'cm', 'fresh']);
      });

      it('edit through KUBE_EDITOR changes the object; an untouched edit is cancelled', async () => {
        const ns = await namespace('edit');
        await ok(['-n', ns, 'apply', '-f', fixture('app.yaml')]);
        const editor = { KUBE_EDITOR: `sh ${fixture('editor.sh')}` };
        assert.equal(await ok(['-n', ns, 'edit', 'configmap', 'web-config'], { env: { ...editor, EDIT_EXPRESSION: 's/greeting: hello/greeting: edited/' } }), 'configmap/web-config edited\n');
        assert.equal((await getJson(ns, ['cm', 'web-config'])).data.greeting, 'edited');

        // Only spec's line: a deployment controller may have written status.replicas too.
        assert.equal(await ok(['-n', ns, 'edit', 'deploy/web'], { env: { ...editor, EDIT_EXPRESSION: '/^spec:/,/^status:/s/^  replicas: 2$/  replicas: 4/' } }), 'deployment.apps/web edited\n');
        assert.equal((await getJson(ns, ['deploy', 'web'])).spec.replicas, 4);

        const untouched = await run(['-n', ns, 'edit', 'configmap', 'web-config'], { env: { KUBE_EDITOR: 'true' } });
        assert.equal(untouched.code, 0, describeResult(['edit'], untouched));
        assert.equal(untouched.stderr, 'Edit cancelled, no changes made.\n');

        // An invalid edit is refused, the object stays as it was, and the reason is written
        // into the saved copy as a comment (that is where an interactive user sees it).
        const invalid = await run(['-n', ns, 'edit', 'deploy/web'], { env: { ...editor, EDIT_EXPRESSION: '/^spec:/,/^status:/s/^  replicas: 4$/  replicas: -4/' } });
        assert.equal(invalid.code, 1, describeResult(['edit'], invalid));
        const saved = /^A copy of your changes has been stored to "(.+)"$/m.exec(invalid.stderr);
        assert.ok(saved, invalid.stderr);
        assert.match(invalid.stderr, /^error: deployments.apps "web" is invalid$/m);
        assert.match(invalid.stderr, /^error: Edit cancelled, no valid changes were saved.$/m);
        const copy = readFileSync(saved[1]!, 'utf8');
        assert.match(copy, /^# \* spec\.replicas: Invalid value: -4: must be greater than or equal to 0$/m);
        assert.equal((await getJson(ns, ['deploy', 'web'])).spec.replicas, 4);
      });

      it('patch: strategic (default), merge and json', async () => {
        const ns = await namespace('patch');
        await ok(['-n', ns, 'apply', '-f', fixture('app.yaml')]);
        // Strategic: containers merge by name, so ports and env stay.
        assert.equal(await ok(['-n', ns, 'patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]}}}}']), 'deployment.apps/web patched\n');
        let d = await getJson(ns, ['deploy', 'web']);
        assert.equal(d.spec.template.spec.containers.length, 1);
        assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.26');
        assert.equal(d.spec.template.spec.containers[0].ports.length, 2);
        // A $patch: delete directive removes one env entry by its merge key.
        assert.equal(await ok(['-n', ns, 'patch', 'deploy', 'web', '--type=strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"DEBUG","$patch":"delete"}]}]}}}}']), 'deployment.apps/web patched\n');
        d = await getJson(ns, ['deploy', 'web']);
        assert.deepEqual(d.spec.template.spec.containers[0].env, [{ name: 'MODE', value: 'production' }]);

        // Merge: lists are replaced, null deletes.
        assert.equal(await ok(['-n', ns, 'patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"replicas":5}}']), 'deployment.apps/web patched\n');
        assert.equal(await ok(['-n', ns, 'patch', 'cm', 'web-config', '--type=merge', '-p', '{"data":{"color":null,"size":"L"}}']), 'configmap/web-config patched\n');
        assert.deepEqual((await getJson(ns, ['cm', 'web-config'])).data, { greeting: 'hello', size: 'L' });
        assert.equal(await ok(['-n', ns, 'patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"replicas":5}}']), 'deployment.apps/web patched (no change)\n');

        // JSON patch, including a test operation that holds and one that does not.
        assert.equal(await ok(['-n', ns, 'patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":5},{"op":"replace","path":"/spec/replicas","value":4}]']), 'deployment.apps/web patched\n');
        assert.equal((await getJson(ns, ['deploy', 'web'])).spec.replicas, 4);
        const failed = await fails(['-n', ns, 'patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":99},{"op":"replace","path":"/spec/replicas","value":1}]']);
        assert.match(failed.stderr, /^The request is invalid/);
        assert.equal((await getJson(ns, ['deploy', 'web'])).spec.replicas, 4);

        // Invalid results are refused with the field named.
        const invalid = await fails(['-n', ns, 'patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"replicas":-1}}']);
        assert.equal(invalid.stderr, 'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n');
        const notFound = await fails(['-n', ns, 'patch', 'deploy', 'nope', '--type=merge', '-p', '{"spec":{"replicas":1}}']);
        assert.equal(notFound.stderr, 'Error from server (NotFound): deployments.apps "nope" not found\n');
      });

      it('label and annotate, --overwrite and key- removal', async () => {
        const ns = await namespace('labels');
        await ok(['-n', ns, 'create', 'configmap', 'subject', '--from-literal=a=b']);
        assert.equal(await ok(['-n', ns, 'label', 'cm', 'subject', 'tier=backend', 'team=core']), 'configmap/subject labeled\n');
        const refused = await fails(['-n', ns, 'label', 'cm', 'subject', 'tier=frontend']);
        assert.equal(refused.stderr, "error: 'tier' already has a value (backend), and --overwrite is false\n");
        assert.equal(await ok(['-n', ns, 'label', 'cm', 'subject', 'tier=frontend', '--overwrite']), 'configmap/subject labeled\n');
        assert.equal(await ok(['-n', ns, 'label', 'cm', 'subject', 'team-']), 'configmap/subject unlabeled\n');
        assert.deepEqual((await getJson(ns, ['cm', 'subject'])).metadata.labels, { tier: 'frontend' });
        const badLabel = await fails(['-n', ns, 'label', 'cm', 'subject', 'bad=-value-']);
        assert.match(badLabel.stderr, /^error: invalid label value: "bad=-value-": a valid label must be an empty string/);

        // kubectl 1.27 prints "annotate" for annotations, newer ones "annotated".
        const annotated = /^configmap\/subject annotated?\n$/;
        assert.match(await ok(['-n', ns, 'annotate', 'cm', 'subject', 'note=first']), annotated);
        const refusedNote = await fails(['-n', ns, 'annotate', 'cm', 'subject', 'note=second']);
        assert.equal(refusedNote.stderr, "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (first)\n");
        assert.match(await ok(['-n', ns, 'annotate', 'cm', 'subject', 'note=second', '--overwrite']), annotated);
        assert.equal(await ok(['-n', ns, 'get', 'cm', 'subject', '-o', 'jsonpath={.metadata.annotations.note}']), 'second');
        assert.match(await ok(['-n', ns, 'annotate', 'cm', 'subject', 'note-']), annotated);
        assert.equal((await getJson(ns, ['cm', 'subject'])).metadata.annotations, undefined);
      });

      it('scale, and --current-replicas as a precondition', async () => {
        const ns = await namespace('scale');
        await ok(['-n', ns, 'apply', '-f', fixture('app.yaml')]);
        assert.equal(await ok(['-n', ns, 'scale', 'deploy/web', '--replicas=6']), 'deployment.apps/web scaled\n');
        assert.equal(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '6');
        // Scale.status.selector is the Deployment's own selector (what autoscalers count pods by).
        assert.equal(JSON.parse(await ok(['get', '--raw', `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`])).status.selector, 'app=web');
        const mismatch = await fails(['-n', ns, 'scale', 'deploy/web', '--replicas=1', '--current-replicas=3']);
        assert.equal(mismatch.stderr, 'error: Expected replicas to be 3, was 6\n');
        assert.equal(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '6');
        assert.equal(await ok(['-n', ns, 'scale', 'deployment', 'web', '--replicas=0', '--current-replicas=6']), 'deployment.apps/web scaled\n');
        assert.equal(await ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '0');
        // ConfigMaps have no scale subresource: the PATCH of configmaps/web-config/scale is a 404.
        const notScalable = await fails(['-n', ns, 'scale', 'configmap/web-config', '--replicas=2']);
        assert.equal(notScalable.stderr, 'Error from server (NotFound): the server could not find the requested resource\n');
      });

      it('get -w and get -w --output-watch-events print changes as they happen', async () => {
        const ns = await namespace('watch');
        await ok(['-n', ns, 'create', 'configmap', 'w1', '--from-literal=a=b']);
        const plain = cluster.kubectlBackground(['-n', ns, 'get', 'configmaps', '-w'], { version });
        const events = cluster.kubectlBackground(['-n', ns, 'get', 'configmaps', '-w', '--output-watch-events'], { version });
        try {
          await plain.waitFor(/^w1\s+1\s+\S+\n/m);
          await events.waitFor(/^ADDED\s+w1\s+1\s+\S+\n/m);
          await ok(['-n', ns, 'label', 'configmap', 'w1', 'seen=yes']);
          await plain.waitFor(/(^w1\s+1\s+\S+\n[^]*){2}/m);
          await events.waitFor(/^MODIFIED\s+w1\s+1\s+\S+\n/m);
          await ok(['-n', ns, 'create', 'configmap', 'w2', '--from-literal=a=b', '--from-literal=c=d']);
          await plain.waitFor(/^w2\s+2\s+\S+\n/m);
          await events.waitFor(/^ADDED\s+w2\s+2\s+\S+\n/m);
          await ok(['-n', ns, 'delete', 'configmap', 'w1']);
          await events.waitFor(/^DELETED\s+w1\s+1\s+\S+\n/m);
          await plain.waitFor(/(^w1\s+1\s+\S+\n[^]*){3}/m);
        } finally {
          await plain.stop();
          await events.stop();
        }
        // Rows of other ConfigMaps (e.g. kube-root-ca.crt) are not ours to check.
        const p = rows(plain.stdout());
        assert.equal(p[0], 'NAME DATA AGE');
        assert.deepEqual(p.slice(1).filter((l) => /^w\d /.test(l)).map((l) => l.split(' ').slice(0, 2).join(' ')), ['w1 1', 'w1 1', 'w2 2', 'w1 1']);
        const e = rows(events.stdout());
        assert.equal(e[0], 'EVENT NAME DATA AGE');
        assert.deepEqual(e.slice(1).filter((l) => / w\d /.test(l)).map((l) => l.split(' ').slice(0, 3).join(' ')), ['ADDED w1 1', 'MODIFIED w1 1', 'ADDED w2 2', 'DELETED w1 1']);
        assert.equal(plain.stderr(), '');
        assert.equal(events.stderr(), '');
      });

      it('wait --for=delete, --for=condition and a timeout', async () => {
        const ns = await namespace('wait');
        const held = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [e2e.skiff.dev/hold]\ndata:\n  a: b\n';
        await ok(['-n', ns, 'create', '-f', '-'], { input: held });
        assert.equal(await ok(['-n', ns, 'delete', 'configmap', 'held', '--wait=false']), 'configmap "held" deleted\n');
        assert.match(await ok(['-n', ns, 'get', 'cm', 'held', '-o', 'jsonpath={.metadata.deletionTimestamp}']), /^\d{4}-/);
        // -v=6 logs each answered request: remove the finalizer only once wait is watching,
        // or it would find nothing to wait for (and rightly print nothing).
        const waiter = cluster.kubectlBackground(['-n', ns, 'wait', '--for=delete', 'configmap/held', '--timeout=60s', '-v=6'], { version });
        try {
          await waiter.waitFor(/GET.*\/configmaps\?\S*watch=true/, { stream: 'stderr' });
          await ok(['-n', ns, 'patch', 'configmap', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
          const r = await waiter.exited;
          assert.equal(r.code, 0, describeResult(['wait'], r));
          assert.equal(r.stdout, 'configmap/held condition met\n');
        } finally {
          await waiter.stop();
        }
        await fails(['-n', ns, 'get', 'cm', 'held']);

        await ok(['-n', ns, 'apply', '-f', fixture('app.yaml')]);
        const timedOut = await fails(['-n', ns, 'wait', '--for=condition=Verified', 'deploy/web', '--timeout=1s']);
        assert.equal(timedOut.stderr, 'error: timed out waiting for the condition on deployments/web\n');
        const conditionWaiter = cluster.kubectlBackground(['-n', ns, 'wait', '--for=condition=Verified', 'deployment/web', '--timeout=60s'], { version });
        try {
          const status = { status: { conditions: [{ type: 'Verified', status: 'True', reason: 'E2E', message: 'checked', lastUpdateTime: '2024-01-01T00:00:00Z', lastTransitionTime: '2024-01-01T00:00:00Z' }] } };
          assert.equal(await ok(['-n', ns, 'patch', 'deployment', 'web', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]), 'deployment.apps/web patched\n');
          const r = await conditionWaiter.exited;
          assert.equal(r.code, 0, describeResult(['wait'], r));
          assert.equal(r.stdout, 'deployment.apps/web condition met\n');
        } finally {
          await conditionWaiter.stop();
        }
        assert.equal(await ok(['-n', ns, 'wait', '--for=condition=Verified=True', 'deploy/web', '--timeout=10s']), 'deployment.apps/web condition met\n');
        assert.equal(await ok(['-n', ns, 'wait', '--for=jsonpath={.spec.replicas}=2', 'deploy/web', '--timeout=10s']), 'deployment.apps/web condition met\n');
        const stillFalse = await fails(['-n', ns, 'wait', '--for=condition=Verified=False', 'deploy/web', '--timeout=1s']);
        assert.equal(stillFalse.stderr, 'error: timed out waiting for the condition on deployments/web\n');
        // The status subresource does not touch spec, and the main resource ignores status.
        const d = await getJson(ns, ['deploy', 'web']);
        assert.equal(d.metadata.generation, 1);
      });

      it('--chunk-size pages through a long list', async () => {
        const ns = await namespace('chunks');
        const docs = Array.from({ length: 25 }, (_, i) => {
          const n = String(i + 1).padStart(2, '0');
          return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${n}\n  labels:\n    env: e${(i + 1) % 3}\ndata:\n  n: "${n}"\n`;
        });
        const created = rows(await ok(['-n', ns, 'create', '-f', '-'], { input: docs.join('---\n') }));
        assert.equal(created.length, 25);
        const r = await run(['-n', ns, 'get', 'configmaps', '--chunk-size=7', '-l', 'env', '-v=6']);
        assert.equal(r.code, 0, describeResult(['get'], r));
        const listed = rows(r.stdout);
        assert.equal(listed[0], 'NAME DATA AGE');
        assert.deepEqual(listed.slice(1).map((l) => l.split(' ')[0]), Array.from({ length: 25 }, (_, i) => `cm-${String(i + 1).padStart(2, '0')}`));
        // 25 items in pages of 7: four requests, three of them with a continue token.
        const requests = r.stderr.split('\n').filter((l) => /GET.*https:\/\/\S+\/api\/v1\/namespaces\/chunks\/configmaps\?\S*limit=7/.test(l));
        assert.equal(requests.length, 4, r.stderr);
        assert.equal(requests.filter((l) => /[?&]continue=/.test(l)).length, 3, r.stderr);
        const names = await ok(['-n', ns, 'get', 'configmaps', '--chunk-size=7', '-l', 'env', '-o', 'name']);
        assert.equal(names.trim().split('\n').length, 25);
        const asJson = JSON.parse(await ok(['-n', ns, 'get', 'configmaps', '--chunk-size=7', '-l', 'env', '-o', 'json'])) as Json;
        assert.equal(asJson.items.length, 25);
      });

      it('label and field selectors, and a clean error for a bad one', async () => {
        const ns = await namespace('selectors');
        const docs = [['a1', 'web', 'a'], ['a2', 'web', 'b'], ['a3', 'db', 'c'], ['a4', 'db', 'a']].map(([name, app, env]) =>
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    app: ${app}\n    env: ${env}\n`);
        await ok(['-n', ns, 'create', '-f', '-'], { input: docs.join('---\n') });
        const names = async (args: string[]) => (await ok(['-n', ns, 'get', 'configmaps', '-o', 'name', ...args])).trim().split('\n').filter(Boolean);
        assert.deepEqual(await names(['-l', 'app=web']), ['configmap/a1', 'configmap/a2']);
        assert.deepEqual(await names(['-l', 'env in (a,b)']), ['configmap/a1', 'configmap/a2', 'configmap/a4']);
        assert.deepEqual(await names(['-l', 'env notin (a,b),app']), ['configmap/a3']);
        assert.deepEqual(await names(['-l', 'app!=web']), ['configmap/a3', 'configmap/a4']);
        assert.deepEqual(await names(['-l', 'app=db,env=a']), ['configmap/a4']);
        assert.deepEqual(await names(['--field-selector', 'metadata.name=a3']), ['configmap/a3']);
        assert.deepEqual(await names(['--field-selector', 'metadata.name!=a3', '-l', 'app=db']), ['configmap/a4']);
        const none = await run(['-n', ns, 'get', 'configmaps', '-l', 'app=nothing']);
        assert.equal(none.code, 0);
        assert.equal(none.stderr, `No resources found in ${ns} namespace.\n`);

        const badLabel = await fails(['-n', ns, 'get', 'configmaps', '-l', 'env in (a']);
        assert.match(badLabel.stderr, /^Error from server \(BadRequest\): Unable to find "\/v1, Resource=configmaps" that match label selector "env in \(a", field selector "": unable to parse requirement: .+\n$/);
        const badField = await fails(['-n', ns, 'get', 'configmaps', '--field-selector', 'spec.nothing=x']);
        assert.equal(badField.stderr, 'Error from server (BadRequest): Unable to find "/v1, Resource=configmaps" that match label selector "", field selector "spec.nothing=x": field label not supported: spec.nothing\n');
      });

      it('explain shows our descriptions and types', async () => {
        const replicas = await ok(['explain', 'deployment.spec.replicas']);
        const r = rows(replicas);
        assert.deepEqual(r.slice(0, 4), ['GROUP: apps', 'KIND: Deployment', 'VERSION: v1', 'FIELD: replicas <integer>']);
        assert.equal(r[4], 'DESCRIPTION:');
        assert.match(r[5]!, /^Number of desired pods/);

        const containers = rows(await ok(['explain', 'pods.spec.containers']));
        assert.deepEqual(containers.slice(0, 3), ['KIND: Pod', 'VERSION: v1', 'FIELD: containers <[]Container>']);
        assert.ok(containers.includes('DESCRIPTION:'));
        assert.ok(containers.includes('FIELDS:'));
        for (const field of ['args <[]string>', 'env <[]EnvVar>', 'image <string>', 'name <string> -required-', 'ports <[]ContainerPort>']) {
          assert.ok(containers.includes(field), `explain pods.spec.containers lacks "${field}":\n${containers.join('\n')}`);
        }
        const unknown = await fails(['explain', 'deployment.spec.nothing']);
        assert.match(unknown.stderr, /field "nothing" does not exist/);
      });

      it('api-resources and api-versions', async () => {
        const resources = rows(await ok(['api-resources']));
        assert.equal(resources[0], 'NAME SHORTNAMES APIVERSION NAMESPACED KIND');
        for (const line of [
          'pods po v1 true Pod',
          'configmaps cm v1 true ConfigMap',
          'services svc v1 true Service',
          'namespaces ns v1 false Namespace',
          'deployments deploy apps/v1 true Deployment',
          'replicasets rs apps/v1 true ReplicaSet',
          'statefulsets sts apps/v1 true StatefulSet',
          'daemonsets ds apps/v1 true DaemonSet',
          'jobs batch/v1 true Job',
          'cronjobs cj batch/v1 true CronJob',
          'customresourcedefinitions crd,crds apiextensions.k8s.io/v1 false CustomResourceDefinition',
        ]) {
          assert.ok(resources.includes(line), `api-resources lacks "${line}":\n${resources.join('\n')}`);
        }
        const apps = (await ok(['api-resources', '--api-group=apps', '-o', 'name'])).trim().split('\n');
        for (const name of ['deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'daemonsets.apps']) assert.ok(apps.includes(name), apps.join('\n'));
        assert.ok(apps.every((n) => n.endsWith('.apps')), apps.join('\n'));
        const clusterScoped = rows(await ok(['api-resources', '--namespaced=false', '--no-headers']));
        assert.ok(clusterScoped.some((l) => l.startsWith('namespaces ')));
        assert.ok(!clusterScoped.some((l) => l.startsWith('pods ')));

        const versions = (await ok(['api-versions'])).trim().split('\n');
        for (const gv of ['v1', 'apps/v1', 'batch/v1', 'apiextensions.k8s.io/v1', 'authorization.k8s.io/v1', 'authentication.k8s.io/v1']) {
          assert.ok(versions.includes(gv), `api-versions lacks ${gv}:\n${versions.join('\n')}`);
        }
        assert.deepEqual(versions, [...versions].sort());
      });

      it('auth can-i, can-i --list and whoami', async () => {
        const can = await run(['auth', 'can-i', 'create', 'pods']);
        assert.equal(can.code, 0, describeResult(['auth'], can));
        assert.equal(can.stdout, 'yes\n');
        assert.equal(await ok(['auth', 'can-i', 'delete', 'deployments.apps', '-n', 'kube-system']), 'yes\n');
        const list = rows(await ok(['auth', 'can-i', '--list']));
        assert.equal(list[0], 'Resources Non-Resource URLs Resource Names Verbs');
        assert.ok(list.includes('*.* [] [] [*]'), list.join('\n'));
        const whoami = rows(await ok(['auth', 'whoami']));
        assert.equal(whoami[0], 'ATTRIBUTE VALUE');
        assert.equal(whoami[1], 'Username system:admin');
        assert.match(whoami[2]!, /^Groups \[.*system:masters.*\]$/);
        assert.match(whoami[2]!, /system:authenticated/);
        const asJson = JSON.parse(await ok(['auth', 'whoami', '-o', 'json'])) as Json;
        assert.equal(asJson.kind, 'SelfSubjectReview');
        assert.equal(asJson.apiVersion, version === '1.27' ? 'authentication.k8s.io/v1beta1' : 'authentication.k8s.io/v1');
        assert.equal(asJson.status.userInfo.username, 'system:admin');
      });

      it('CustomResourceDefinition round trip: Established, printer columns, validation, deletion', async () => {
        const ns = await namespace('crd');
        const crd = 'customresourcedefinition.apiextensions.k8s.io/widgets.example.com';
        assert.equal(await ok(['apply', '-f', fixture('crd.yaml')]), `${crd} created\n`);
        assert.equal(await ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s']), `${crd} condition met\n`);
        const crdObj = JSON.parse(await ok(['get', 'crd', 'widgets.example.com', '-o', 'json'])) as Json;
        assert.deepEqual(crdObj.status.acceptedNames, { kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget', shortNames: ['wg'] });

        assert.equal(await ok(['-n', ns, 'apply', '-f', fixture('widget.yaml')]), 'widget.example.com/gizmo created\n');
        let table = rows(await ok(['-n', ns, 'get', 'widgets']));
        assert.equal(table[0], 'NAME SIZE COLOR PHASE AGE');
        assert.match(table[1]!, new RegExp(`^gizmo 3 red ${AGE}$`));
        assert.equal(await ok(['-n', ns, 'get', 'wg', '-o', 'name']), 'widget.example.com/gizmo\n');

        // The status subresource: a status patch shows in the Phase column; spec stays.
        assert.equal(await ok(['-n', ns, 'patch', 'widget', 'gizmo', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Ready"}}']), 'widget.example.com/gizmo patched\n');
        table = rows(await ok(['-n', ns, 'get', 'widget', 'gizmo']));
        assert.match(table[1]!, new RegExp(`^gizmo 3 red Ready ${AGE}$`));
        // …and the main resource ignores status changes.
        await ok(['-n', ns, 'patch', 'widget', 'gizmo', '--type=merge', '-p', '{"spec":{"size":4},"status":{"phase":"Ignored"}}']);
        const w = JSON.parse(await ok(['-n', ns, 'get', 'widget', 'gizmo', '-o', 'json'])) as Json;
        assert.equal(w.spec.size, 4);
        assert.equal(w.status.phase, 'Ready');

        const explained = rows(await ok(['explain', 'widgets.spec.size']));
        assert.ok(explained.includes('FIELD: size <integer>'), explained.join('\n'));
        assert.ok(explained.includes('How big the widget is.'), explained.join('\n'));

        const widget = (name: string, spec: string) => `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
        const wrongType = await fails(['-n', ns, 'create', '-f', '-'], { input: widget('wrong', '  size: three\n') });
        assert.equal(wrongType.stderr, 'The Widget "wrong" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"\n');
        const tooSmall = await fails(['-n', ns, 'create', '-f', '-'], { input: widget('small', '  size: 0\n') });
        assert.equal(tooSmall.stderr, 'The Widget "small" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1\n');
        const badEnum = await fails(['-n', ns, 'create', '-f', '-'], { input: widget('purple', '  size: 1\n  color: purple\n') });
        assert.equal(badEnum.stderr, 'The Widget "purple" is invalid: spec.color: Unsupported value: "purple": supported values: "red", "green", "blue"\n');
        const noSize = await fails(['-n', ns, 'create', '-f', '-'], { input: widget('nosize', '  color: red\n') });
        assert.equal(noSize.stderr, 'The Widget "nosize" is invalid: spec.size: Required value\n');
        const unknown = await fails(['-n', ns, 'create', '--validate=strict', '-f', '-'], { input: widget('shaped', '  size: 1\n  shape: round\n') });
        assert.equal(unknown.stderr, 'Error from server (BadRequest): error when creating "STDIN": Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.shape"\n');
        // Without strict validation the unknown field is pruned, with a warning.
        const pruned = await run(['-n', ns, 'create', '--validate=warn', '-f', '-'], { input: widget('pruned', '  size: 1\n  shape: round\n') });
        assert.equal(pruned.code, 0, describeResult(['create'], pruned));
        assert.match(pruned.stderr, /Warning: unknown field "spec.shape"/);
        assert.deepEqual((JSON.parse(await ok(['-n', ns, 'get', 'widget', 'pruned', '-o', 'json'])) as Json).spec, { size: 1 });

        // Deleting the CRD deletes its objects and stops serving its API.
        assert.equal(await ok(['delete', 'crd', 'widgets.example.com', '--timeout=60s']), `customresourcedefinition.apiextensions.k8s.io "widgets.example.com" deleted\n`);
        const after = await fails(['-n', ns, 'get', 'widgets']);
        assert.match(after.stderr, /NotFound|doesn't have a resource type "widgets"/);
        assert.ok(!rows(await ok(['api-resources'])).some((l) => l.startsWith('widgets ')));
        assert.equal(await ok(['apply', '-f', fixture('crd.yaml')]), `${crd} created\n`);
        await ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s']);
        const empty = await run(['-n', ns, 'get', 'widgets']);
        assert.equal(empty.code, 0, describeResult(['get'], empty));
        assert.equal(empty.stderr, `No resources found in ${ns} namespace.\n`);
        await ok(['delete', 'crd', 'widgets.example.com', '--timeout=60s']);
      });

      it('namespace deletion: refuses new content while terminating, removes everything, --wait returns', async () => {
        const ns = await namespace('doomed');
        await ok(['-n', ns, 'apply', '-f', fixture('app.yaml')]);
        await ok(['-n', ns, 'create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [e2e.skiff.dev/hold]\n' });
        const deleting = cluster.kubectlBackground(['delete', 'namespace', ns, '--timeout=60s'], { version });
        try {
          await deleting.waitFor(new RegExp(`^namespace "${ns}" deleted\n`));
          const refused = await fails(['-n', ns, 'create', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n' });
          assert.equal(refused.stderr, `Error from server (Forbidden): error when creating "STDIN": configmaps "late" is forbidden: unable to create new content in namespace ${ns} because it is being terminated\n`);
          const status = rows(await ok(['get', 'namespace', ns]));
          assert.match(status[1]!, new RegExp(`^${ns} Terminating ${AGE}$`));
          // The held ConfigMap keeps the namespace alive; everything else is already going.
          await ok(['-n', ns, 'patch', 'configmap', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
          const r = await deleting.exited;
          assert.equal(r.code, 0, describeResult(['delete', 'namespace'], r));
          assert.equal(r.stdout, `namespace "${ns}" deleted\n`);
        } finally {
          await deleting.stop();
        }
        const gone = await fails(['get', 'namespace', ns]);
        assert.equal(gone.stderr, `Error from server (NotFound): namespaces "${ns}" not found\n`);
        const contents = await run(['-n', ns, 'get', 'deploy,svc,cm']);
        assert.equal(contents.stdout, '');
        assert.equal(contents.stderr, `No resources found in ${ns} namespace.\n`);
      });

      it('get all on an empty and a non-empty namespace', async () => {
        const ns = await namespace('everything');
        const empty = await run(['-n', ns, 'get', 'all']);
        assert.equal(empty.code, 0, describeResult(['get', 'all'], empty));
        assert.equal(empty.stdout, '');
        assert.equal(empty.stderr, `No resources found in ${ns} namespace.\n`);

        await ok(['-n', ns, 'apply', '-f', fixture('app.yaml')]);
        const full = await run(['-n', ns, 'get', 'all']);
        assert.equal(full.code, 0, describeResult(['get', 'all'], full));
        assert.equal(full.stderr, '');
        const lines = rows(full.stdout);
        assert.ok(lines.includes('NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE'), full.stdout);
        assert.ok(lines.some((l) => new RegExp(`^service/web ClusterIP \\S+ <none> 80/TCP ${AGE}$`).test(l)), full.stdout);
        assert.ok(lines.includes('NAME READY UP-TO-DATE AVAILABLE AGE'), full.stdout);
        assert.ok(lines.some((l) => new RegExp(`^deployment.apps/web \\d/2 \\d \\d ${AGE}$`).test(l)), full.stdout);
        assert.ok(!full.stdout.includes('configmap/'), 'ConfigMaps are not in the "all" category');
        const names = (await ok(['-n', ns, 'get', 'all', '-o', 'name'])).trim().split('\n');
        assert.ok(names.includes('service/web') && names.includes('deployment.apps/web'), names.join('\n'));
      });

      it('run a pod: it starts Pending, describe shows it, --force deletes it at once', async () => {
        const ns = await namespace('pods');
        // Bound to a node that does not exist: nothing schedules or runs it, so it stays Pending.
        const overrides = JSON.stringify({ spec: { nodeName: 'e2e-nowhere' } });
        assert.equal(await ok(['-n', ns, 'run', 'one-off', '--image=busybox:1.36', '--restart=Never', '--labels=app=one-off', `--overrides=${overrides}`, '--', 'sleep', '3600']), 'pod/one-off created\n');
        const table = rows(await ok(['-n', ns, 'get', 'pods']));
        assert.equal(table[0], 'NAME READY STATUS RESTARTS AGE');
        assert.match(table[1]!, new RegExp(`^one-off 0/1 Pending 0 ${AGE}$`));
        const pod = await getJson(ns, ['pod', 'one-off']);
        assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'BestEffort' });
        assert.deepEqual(pod.spec.containers[0].args, ['sleep', '3600']);
        assert.equal(pod.spec.restartPolicy, 'Never');
        const described = await run(['-n', ns, 'describe', 'pod', 'one-off']);
        assert.equal(described.code, 0, describeResult(['describe'], described));
        assert.equal(described.stderr, '');
        const lines = rows(described.stdout);
        for (const line of ['Name: one-off', `Namespace: ${ns}`, 'Node: e2e-nowhere/', 'Labels: app=one-off', 'Status: Pending', 'Image: busybox:1.36', 'QoS Class: BestEffort']) {
          assert.ok(lines.includes(line), `describe pod lacks "${line}":\n${described.stdout}`);
        }
        const forced = await run(['-n', ns, 'delete', 'pod', 'one-off', '--grace-period=0', '--force']);
        assert.equal(forced.code, 0, describeResult(['delete'], forced));
        assert.equal(forced.stdout, 'pod "one-off" force deleted\n');
        assert.match(forced.stderr, /^Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated/);
        await fails(['-n', ns, 'get', 'pod', 'one-off']);
      });

      it('create generators: namespace, configmap, secret, deployment (protobuf bodies in kubectl ≥1.32)', async () => {
        const ns = await namespace('generated');
        assert.deepEqual(rows(await ok(['get', 'namespace', ns, '--show-labels'])).map((l) => l.replace(new RegExp(` ${AGE} `), ' AGE ')), [
          'NAME STATUS AGE LABELS',
          `${ns} Active AGE kubernetes.io/metadata.name=${ns}`,
        ]);
        assert.equal(await ok(['-n', ns, 'create', 'configmap', 'settings', '--from-literal=a=b', '--from-literal=c=d']), 'configmap/settings created\n');
        assert.deepEqual((await getJson(ns, ['cm', 'settings'])).data, { a: 'b', c: 'd' });
        assert.equal(await ok(['-n', ns, 'create', 'secret', 'generic', 'creds', '--from-literal=password=hunter2']), 'secret/creds created\n');
        const secret = await getJson(ns, ['secret', 'creds']);
        assert.equal(secret.type, 'Opaque');
        assert.equal(Buffer.from(secret.data.password, 'base64').toString(), 'hunter2');
        assert.equal(await ok(['-n', ns, 'create', 'secret', 'docker-registry', 'pull', '--docker-server=registry.example.com', '--docker-username=u', '--docker-password=p']), 'secret/pull created\n');
        assert.equal((await getJson(ns, ['secret', 'pull'])).type, 'kubernetes.io/dockerconfigjson');
        assert.equal(await ok(['-n', ns, 'create', 'deployment', 'api', '--image=nginx:1.25', '--replicas=2', '--port=8080']), 'deployment.apps/api created\n');
        const d = await getJson(ns, ['deploy', 'api']);
        assert.equal(d.spec.replicas, 2);
        assert.deepEqual(d.spec.selector, { matchLabels: { app: 'api' } });
        assert.deepEqual(d.spec.template.metadata.labels, { app: 'api' });
        assert.equal(d.spec.template.spec.containers[0].name, 'nginx');
        assert.equal(d.spec.template.spec.containers[0].image, 'nginx:1.25');
        assert.deepEqual(d.spec.template.spec.containers[0].ports, [{ containerPort: 8080, protocol: 'TCP' }]);
        assert.equal(await ok(['-n', ns, 'create', 'serviceaccount', 'robot']), 'serviceaccount/robot created\n');
        assert.equal(await ok(['-n', ns, 'create', 'service', 'clusterip', 'api', '--tcp=80:8080']), 'service/api created\n');
        const svc = await getJson(ns, ['svc', 'api']);
        assert.deepEqual(svc.spec.ports.map((p: Json) => [p.port, p.targetPort]), [[80, 8080]]);
        // Server-side dry run stores nothing.
        assert.equal(await ok(['-n', ns, 'create', 'configmap', 'dry', '--from-literal=a=b', '--dry-run=server']), 'configmap/dry created (server dry run)\n');
        await fails(['-n', ns, 'get', 'cm', 'dry']);
        const dup = await fails(['-n', ns, 'create', 'configmap', 'settings', '--from-literal=x=y']);
        assert.equal(dup.stderr, 'error: failed to create configmap: configmaps "settings" already exists\n');
      });
    });

    it('objects and resourceVersions survive a restart', async () => {
      const ns = await namespace('durable');
      await ok(['-n', ns, 'apply', '-f', fixture('app.yaml')]);
      const before = await getJson(ns, ['cm', 'web-config']);
      const beforeList = await getJson(ns, ['cm']);
      await cluster.restart();
      const after = await getJson(ns, ['cm', 'web-config']);
      assert.deepEqual(after, before);
      assert.equal((await getJson(ns, ['deploy', 'web'])).spec.replicas, 2);
      assert.equal(await ok(['-n', ns, 'create', 'configmap', 'later', '--from-literal=a=b']), 'configmap/later created\n');
      const later = await getJson(ns, ['cm', 'later']);
      assert.ok(BigInt(later.metadata.resourceVersion) > BigInt(beforeList.metadata.resourceVersion), `${later.metadata.resourceVersion} after ${beforeList.metadata.resourceVersion}`);
      await ok(['-n', ns, 'label', 'cm', 'web-config', 'restarted=yes']);
      const relabeled = await getJson(ns, ['cm', 'web-config']);
      assert.ok(BigInt(relabeled.metadata.resourceVersion) > BigInt(later.metadata.resourceVersion));
      assert.deepEqual(rows(await ok(['-n', ns, 'apply', '-f', fixture('app.yaml')])), [
        'deployment.apps/web unchanged',
        'service/web unchanged',
        'configmap/web-config unchanged',
      ]);
    });
  });
}
