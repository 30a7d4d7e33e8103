/**
 * storage.k8s.io/v1 StorageClasses and node.k8s.io/v1 RuntimeClasses through the real
 * kubectl (newest and 1.27): created from YAML with upstream's defaults, listed with
 * upstream's columns, discovery lines, and immutable fields refused with upstream's words.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useTestCluster } from '../support/cluster.js';

describe('StorageClass and RuntimeClass with kubectl', () => {
  const env = useTestCluster();
  const kubectl = async (args: string[], options: { version?: string; input?: string } = {}) => {
    const res = await env.cluster.kubectl(args, options);
    assert.equal(res.code, 0, `kubectl ${args.join(' ')}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res.stdout;
  };

  it('lists both in api-resources', async () => {
    const out = await kubectl(['api-resources']);
    assert.match(out, /\nruntimeclasses\s+node\.k8s\.io\/v1\s+false\s+RuntimeClass\n/);
    assert.match(out, /\nstorageclasses\s+sc\s+storage\.k8s\.io\/v1\s+false\s+StorageClass\n/);
  });

  for (const version of [undefined, '1.27']) {
    const suffix = version ? '-old' : '';
    it(`creates a StorageClass with defaults and refuses changing its provisioner (kubectl ${version ?? 'newest'})`, async () => {
      await kubectl(['create', '-f', '-'], {
        version,
        input: `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local${suffix}
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: skiff.dev/local-path
`,
      });
      const get = await kubectl(['get', 'sc', `local${suffix}`], { version });
      assert.match(get, /^NAME\s+PROVISIONER\s+RECLAIMPOLICY\s+VOLUMEBINDINGMODE\s+ALLOWVOLUMEEXPANSION\s+AGE\n/);
      assert.match(get, new RegExp(`\\nlocal${suffix} \\(default\\)\\s+skiff\\.dev/local-path\\s+Delete\\s+Immediate\\s+false\\s+\\S+\\n`));
      const patch = await env.cluster.kubectl(['patch', 'sc', `local${suffix}`, '--type=merge', '-p', '{"provisioner":"other.dev/x"}'], { version });
      assert.notEqual(patch.code, 0);
      assert.match(patch.stderr, /provisioner: Forbidden: updates to provisioner are forbidden\./);
    });

    it(`creates a RuntimeClass and refuses changing its handler (kubectl ${version ?? 'newest'})`, async () => {
      await kubectl(['create', '-f', '-'], { version, input: `apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: sim${suffix}\nhandler: simulated\n` });
      const get = await kubectl(['get', 'runtimeclass', `sim${suffix}`], { version });
      assert.match(get, new RegExp(`^NAME\\s+HANDLER\\s+AGE\\nsim${suffix}\\s+simulated\\s+\\S+\\n$`));
      const patch = await env.cluster.kubectl(['patch', 'runtimeclass', `sim${suffix}`, '--type=merge', '-p', '{"handler":"process"}'], { version });
      assert.match(patch.stderr, /handler: Invalid value: "process": field is immutable/);
      const bad = await env.cluster.kubectl(['create', '-f', '-'], { version, input: 'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: bad\nhandler: Not_A_Label\n' });
      assert.match(bad.stderr, /handler: Invalid value: "Not_A_Label": a lowercase RFC 1123 label must consist of/);
    });
  }
});
