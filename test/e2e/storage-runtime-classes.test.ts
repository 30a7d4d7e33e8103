/**
 * storage.k8s.io/v1 StorageClasses and node.k8s.io/v1 RuntimeClasses through the real
 * kubectl (newest and 1.27): discovery lines, created from YAML with upstream's
 * defaults, listed with upstream's columns, described and explained, and refusals
 * (immutable fields, bad values) in upstream's words, each error named once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestCluster } from '../support/cluster.js';

const LABEL_ERROR = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

describe('StorageClass and RuntimeClass with kubectl', () => {
  const env = useTestCluster();
  const kubectl = async (args: string[], options: { version?: string; input?: string } = {}) => {
    const res = await env.cluster.kubectl(args, options);
    assert.equal(res.code, 0, `kubectl ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res.stdout;
  };
  /** Runs kubectl expecting a refusal; its stderr. */
  const refused = async (args: string[], options: { version?: string; input?: string } = {}) => {
    const res = await env.cluster.kubectl(args, options);
    assert.notEqual(res.code, 0, `kubectl ${args.join(' ')} should fail\nstdout: ${res.stdout}`);
    return res.stderr;
  };

  for (const version of [undefined, '1.27']) {
    const suffix = version ? '-old' : '';
    const kc = `kubectl ${version ?? 'newest'}`;

    it(`lists both kinds in api-resources (${kc})`, async () => {
      const out = await kubectl(['api-resources'], { version });
      assert.match(out, /\nruntimeclasses\s+node\.k8s\.io\/v1\s+false\s+RuntimeClass\n/);
      assert.match(out, /\nstorageclasses\s+sc\s+storage\.k8s\.io\/v1\s+false\s+StorageClass\n/);
    });

    it(`creates a StorageClass from YAML with defaults, lists, describes it and refuses immutable changes (${kc})`, async () => {
      const name = `local${suffix}`;
      await kubectl(['create', '-f', '-'], {
        version,
        input: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: ${name}
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: skiff.dev/local-path
parameters: {type: ssd}
`,
      });
      assert.equal(await kubectl(['get', 'sc', name, '-o', 'jsonpath={.reclaimPolicy} {.volumeBindingMode}'], { version }), 'Delete Immediate');
      const get = await kubectl(['get', 'sc', name], { version });
      assert.match(get, /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE\n/);
      assert.match(get, new RegExp(`\\n${name} \\(default\\)\\s+skiff\\.dev/local-path\\s+Delete\\s+Immediate\\s+false\\s+\\S+\\n$`));
      const described = await kubectl(['describe', 'sc', name], { version });
      assert.match(described, /IsDefaultClass:\s+Yes\n/);
      assert.match(described, /Parameters:\s+type=ssd\n/);
      assert.match(described, /VolumeBindingMode:\s+Immediate\n/);

      const patch = await refused(['patch', 'sc', name, '--type=merge', '-p', '{"provisioner":"other.dev/x"}'], { version });
      assert.equal(patch.trim(), `The StorageClass "${name}" is invalid: provisioner: Forbidden: updates to provisioner are forbidden.`);
      const live = JSON.parse(await kubectl(['get', 'sc', name, '-o', 'json'], { version }));
      const replaced = { ...live, parameters: { type: 'hdd' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' };
      const replace = await refused(['replace', '-f', '-'], { version, input: JSON.stringify(replaced) });
      // kubectl replace lists the causes, one per line.
      assert.equal(replace.trim(), [
        `The StorageClass "${name}" is invalid: `,
        '* parameters: Forbidden: updates to parameters are forbidden.',
        '* reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
        '* volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
      ].join('\n'));
      // What may change does: expansion, mount options, annotations.
      await kubectl(['patch', 'sc', name, '--type=merge', '-p', '{"allowVolumeExpansion":true,"mountOptions":["noatime"]}'], { version });
      assert.match(await kubectl(['get', 'sc', name], { version }), /\s+Delete\s+Immediate\s+true\s+/);
      await kubectl(['annotate', 'sc', name, 'storageclass.kubernetes.io/is-default-class=false', '--overwrite'], { version });
      assert.match(await kubectl(['get', 'sc', name, '--no-headers'], { version }), new RegExp(`^${name}\\s+skiff\\.dev/local-path`));
    });

    it(`refuses bad StorageClass values, naming each error once (${kc})`, async () => {
      const bad = (fields: string) => `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: bad${suffix}\n${fields}`;
      assert.equal((await refused(['create', '-f', '-'], { version, input: bad('provisioner: x\nreclaimPolicy: Recycle\n') })).trim(),
        `The StorageClass "bad${suffix}" is invalid: reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"`);
      assert.equal((await refused(['create', '-f', '-'], { version, input: bad('parameters: {a: b}\n') })).trim(),
        `The StorageClass "bad${suffix}" is invalid: provisioner: Required value`);
      assert.match(await refused(['create', '-f', '-'], { version, input: bad('provisioner: x\nallowedTopologies:\n- matchLabelExpressions:\n  - {key: zone, values: []}\n') }),
        /allowedTopologies\[0\]\.matchLabelExpressions\[0\]\.values: Required value/);
    });

    it(`creates a RuntimeClass from YAML, lists it and refuses changing its handler (${kc})`, async () => {
      const name = `sim${suffix}`;
      await kubectl(['create', '-f', '-'], {
        version,
        input: `apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata:
  name: ${name}
handler: simulated
overhead:
  podFixed: {cpu: 250m, memory: 64Mi}
scheduling:
  nodeSelector: {skiff.dev/runtime: simulated}
  tolerations:
  - {key: skiff.dev/sandbox, operator: Exists, effect: NoSchedule}
`,
      });
      const get = await kubectl(['get', 'runtimeclass', name], { version });
      assert.match(get, new RegExp(`^NAME\\s+HANDLER\\s+AGE\\n${name}\\s+simulated\\s+\\S+\\n$`));
      assert.equal(await kubectl(['get', 'runtimeclass', name, '-o', 'jsonpath={.overhead.podFixed.cpu} {.scheduling.tolerations[0].key}'], { version }), '250m skiff.dev/sandbox');

      const patch = await refused(['patch', 'runtimeclass', name, '--type=merge', '-p', '{"handler":"process"}'], { version });
      assert.equal(patch.trim(), `The RuntimeClass "${name}" is invalid: handler: Invalid value: "process": field is immutable`);
      await kubectl(['label', 'runtimeclass', name, 'tier=test'], { version });

      const bad = (fields: string) => `apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: bad${suffix}\n${fields}`;
      assert.match(await refused(['create', '-f', '-'], { version, input: bad('handler: Not_A_Label\n') }), new RegExp(`handler: Invalid value: "Not_A_Label": ${LABEL_ERROR}`));
      assert.equal((await refused(['create', '-f', '-'], { version, input: bad('handler: ok\noverhead:\n  podFixed: {cpu: "-1"}\n') })).trim(),
        `The RuntimeClass "bad${suffix}" is invalid: overhead.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0`);
      assert.match(await refused(['create', '-f', '-'], { version, input: bad('handler: ok\nscheduling:\n  tolerations: [{operator: Equal, value: x}]\n') }),
        /scheduling\.tolerations\[0\]\.operator: Invalid value: "Equal": operator must be Exists when `key` is empty/);
    });
  }

  it('answers the API with each distinct error once in the message, as upstream', async () => {
    const res = await env.client.request('POST', '/apis/storage.k8s.io/v1/storageclasses', {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'raw' }, provisioner: 'x', volumeBindingMode: 'Later',
    });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.message, 'StorageClass.storage.k8s.io "raw" is invalid: volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"');
  });

  it('explains both kinds from the served OpenAPI', async () => {
    const sc = await kubectl(['explain', 'storageclass.volumeBindingMode']);
    assert.match(sc, /^GROUP:\s+storage\.k8s\.io\nKIND:\s+StorageClass\nVERSION:\s+v1\n/);
    assert.match(sc, /FIELD: volumeBindingMode <string>\nENUM:\n\s+Immediate\n\s+WaitForFirstConsumer\n/);
    const rc = await kubectl(['explain', 'runtimeclass.scheduling.tolerations']);
    assert.match(rc, /^GROUP:\s+node\.k8s\.io\nKIND:\s+RuntimeClass\nVERSION:\s+v1\n/);
    assert.match(rc, /FIELD: tolerations <\[\]Toleration>\n/);
  });
});
